"""Pages that cost what they show, not what the table holds.

`count` is exact up to `COUNT_CAP` rows; above that it is `COUNT_CAP` and `count_capped`
is true. Counting stops at the cap (`SELECT COUNT(*) FROM (... LIMIT cap)`), and is
skipped on the last page, which shows where the list ends. `next` is there exactly when
another row follows: the page is read with one row more than it shows.
"""

from collections import OrderedDict

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

COUNT_CAP = 1000


class Pagination(PageNumberPagination):
    """`?page=` (from 1) and `?page_size=` up to 200; a larger size is clamped, a
    non-number ignored; a page past the end is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("Invalid page.")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        if not size:
            return None
        raw = request.query_params.get(self.page_query_param, 1)
        try:
            self.number = int(raw)
        except (TypeError, ValueError):
            self.number = 0
        if self.number < 1 or self.number > 10**9:
            raise NotFound(self.invalid_page_message)
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        if not rows and self.number > 1:
            raise NotFound(self.invalid_page_message)
        if not self.has_next:
            self.count, self.count_capped = start + len(rows), False
        else:
            counted = queryset.order_by().values("pk")[:COUNT_CAP].count()
            self.count, self.count_capped = counted, counted >= COUNT_CAP
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.page_query_param, self.number + 1
        )

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("count_capped", self.count_capped),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when there are more than {COUNT_CAP} rows: `count` "
            f"is then {COUNT_CAP}",
        }
        return response
