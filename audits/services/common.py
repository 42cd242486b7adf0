from django.db import models


def save_tracked(obj: models.Model, *, by=None, reason: str = "") -> models.Model:
    """Validate and save a history-tracked object with its author and reason."""
    obj.full_clean()
    obj._change_reason = reason
    if by is not None and getattr(by, "is_authenticated", False):
        obj._history_user = by
    obj.save()
    return obj


def assign_fields(obj: models.Model, fields: dict, allowed: set[str]) -> list[str]:
    """Set the allowed fields that are present; return the names that really changed."""
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            continue
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname)
        new = value.pk if field.is_relation and isinstance(value, models.Model) else value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed
