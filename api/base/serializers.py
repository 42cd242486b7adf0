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
    """For a ModelSerializer: the same representation, read with less work per row.

    The read plan is worked out once per class, from a serializer built without a
    context: a LightReadMixin serializer's readable fields may not depend on the request
    (their querysets, `read_only` and other write-side settings may). Each instance binds
    the plan (a method field to itself, a time to the current zone) without building its
    fields; only a field no fast path covers makes it build them, as DRF would."""

    # field name → the instance attribute `prepare()` sets, already in its JSON form
    prepared_fields: dict[str, str] = {}

    def prepare(self, instances: list) -> None:
        """Set `prepared_fields` on each instance, in a few queries for all of them."""

    @classmethod
    def _class_plan(cls):
        plan = cls.__dict__.get("_light_class_plan")
        if plan is None:
            template = cls()
            plan = tuple(
                (field.field_name, *template._fast_path(field, cls.Meta.model))
                for field in template._readable_fields
            )
            cls._light_class_plan = plan
        return plan

    def _read_plan(self):
        plan = self.__dict__.get("_light_plan")
        if plan is None:
            plan = self._light_plan = [
                (name, attribute, bind(self)) for name, attribute, bind in self._class_plan()
            ]
        return plan

    def _fast_path(self, field, model):
        """(attribute, bind): `bind(serializer)` gives the function that turns the
        attribute's value (the instance itself when attribute is None) into JSON."""
        if field.field_name in self.prepared_fields:
            return self.prepared_fields[field.field_name], _constant(_identity)
        if isinstance(field, serializers.SerializerMethodField):
            return None, lambda serializer: getattr(serializer, field.method_name)
        if len(field.source_attrs) != 1 or field.source == "*":
            return None, _drf_reader(field.field_name)
        source = field.source_attrs[0]
        try:
            model_field = model._meta.get_field(source)
        except FieldDoesNotExist:  # a property or an annotation: read as it is
            bind = _plain_converter(field)
            if bind is None:
                return None, _drf_reader(field.field_name)
            if isinstance(getattr(model, source, None), property):
                return source, bind
            return None, _attribute_reader(field, source, bind)
        if isinstance(field, relations.PrimaryKeyRelatedField):
            if field.pk_field is None and model_field.concrete:  # a foreign key's own id
                return model_field.attname, _constant(_identity)
        elif not model_field.is_relation:
            bind = _plain_converter(field)
            if bind is not None:
                return source, bind
        return None, _drf_reader(field.field_name)

    def to_representation(self, instance, prepared=False):
        if self.prepared_fields and not prepared:
            self.prepare([instance])  # a row on its own (a detail, a write): read afresh
        representation = {}
        for name, attribute, read in self._read_plan():
            value = read(instance if attribute is None else getattr(instance, attribute))
            if value is not _SKIP:
                representation[name] = value
        return representation


_SKIP = object()


def _constant(convert):
    return lambda serializer: convert


def _plain_converter(field):
    """`bind` for a field whose JSON depends only on the value and the field's own
    settings, or None."""
    if isinstance(field, drf.BooleanField):
        return _constant(_boolean)
    if isinstance(field, drf.IntegerField):
        return _constant(_integer)
    if isinstance(field, drf.DecimalField):  # its own digits and rounding, nothing else
        return _constant(lambda value: None if value is None else field.to_representation(value))
    if isinstance(field, drf.DateTimeField):
        return lambda serializer: _datetime_in(field)  # the zone current for this instance
    if isinstance(field, drf.DateField):
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if isinstance(output_format, str) and output_format.lower() == drf.ISO_8601:
            return _constant(_date)
        return None
    if isinstance(field, _AS_IS) and not isinstance(field, drf.MultipleChoiceField):
        return _constant(_as_is)
    return None


def _attribute_reader(field, source, bind):
    """`bind` for an attribute the model does not declare (an annotation of the view's
    queryset): read as it is where the row has it, else through DRF (which skips it)."""

    def bind_reader(serializer):
        convert = bind(serializer)

        def read(instance):
            value = getattr(instance, source, _SKIP)
            if value is _SKIP or callable(value):
                return _drf_reader(field.field_name)(serializer)(instance)
            return convert(value)

        return read

    return bind_reader


def _drf_reader(name):
    """`bind` for any other field: read through the serializer's own bound field, as DRF
    does (the serializer then builds its fields, once)."""

    def bind(serializer):
        field = serializer.fields[name]

        def read(instance):
            try:
                value = field.get_attribute(instance)
            except SkipField:
                return _SKIP
            empty = value.pk if isinstance(value, PKOnlyObject) else value
            return None if empty is None else field.to_representation(value)

        return read

    return bind
