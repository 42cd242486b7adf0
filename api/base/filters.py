"""Filters that name another row (`?engagement=`, `?finding=`, `?author=`) resolve the id
among the rows the caller may see: an invisible id is then the same 400 as one that does
not exist, instead of an empty list that would confirm it exists."""

from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter


class VisibleFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for filter_ in filterset.filters.values():
            if not isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter):
                continue
            base = filter_.get_queryset(request)
            if hasattr(base, "visible_to"):
                filter_.queryset = base.visible_to(request.user)
        return filterset


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key, in the first key's direction,
    so a page boundary never falls between equal values (a row on two pages) and one
    index (column, id) serves both directions."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or {key.lstrip("-") for key in ordering} & {"pk", "id"}:
            return ordering  # None: the model's own ordering, which ends with the key
        return [*ordering, "-pk" if ordering[0].startswith("-") else "pk"]
