"""Web pages of the security app: the lockout answer, the second factor, the SAI admin's
security log (with CSV export)."""

import base64
import csv

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.choices import EventKind
from security.filters import CSV_COLUMNS, SecurityEventFilter
from security.models import SecurityEvent
from security.permissions import SECURITY_OFFICERS
from security.services.log import security_event_record

EVENTS_PER_PAGE = 100


def locked_until(request):
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    return attempt_time + get_cool_off(request)


def lockout_response(request, original_response=None, credentials=None):
    """429 on every login path, saying until when; JSON for the API, a page for the web."""
    until = timezone.localtime(locked_until(request))
    message = _("Too many failed logins. Try again after %(until)s.") % {
        "until": date_format(until, "DATETIME_FORMAT")
    }
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "locked_until": until.isoformat()},
            status=status,
            headers={"Retry-After": str(max(1, int((until - timezone.now()).total_seconds())))},
        )
    return render(
        request, "security/locked_out.html", {"message": message, "until": until}, status=status
    )


def _safe_next(request, fallback="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enter a code from the authenticator app; the first time, set the app up."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name="authenticator", confirmed=False
            )
    error = None
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip().replace(" ", "")
        if code.isdigit() and device.verify_token(code):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            security_event_record(
                EventKind.SECOND_FACTOR,
                request=request,
                detail="set up and verified" if setting_up else "verified",
            )
            return redirect(_safe_next(request))
        error = _("That code is not valid. Check the time on your phone and try again.")
        security_event_record(
            EventKind.SECOND_FACTOR, request=request, status_code=400, detail="wrong code"
        )
    context = {
        "setting_up": setting_up,
        "secret": _base32(device.bin_key) if setting_up else "",
        "config_url": device.config_url if setting_up else "",
        "error": error,
        "next": _safe_next(request, fallback=""),
    }
    return render(request, "security/two_factor.html", context, status=400 if error else 200)


def _base32(key: bytes) -> str:
    encoded = base64.b32encode(key).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def _events_for(request):
    if not request.user.has_role(*SECURITY_OFFICERS):
        raise Http404  # the page does not exist for anyone else
    return SecurityEventFilter(
        request.GET, queryset=SecurityEvent.objects.visible_to(request.user).select_related(None)
    )


class _Echo:
    def write(self, value):
        return value


def _csv_rows(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        row = [getattr(event, column) for column in CSV_COLUMNS]
        row[0] = event.at.isoformat()
        yield writer.writerow(["" if value is None else value for value in row])


@login_required
def security_log(request):
    """The SAI admin's security log: filters, pages of 100, and the same rows as CSV."""
    events = _events_for(request)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_rows(events.qs), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.csv"'
        return response
    page = Paginator(events.qs, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/log.html",
        {
            "filter": events,
            "page": page,
            "kinds": EventKind.choices,
            "query": query.urlencode(),
        },
    )


def page_not_found(request, exception=None):
    """An API URL that matches no route is a 404 in the API's JSON error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return django_page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return django_server_error(request)
