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


def save_tracked_in_bulk(objs: list, *, fields: list[str], by=None) -> None:
    """Save many tracked objects of one model in a fixed number of queries: one UPDATE,
    one INSERT of their history rows (each with its own `_change_reason`) and, for
    many-to-many fields that are tracked, one read and one INSERT of their snapshot, as
    `save()` would have written them. Validate the objects first (`full_clean`)."""
    if not objs:
        return
    model = type(objs[0])
    model._default_manager.bulk_update(objs, fields, batch_size=1000)
    records = model.history.bulk_history_create(objs, update=True, default_user=by, batch_size=1000)
    record_for = {record.id: record for record in records}
    record_class = model.history.model
    for field in getattr(record_class, "_history_m2m_fields", ()):
        through = field.remote_field.through
        source = field.m2m_field_name()
        snapshot = record_class.__dict__[field.name].model  # the history of the links
        names = [f.attname for f in through._meta.fields]
        links = through.objects.filter(**{f"{source}_id__in": list(record_for)}).values(*names)
        snapshot.objects.bulk_create(
            [snapshot(history=record_for[link[f"{source}_id"]], **link) for link in links],
            batch_size=1000,
        )
