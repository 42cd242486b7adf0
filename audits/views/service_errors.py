"""Turning what services refuse into messages on the page: never a 500 for any input."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from audits.exceptions import DomainError

SERVICE_ERRORS = (DomainError, ValidationError)


def add_service_error(form, error) -> None:
    """Put a DomainError or ValidationError on the form: per field where the form has
    that field, otherwise as an error of the whole form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in field_messages:
                form.add_error(target, message if target else _prefixed(field, message))
        return
    texts = error.messages if isinstance(error, ValidationError) else [error.message]
    for message in texts:
        form.add_error(None, message)


def _prefixed(field, message):
    return message if field in ("__all__", "non_field_errors") else f"{field}: {message}"


def error_text(error) -> str:
    """One line for a flash message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.message


def post_transition(request, obj, service, *, form_class, success_message):
    """Apply the workflow move a page's button posted (`to`, `reason`) and say how it
    went; the caller redirects. Returns the object as it now is."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return obj
    try:
        obj = service(obj, by=request.user, **form.cleaned_data)
    except SERVICE_ERRORS as error:
        messages.error(request, error_text(error))
    else:
        # `success_message`: a function of the object as it now is (audits/views/outcomes.py),
        # or a text with %(status)s.
        if callable(success_message):
            messages.success(request, success_message(obj))
        else:
            messages.success(request, success_message % {"status": obj.get_status_display()})
    return obj
