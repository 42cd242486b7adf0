"""The security log's filters, shared by the SAI admin's page, its CSV and the API."""

from django_filters import rest_framework as filters

from security.choices import EventKind
from security.models import SecurityEvent

CSV_COLUMNS = [
    "at", "kind", "username", "ip_address", "method", "path", "status_code",
    "object_type", "object_id", "detail",
]  # fmt: skip


class SecurityEventFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=EventKind.choices)
    username = filters.CharFilter(lookup_expr="iexact")
    ip_address = filters.CharFilter()
    since = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    date_from = filters.DateFilter(field_name="at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="at", lookup_expr="date__lte")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "user", "username", "ip_address", "status_code", "object_type"]
