"""Writing the security log: one function, called from receivers, middleware and services."""

import logging

from security.models import SecurityEvent
from security.network import client_ip

logger = logging.getLogger("security")


def security_event_record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    status_code: int | None = None,
    obj=None,
    object_type: str = "",
    object_id="",
    detail: str = "",
) -> SecurityEvent:
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    event = SecurityEvent(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_ip(request) if request is not None else None,
        method=(request.method or "") if request is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        status_code=status_code,
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        detail=detail,
    )
    event.save()
    logger.info("%s user=%s ip=%s %s", kind, event.username, event.ip_address, detail)
    return event
