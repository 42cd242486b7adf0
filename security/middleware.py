"""Request-level guards: the second factor, hostile requests, and the security log's
view of every answer (403s, 404s on objects that exist, file downloads)."""

import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, RequestDataTooBig, ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse, UnreadablePostError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from audits.exceptions import FileTooLarge
from audits.upload_handlers import MULTIPART_OVERHEAD_BYTES
from security.choices import EventKind
from security.permissions import SECOND_FACTOR_ROLES
from security.services.log import security_event_record

logger = logging.getLogger("security")

# Web pages whose URL names an object: the first word of the URL name → its model.
WEB_OBJECTS = {
    "engagement": "audits.Engagement",
    "evidence": "audits.Evidence",
    "finding": "audits.Finding",
    "recommendation": "audits.Recommendation",
    "response": "audits.ResponseAttachment",
    "sanction": "audits.Sanction",
}
# Paths a user who still owes the second factor may reach.
SECOND_FACTOR_OPEN_PATHS = ("/static/", "/accounts/", "/api/v1/auth/token/")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SecondFactorMiddleware:
    """With `REQUIRE_2FA`, a `sai_admin` or `supervisor` logged in with a password alone
    reaches nothing on the web (admin and session API included) but the second-factor page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and user.has_role(*SECOND_FACTOR_ROLES)
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_OPEN_PATHS)
        ):
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("Your role needs a second factor: verify it on the web first.")},
                    status=403,
                )
            return redirect(
                f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)


def _request_too_big(request) -> JsonResponse | HttpResponse:
    message = _("The request body is larger than the limit.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class HostileRequestMiddleware:
    """- An API body over the limit (declared in Content-Length) is a 413 in the API's JSON
      error shape before it is read: the upload limit for multipart, Django's
      `DATA_UPLOAD_MAX_MEMORY_SIZE` for everything else.
    - A connection that breaks mid-upload (`UnreadablePostError`) is a 400, logged as an
      aborted upload; nothing was stored, since the services run only on a complete body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request) and request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            multipart = request.content_type == "multipart/form-data"
            limit = (
                settings.EVIDENCE_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES
                if multipart
                else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            )
            if limit is not None and length > limit:
                return _request_too_big(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UnreadablePostError):
            logger.warning("aborted upload: %s %s (%s)", request.method, request.path, exception)
            message = _("The upload was interrupted before it was complete; nothing was stored.")
            if _is_api(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        if isinstance(exception, RequestDataTooBig | FileTooLarge):
            return _request_too_big(request)
        return None


def _model_and_pk(request):
    """The model and id the URL names, for API viewsets and the web pages."""
    match = request.resolver_match
    if match is None:
        return None, None
    view_class = getattr(match.func, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        model = queryset.model
    elif "model" in match.kwargs:
        model = match.kwargs["model"]
    else:
        label = WEB_OBJECTS.get((match.url_name or "").split("-")[0])
        model = apps.get_model(label) if label else None
    if model is None:
        return None, None
    for name, value in match.kwargs.items():
        if name == "pk":
            return model, value
    for name, value in match.kwargs.items():
        if name.endswith("_pk"):
            try:
                return model._meta.get_field(name.removesuffix("_pk")).related_model, value
            except FieldDoesNotExist:
                continue
    return None, None


def _existing(model, pk) -> bool:
    try:
        return model._default_manager.filter(pk=pk).exists()
    except (ValueError, TypeError, ValidationError, OverflowError):
        return False


class SecurityLogMiddleware:
    """Records permission denials (403), 404s on objects that exist but are out of the
    caller's scope, and every file served to a logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        status = response.status_code
        if status == 403:
            model, pk = _model_and_pk(request)
            security_event_record(
                EventKind.PERMISSION_DENIED,
                request=request,
                status_code=403,
                object_type=model._meta.label_lower if model else "",
                object_id=pk or "",
            )
        elif status == 404:
            model, pk = _model_and_pk(request)
            if model is not None and _existing(model, pk):
                security_event_record(
                    EventKind.HIDDEN_OBJECT,
                    request=request,
                    status_code=404,
                    object_type=model._meta.label_lower,
                    object_id=pk,
                )
        elif status == 200 and isinstance(response, FileResponse):
            model, pk = _model_and_pk(request)
            security_event_record(
                EventKind.DOWNLOAD,
                request=request,
                status_code=200,
                object_type=model._meta.label_lower if model else "",
                object_id=pk or "",
                detail=response.get("Content-Type", ""),
            )
        return response
