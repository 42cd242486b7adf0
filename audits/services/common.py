from django.core.exceptions import ValidationError
from django.db import models


def save_tracked(obj: models.Model, *, by=None, reason: str = "") -> models.Model:
    """Validate and save a history-tracked object with its author and reason."""
    _full_clean(obj)
    obj._change_reason = reason
    if by is not None and getattr(by, "is_authenticated", False):
        obj._history_user = by
    obj.save()
    return obj


def _full_clean(obj: models.Model) -> None:
    """`full_clean()`, without a query per foreign key already loaded on `obj` (its row
    exists); uniqueness and constraints are still checked on every field."""
    errors = {}
    try:
        obj.clean_fields(exclude=_loaded_relations(obj))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        obj.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    invalid = set(errors)  # as full_clean(): no uniqueness check on an invalid value
    for check in (obj.validate_unique, obj.validate_constraints):
        try:
            check(exclude=invalid)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _loaded_relations(obj: models.Model) -> list[str]:
    """Foreign keys whose row is already loaded on `obj` (read with it, or given as a
    saved object): they exist, so `full_clean` need not query for each of them."""
    return [
        field.name
        for field in obj._meta.concrete_fields
        if field.many_to_one
        and field.is_cached(obj)
        and getattr(field.get_cached_value(obj), "pk", None) is not None
        and field.get_cached_value(obj).pk == getattr(obj, field.attname)
    ]


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
