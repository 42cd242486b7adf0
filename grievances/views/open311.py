"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), so that
civic-reporting apps (FixMyStreet and the like) file and follow grievances unchanged.

- `discovery`, `services`, `services/{code}`, `requests` (GET: public requests with the
  standard's filters; POST: file one, with a registered app's `api_key`),
  `requests/{id}`, `tokens/{token}`; each as `.json` or `.xml` (JSON without a suffix).
- `service_request_id` is the grievance's tracking code, so ids cannot be enumerated;
  a token is that same code (the request exists as soon as it is posted).
- Never any contact data: the request view has no such field. Lists show grievances
  past `received` (verified by staff); one request is shown to whoever has its id.
- `media_url` is not fetched (the server makes no request to a URL a client names).
"""

import datetime
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from audits.exceptions import DomainError
from grievances.choices import CLOSED_STATUSES, Channel, GrievanceStatus
from grievances.models import GrievanceCategory
from grievances.selectors import grievance_by_code, with_public_data
from grievances.services.filing import grievance_file
from grievances.services.open311 import open311_client_for_key
from grievances.throttling import Open311ClientThrottle, client_address
from grievances.tracking import normalise_code

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+08:00"
MAX_SPAN = datetime.timedelta(days=90)
MAX_RESULTS = 1000
OPEN_STATUSES = [status for status in GrievanceStatus.values if status not in CLOSED_STATUSES]


# --- rendering ---------------------------------------------------------------------------


def _xml_value(parent, key, value):
    element = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            _xml_value(element, child_key, child_value)
    elif isinstance(value, list):
        singular = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute"}
        for item in value:
            _xml_value(element, singular.get(key, "item"), item)
    elif value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else str(value)


def _answer(data, fmt, *, root, item=None, status=200, headers=None):
    if fmt == "xml":
        tree = ET.Element(root)
        if item is None:
            for key, value in data.items():
                _xml_value(tree, key, value)
        else:
            for row in data:
                _xml_value(tree, item, row)
        body = ET.tostring(tree, encoding="utf-8", xml_declaration=True)
        response = HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    else:
        response = JsonResponse(data, status=status, safe=False)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(fmt, status, description, headers=None):
    return _answer(
        [{"code": status, "description": str(description)}],
        fmt,
        root="errors",
        item="error",
        status=status,
        headers=headers,
    )


def _timestamp(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _request_record(grievance) -> dict:
    updates = list(grievance.updates.all())
    latest = updates[-1] if updates else None
    agency = grievance.referred_agency
    return {
        "service_request_id": grievance.grouped_code,
        "status": "closed" if grievance.status in CLOSED_STATUSES else "open",
        "status_notes": latest.text if latest else "",
        "service_name": grievance.category.name,
        "service_code": grievance.category.code,
        "description": grievance.description,
        "agency_responsible": agency.name if agency else "",
        "service_notice": str(grievance.get_status_display()),
        "requested_datetime": _timestamp(grievance.submitted_at),
        "updated_datetime": _timestamp(latest.created_at if latest else grievance.submitted_at),
        "expected_datetime": "",
        "address": grievance.location,
        "address_id": "",
        "zipcode": "",
        "lat": float(grievance.latitude) if grievance.latitude is not None else None,
        "long": float(grievance.longitude) if grievance.longitude is not None else None,
        "media_url": "",
    }


def _service_record(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


# --- endpoints ---------------------------------------------------------------------------


@require_GET
def discovery(request, fmt="json"):
    base = request.build_absolute_uri(reverse("open311-root"))
    data = {
        "changeset": CHANGESET,
        "contact": _("The grievance desk of the audit institution."),
        "key_service": _("Ask the SAI administrator to register your app for an api_key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _answer(data, fmt, root="discovery")


@require_GET
def services(request, fmt="json"):
    rows = [_service_record(c) for c in GrievanceCategory.objects.filter(active=True)]
    return _answer(rows, fmt, root="services", item="service")


@require_GET
def service_definition(request, code, fmt="json"):
    if not GrievanceCategory.objects.filter(code=code, active=True).exists():
        return _error(fmt, 404, _("service_code not found"))
    return _answer({"service_code": code, "attributes": []}, fmt, root="service_definition")


def _parse_date(value, name):
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if value and parsed is None:
        raise ValidationError(_("%(name)s: give a W3C date and time.") % {"name": name})
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _requests_list(request, fmt):
    params = request.GET
    queryset = with_public_data().published()
    ids = [item for item in params.get("service_request_id", "").split(",") if item.strip()]
    if ids:  # each id is a tracking code: shown whatever its status, as requests/{id}
        codes = {normalise_code(item) for item in ids[:MAX_RESULTS]}
        found = with_public_data().filter(tracking_code__in=codes).order_by("-submitted_at")
        rows = [_request_record(grievance) for grievance in found]
        return _answer(rows, fmt, root="service_requests", item="request")
    try:
        start = _parse_date(params.get("start_date", ""), "start_date")
        end = _parse_date(params.get("end_date", ""), "end_date")
    except ValidationError as error:
        return _error(fmt, 400, " ".join(error.messages))
    end = end or (start + MAX_SPAN if start else timezone.now())
    start = start or end - MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        return _error(fmt, 400, _("start_date and end_date: a range of at most 90 days."))
    queryset = queryset.filter(submitted_at__gte=start, submitted_at__lte=end)
    codes = [code for code in params.get("service_code", "").split(",") if code.strip()]
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    statuses = {status.strip() for status in params.get("status", "").split(",") if status}
    if statuses - {"open", "closed"}:
        return _error(fmt, 400, _("status: open or closed."))
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        queryset = queryset.filter(status__in=CLOSED_STATUSES)
    rows = [_request_record(g) for g in queryset.order_by("-submitted_at")[:MAX_RESULTS]]
    return _answer(rows, fmt, root="service_requests", item="request")


def _location(params):
    """(latitude, longitude, address) or a refusal naming the parameter."""
    lat, lon = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip() or params.get("address_id", "").strip()
    if not (lat and lon) and not address:
        raise ValidationError(_("lat and long, or address_string: give a location."))
    if not (lat and lon):
        return None, None, address
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError as error:
        raise ValidationError(_("lat and long: give numbers.")) from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("lat and long: not a point on Earth."))
    return round(latitude, 6), round(longitude, 6), address


def _requests_create(request, fmt):
    params = request.POST
    app = open311_client_for_key(params.get("api_key", ""))
    if app is None:
        return _error(fmt, 403, _("api_key: missing or not valid."))
    throttle = Open311ClientThrottle(app)
    if not throttle.allow_request(request, None):
        wait = max(1, int(throttle.wait() or 1))
        return _error(fmt, 429, _("Too many requests."), headers={"Retry-After": str(wait)})
    category = GrievanceCategory.objects.filter(
        code=params.get("service_code", ""), active=True
    ).first()
    if category is None:
        return _error(fmt, 404, _("service_code not found"))
    name = " ".join(
        part.strip() for part in (params.get("first_name", ""), params.get("last_name", "")) if part
    )
    device = params.get("device_id") or params.get("account_id") or params.get("email") or ""
    try:
        latitude, longitude, address = _location(params)
        grievance = grievance_file(
            channel=Channel.OPEN311,
            description=params.get("description", ""),
            category=category,
            location=address[:300],
            latitude=latitude,
            longitude=longitude,
            contact_name=name[:200],
            contact_email=params.get("email", ""),
            contact_phone=params.get("phone", ""),
            client=f"open311:{app.pk}:{device or client_address(request)}",
            open311_client=app,
        )
    except ValidationError as error:
        fields = getattr(error, "message_dict", None)
        text = (
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in fields.items())
            if fields
            else " ".join(error.messages)
        )
        return _error(fmt, 400, text)
    except DomainError as error:
        return _error(fmt, error.status_code, error.message)
    code = grievance.grouped_code
    row = {
        "service_request_id": code,
        "token": code,
        "service_notice": _("Keep this code to follow your report."),
        "account_id": None,
    }
    return _answer([row], fmt, root="service_requests", item="request")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_collection(request, fmt="json"):
    params = request.POST if request.method == "POST" else request.GET
    for name, values in params.lists():
        if any("\x00" in value for value in values):
            return _error(
                fmt, 400, _("%(name)s: null characters are not allowed.") % {"name": name}
            )
    if request.method == "POST":
        return _requests_create(request, fmt)
    return _requests_list(request, fmt)


@require_GET
def request_detail(request, request_id, fmt="json"):
    grievance = grievance_by_code(request_id)
    if grievance is None:
        return _error(fmt, 404, _("service_request_id not found"))
    return _answer([_request_record(grievance)], fmt, root="service_requests", item="request")


@require_GET
def token_detail(request, token, fmt="json"):
    grievance = grievance_by_code(token)
    if grievance is None:
        return _error(fmt, 404, _("token not found"))
    row = {"service_request_id": grievance.grouped_code, "token": token}
    return _answer([row], fmt, root="service_requests", item="request")


@require_GET
def root(request):
    return discovery(request)
