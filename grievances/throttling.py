"""Per-client throttling of filing, shared by the API, the web form and Open311 (one
budget per client address: `THROTTLE_GRIEVANCE`, default 10 an hour). Triage staff
filing for walk-in complainants are not throttled. A refusal is 429 with Retry-After."""

import math

from rest_framework.throttling import SimpleRateThrottle

from grievances.querysets import is_triage_staff


class GrievanceFilingThrottle(SimpleRateThrottle):
    scope = "grievance_submit"

    def get_cache_key(self, request, view):
        if is_triage_staff(getattr(request, "user", None)):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def client_address(request) -> str:
    """The caller's address as the throttle sees it (proxy settings included)."""
    return GrievanceFilingThrottle().get_ident(request)


def retry_after_if_throttled(request) -> int | None:
    """For views outside DRF: None if the request may go on, else seconds to wait."""
    throttle = GrievanceFilingThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


class Open311ClientThrottle(SimpleRateThrottle):
    """A registered Open311 app files for many citizens: its own budget per app
    (`THROTTLE_OPEN311`, default 300 an hour)."""

    scope = "grievance_open311"

    def __init__(self, client):
        self.client = client
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"app-{self.client.pk}"}
