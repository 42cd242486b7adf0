"""The client's address, as one function for the lockout, the log and everything else."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """`REMOTE_ADDR`, unless `TRUSTED_PROXY_COUNT` proxies sit in front: then the address
    the outermost trusted proxy saw, counted from the right of X-Forwarded-For (entries a
    client wrote itself are further left and never read)."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < trusted:
        return remote
    return _valid(forwarded[-trusted]) or remote
