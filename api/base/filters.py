"""Filters that name another row (`?engagement=`, `?finding=`, `?author=`) resolve the id
among the rows the caller may see: an invisible id is then the same 400 as one that does
not exist, instead of an empty list that would confirm it exists."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import (
    BooleanFilter,
    DjangoFilterBackend,
    MultipleChoiceFilter,
    NumberFilter,
)
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from audits import search


class ChoicesFilter(MultipleChoiceFilter):
    """`?status=a&status=b`: a choice on the row itself, or on a row it points to. Such a
    filter cannot repeat a row, so no `SELECT DISTINCT` (django-filter's default), which
    made PostgreSQL sort whole rows instead of reading a page in index order."""

    def __init__(self, *args, distinct=False, **kwargs):
        super().__init__(*args, distinct=distinct, **kwargs)


# Query parameters that are never a filter's: a request with only these has nothing to
# filter, and building the FilterSet and its form for it would cost a millisecond.
NOT_FILTERS = {"page", "page_size", "ordering", "search", "format", "export"}


class VisibleFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not set(request.query_params) - NOT_FILTERS:
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        # Only the filters the request uses: restricting one reads the caller's rows.
        return restrict_to_visible(filterset, request, only=set(request.query_params))


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key, in the first key's direction,
    so a page boundary never falls between equal values (a row on two pages) and one
    index (column, id) serves both directions."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or {key.lstrip("-") for key in ordering} & {"pk", "id"}:
            return ordering  # None: the model's own ordering, which ends with the key
        return [*ordering, "-pk" if ordering[0].startswith("-") else "pk"]


def restrict_to_visible(filterset, request, only=None):
    """Filters that name another row choose among the rows the caller may see (the web's
    list pages build the API's FilterSets through this too, for every filter: their forms
    list the choices). `only`: the names of the filters to restrict, the rest unused."""
    for name, filter_ in filterset.filters.items():
        if not isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter):
            continue
        if only is not None and name not in only:
            continue
        base = filter_.get_queryset(request)
        if hasattr(base, "visible_to"):
            filter_.queryset = base.visible_to(request.user)
    return filterset


class TextSearchFilter(BaseFilterBackend):
    """`?search=` on every list: the list's text fields, within what the caller may see
    (the queryset is already `visible_to`). The fields: the view's `search_fields`, else
    the model's in `audits.search.SEARCH_FIELDS`, else the model text fields its
    serializer shows (never a field the caller could not read anyway)."""

    search_param = "search"

    def search_fields(self, view, model) -> tuple[str, ...]:
        declared = getattr(view, "search_fields", None)
        if declared is not None:
            return tuple(declared)
        known = search.fields_for(model)
        if known:
            return known
        try:
            shown = view.get_serializer().fields
        except Exception:  # a view without a serializer has nothing to search
            return ()
        text_fields = {
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.CharField | models.TextField)
        }
        return tuple(
            (field.source or name)
            for name, field in shown.items()
            if (field.source or name) in text_fields and not field.write_only
        )

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset
        words = request.query_params.get(self.search_param, "")
        if not words.strip():
            return queryset
        fields = self.search_fields(view, queryset.model)
        if not fields:
            return queryset
        return search.text_search(queryset, words, fields)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "action", "list") != "list":
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "Words to match in the list's text fields, within what the caller "
                        'may see. Full-text on PostgreSQL (websearch syntax: "quoted '
                        'phrase", -excluded, or); every word, anywhere, elsewhere.'
                    )
                ),
                "schema": {"type": "string", "maxLength": search.MAX_SEARCH_LENGTH},
            }
        ]


# Filters the list pages need, shared by the API's FilterSets.


class AgencyTreeFilter(ModelChoiceFilter):
    """`?agency=<id>`: rows of that organisation and of every organisation below it
    (Organization.parent). `field_names` are the paths to the agency, OR-ed."""

    def __init__(self, *args, field_names=(), **kwargs):
        from audits.models import Organization

        kwargs.setdefault("queryset", Organization.objects.filter(kind="agency").order_by("name"))
        kwargs.setdefault("label", _("Agency (with its offices)"))
        kwargs.setdefault("field_name", field_names[0])  # for the schema: an id
        super().__init__(*args, **kwargs)
        self.field_names = tuple(field_names)

    def filter(self, qs, value):
        if not value:
            return qs
        from audits.models import Organization

        subtree = Organization.objects.subtree_ids(value.pk)
        matches = Q()
        for path in self.field_names:
            matches |= Q(**{f"{path}__in": subtree})
        return qs.filter(matches)


class YearFilter(NumberFilter):
    """`?year=2025`: the year (Asia/Manila) of the list's date field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2999)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return super().filter(qs, int(value))


def amount_filters(field_name="amount"):
    """`?amount_min=` and `?amount_max=`, inclusive, in the organisation's currency; as
    many digits as a stored amount, so no input overflows the database's numeric type."""
    bounds = {"max_digits": 18, "decimal_places": 2}
    return (
        NumberFilter(field_name=field_name, lookup_expr="gte", label=_("Amount from"), **bounds),
        NumberFilter(field_name=field_name, lookup_expr="lte", label=_("Amount to"), **bounds),
    )


class OverdueFilter(BooleanFilter):
    """`?overdue=true|false`: the FilterSet names a `rule(today) -> Q` for "overdue"."""

    def __init__(self, *args, rule=None, **kwargs):
        kwargs.setdefault("label", _("Overdue"))
        super().__init__(*args, **kwargs)
        self.rule = rule

    def filter(self, qs, value):
        if value is None:
            return qs
        overdue = self.rule(timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)
