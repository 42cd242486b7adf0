"""The OpenAPI schema lists every error an operation can answer, in the one error shape
(`api/base/exceptions.py`): drf-spectacular by itself lists only the success codes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR_BODY = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(
            required=False, help_text=_("The message; a 400 may instead name each field")
        )
    },
)
ERRORS = {
    "400": _("Invalid input: field name → list of messages, or `detail`"),
    "401": _("No credentials, or bad ones"),
    "403": _("The caller may not do this (role, read-only token, second factor)"),
    "404": _("No such object, or the caller may not see it"),
    "409": _("A conflict: a transition the state machine refuses, or a duplicate"),
    "412": _("A stale If-Match"),
    "413": _("The request body is over the size limit"),
    "415": _("A type of file or body that is not accepted"),
    "429": _("Too many requests, or locked out after failed logins"),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    def error_codes(self) -> set[str]:
        view, method = self.view, self.method
        public = all(
            isinstance(permission, AllowAny) for permission in view.get_permissions()
        ) or not getattr(view, "authentication_classes", True)
        codes = {"400"} if method != "DELETE" else set()
        if not public:
            codes |= {"401", "403", "404"}
        if method in WRITES:
            codes |= {"409", "413", "415"}
        if method in {"PUT", "PATCH"}:
            codes.add("412")
        if public or view.get_throttles():
            codes.add("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self.error_codes()):
            error = self._get_response_for_code(ERROR_BODY, code, direction=direction)
            if code not in responses:
                error["description"] = str(ERRORS[code])
                responses[code] = error
            elif not responses[code].get("content"):
                responses[code]["content"] = error["content"]
        return dict(sorted(responses.items()))
