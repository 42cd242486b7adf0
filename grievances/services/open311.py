"""Registered Open311 client apps and their keys."""

import hashlib
import secrets

from django.db import transaction

from grievances.models import Open311Client


def key_digest(key: str) -> str:
    return hashlib.sha256(str(key).encode()).hexdigest()


def new_api_key() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


@transaction.atomic
def open311_client_create(*, name: str) -> tuple[Open311Client, str]:
    """A new client app and its api_key (shown once: only its digest is stored)."""
    key = new_api_key()
    client = Open311Client(name=name, key_digest=key_digest(key))
    client.full_clean()
    client._change_reason = "Open311 client registered"
    client.save()
    return client, key


def open311_client_for_key(key) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.filter(key_digest=key_digest(key), active=True).first()
