"""Public pages (no login): file a grievance, follow it by its code, the statistics.

They work on a cheap phone without JavaScript: plain forms, server-rendered pages. The
one script only fills the location point when the browser offers it."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie

from audits.exceptions import FileTooLarge
from audits.upload_handlers import limit_uploads
from audits.views.kept_files import KeptFiles, kept_files_for, kept_files_keep
from audits.views.service_errors import SERVICE_ERRORS, add_service_error
from grievances.choices import Channel
from grievances.forms import GrievanceForm, TrackForm
from grievances.models import CONTACT_FIELDS, FILING_FIELDS, MAX_ATTACHMENTS
from grievances.querysets import is_triage_staff
from grievances.selectors import grievance_by_code, grievance_statistics, public_record
from grievances.services.filing import grievance_file
from grievances.throttling import client_address, retry_after_if_throttled


def _form_page(request, form, status=200, error=None, kept=None):
    context = {"form": form, "error": error, "kept": kept or KeptFiles()}
    return render(request, "grievances/new.html", context, status=status)


@csrf_exempt  # checked below, once the upload limit is in place
def grievance_new(request):
    if request.method != "POST":
        return _grievance_new(request)
    wait = retry_after_if_throttled(request)
    if wait is not None:
        response = render(request, "grievances/throttled.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    limit_uploads(request)
    try:
        request.POST  # read the body now, under the limit  # noqa: B018
    except FileTooLarge as error:
        return _form_page(request, GrievanceForm(), status=error.status_code, error=error.message)
    return _grievance_new(request)


@csrf_protect
@ensure_csrf_cookie
def _grievance_new(request):
    if request.method != "POST":
        return _form_page(request, GrievanceForm())
    form = GrievanceForm(request.POST, request.FILES)
    kept = kept_files_for(request, "files")
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in FILING_FIELDS + CONTACT_FIELDS}
        try:
            grievance = grievance_file(
                # Staff filing on the same page do it for a walk-in complainant.
                channel=Channel.DESK if is_triage_staff(request.user) else Channel.WEB,
                attachments=form.cleaned_data["files"] or kept.open(),
                client=client_address(request),
                by=request.user,
                **values,
            )
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
            status = getattr(error, "status_code", 400)
        else:
            kept.discard()
            url = reverse("grievance-track-code", args=[grievance.grouped_code])
            return redirect(url + "?filed=1")
    else:
        status = 400
    kept = kept_files_keep(request, form, "files", kept, limit=MAX_ATTACHMENTS)
    return _form_page(request, form, status=status, kept=kept)


def grievance_track(request, code=None):
    """`/grievances/track/?code=...` or `/grievances/track/<code>/`: the same page. A wrong
    code and an unknown one are the same 404 page."""
    code = code or request.GET.get("code")
    if code is None:
        return render(request, "grievances/track.html", {"form": TrackForm()})
    grievance = grievance_by_code(code)
    if grievance is None:
        context = {"form": TrackForm(initial={"code": code}), "not_found": True}
        return render(request, "grievances/track.html", context, status=404)
    return render(
        request,
        "grievances/track.html",
        {
            "form": TrackForm(),
            "record": public_record(grievance),
            "just_filed": request.GET.get("filed") == "1",
        },
    )


def grievance_statistics_page(request):
    return render(request, "grievances/statistics.html", {"statistics": grievance_statistics()})
