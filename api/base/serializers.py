"""A lighter read path for list pages.

DRF's `to_representation` spends most of a page's CPU walking every field of every row
through `get_attribute` (callable checks, dotted sources) and `to_representation`. For
the fields whose output is the model attribute itself (text, numbers, booleans, choices,
dates, foreign-key ids) `LightReadMixin` reads the attribute once per row with a plan
worked out once per serializer; every other field (decimals, datetimes in the current
time zone, nested and method fields) still goes through DRF, so the JSON is the same.

Related lists a page shows for every row (a finding's evidence ids and recommendations)
are read for the whole page at once by the serializer's `prepare()`, called by
`PreparedListSerializer`, instead of one prefetch per relation through model instances.
"""

from django.core.exceptions import FieldDoesNotExist
from rest_framework import fields as drf
from rest_framework import relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_AS_IS = (drf.CharField, drf.ChoiceField)


def _as_is(value):
    return value if value is None or isinstance(value, str) else str(value)


def _integer(value):
    return None if value is None else int(value)


def _boolean(value):
    return None if value is None else bool(value)


def _date(value):
    return value.isoformat() if value else None


def _identity(value):
    return value


def _datetime_in(field):
    """DRF's ISO 8601 output in the field's time zone, with that zone looked up once per
    serializer instead of once per value."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if not isinstance(output_format, str) or output_format.lower() != drf.ISO_8601 or not zone:
        return field.to_representation

    def convert(value):
        if not value:
            return None
        if isinstance(value, str) or value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


class Row(dict):
    """A `values()` row whose columns read as attributes (for a LightReadMixin plan)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class PreparedListSerializer(serializers.ListSerializer):
    """Lets the child read what its rows show for the whole page first (`prepare`)."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        self.child.prepare(rows)
        return [self.child.to_representation(row, prepared=True) for row in rows]


class LightReadMixin:
    """For a ModelSerializer: the same representation, read with less work per row."""

    # field name → the instance attribute `prepare()` sets, already in its JSON form
    prepared_fields: dict[str, str] = {}

    def prepare(self, instances: list) -> None:
        """Set `prepared_fields` on each instance, in a few queries for all of them."""

    def _read_plan(self):
        plan = getattr(self, "_light_plan", None)
        if plan is None:
            model = self.Meta.model
            plan = [
                (field.field_name, *self._fast_path(field, model), field)
                for field in self._readable_fields
            ]
            self._light_plan = plan
        return plan

    def _fast_path(self, field, model):
        """(attribute name, converter) when the output is the attribute, else (None, None)."""
        if field.field_name in self.prepared_fields:
            return self.prepared_fields[field.field_name], _identity
        if len(field.source_attrs) != 1 or field.source == "*":
            return None, None
        source = field.source_attrs[0]
        try:
            model_field = model._meta.get_field(source)
        except FieldDoesNotExist:  # a property or another attribute: DRF reads it
            return None, None
        if isinstance(field, relations.PrimaryKeyRelatedField):
            if field.pk_field is None and model_field.many_to_one:
                return model_field.attname, _identity
            return None, None
        if model_field.is_relation:
            return None, None
        if isinstance(field, drf.BooleanField):
            return source, _boolean
        if isinstance(field, drf.IntegerField):
            return source, _integer
        if isinstance(field, drf.DateTimeField):
            return source, _datetime_in(field)
        if isinstance(field, drf.DateField):
            output_format = getattr(field, "format", api_settings.DATE_FORMAT)
            if isinstance(output_format, str) and output_format.lower() == drf.ISO_8601:
                return source, _date
            return None, None
        if isinstance(field, _AS_IS) and not isinstance(field, drf.MultipleChoiceField):
            return source, _as_is
        return None, None

    def to_representation(self, instance, prepared=False):
        if self.prepared_fields and not prepared:
            self.prepare([instance])  # a row on its own (a detail, a write): read afresh
        representation = {}
        for name, attribute, convert, field in self._read_plan():
            if attribute is not None:
                representation[name] = convert(getattr(instance, attribute))
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            empty = value.pk if isinstance(value, PKOnlyObject) else value
            representation[name] = None if empty is None else field.to_representation(value)
        return representation
