"""Reading django-simple-history as a list of versions with field-level changes.

Shared by the API's `history/` endpoints and the web pages that compare versions."""

import datetime
from decimal import Decimal

from django.db import models

SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def plain(value):
    """A JSON-ready value: decimals and dates as strings, related rows as ids."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def tracked_field_names(record) -> list[str]:
    return [
        field.attname if field.is_relation else field.name
        for field in record.instance_type._meta.fields
        if field.name not in SKIPPED_FIELDS and hasattr(record, field.attname)
    ]


def _m2m_plain(changes_value):
    """simple-history reports m2m values as lists of through-row dicts: keep the target ids."""
    if isinstance(changes_value, list) and changes_value and isinstance(changes_value[0], dict):
        return sorted(
            next(v for k, v in row.items() if k not in {"id", "history"}) for row in changes_value
        )
    return plain(changes_value)


def _field_changes(record, previous):
    if previous is None:
        return [
            {
                "field": name.removesuffix("_id") if name.endswith("_id") else name,
                "old": None,
                "new": plain(getattr(record, name)),
            }
            for name in tracked_field_names(record)
            if getattr(record, name) not in (None, "")
        ]
    delta = record.diff_against(previous, excluded_fields=SKIPPED_FIELDS)
    return [
        {"field": change.field, "old": _m2m_plain(change.old), "new": _m2m_plain(change.new)}
        for change in delta.changes
    ]


def history_entries(obj) -> list[dict]:
    """Every version of `obj`, newest first, as API.md's history shape."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "pk"))
    entries = []
    previous = None
    for number, record in enumerate(records, start=1):
        user = record.history_user
        entries.append(
            {
                "version": number,
                "timestamp": record.history_date,
                "user": user.pk if user else None,
                "user_name": str(user) if user else None,
                "change_reason": record.history_change_reason or "",
                "history_type": record.history_type,
                "changes": _field_changes(record, previous),
            }
        )
        previous = record
    entries.reverse()
    return entries
