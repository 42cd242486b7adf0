"""Saving a form once, however often its button is pressed (see audits.forms.once)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from audits.forms import once
from audits.views.service_errors import SERVICE_ERRORS, add_service_error


def save_once(request, form, create, *, success, target):
    """Run `create` for a valid form once per form token: redirect to `target(saved)`
    with the `success` message, or put what the service refused on the form (None)."""
    token = getattr(form, "token", "")
    if not once.claim(token, request.user):
        url = once.earlier_result(token, request.user)
        if url:
            messages.info(request, _("This form was already sent; here is what it saved."))
            return redirect(url)
        # The first one failed and let go (claim again), or is still running.
        if not once.claim(token, request.user):
            form.add_error(None, _("This form is already being saved; wait a moment."))
            return None
    try:
        saved = create()
    except SERVICE_ERRORS as error:
        once.release(token, request.user)
        add_service_error(form, error)
        return None
    except Exception:
        once.release(token, request.user)
        raise
    url = target(saved)
    once.remember(token, request.user, url)
    messages.success(request, success % {"name": saved})
    return redirect(url)


def already_saved(request, form):
    """Before validating a posted creating form: if its token was already used, the
    redirect to what that first POST saved (a second click must not meet "this username
    is taken" from the first); else None."""
    token = getattr(form, "token", "")
    url = once.earlier_result(token, request.user) if token else None
    if url:
        messages.info(request, _("This form was already sent; here is what it saved."))
        return redirect(url)
    return None
