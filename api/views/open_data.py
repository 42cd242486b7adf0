"""`/open-data/{findings,recommendations,sanctions}/`: public downloads (no login) of what
has been issued, as JSON (default) or CSV (`?format=csv`), with filters."""

import csv
import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from reports import open_data

MONEY = {"max_digits": 18, "decimal_places": 2}


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, list):  # an error body
            data = [data] if isinstance(data, dict) else []
        buffer = io.StringIO()
        view = (renderer_context or {}).get("view")
        columns = list(data[0].keys()) if data else getattr(view, "columns", [])
        if columns:  # the header row even when no row matches
            writer = csv.DictWriter(buffer, fieldnames=columns)
            writer.writeheader()
            writer.writerows(data)
        return buffer.getvalue().encode("utf-8")


def _plain(value):
    """Money as a decimal string ("1250000.00"), dates as YYYY-MM-DD (API.md)."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class OpenDataFilterSerializer(serializers.Serializer):
    agency = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
    status = serializers.CharField(required=False, max_length=40)
    amount_min = serializers.DecimalField(required=False, min_value=0, **MONEY)
    amount_max = serializers.DecimalField(required=False, min_value=0, **MONEY)

    def validate_status(self, value):
        statuses = {value for value, _label in open_data.DATASETS[self.context["dataset"]][1]}
        if value not in statuses:
            raise serializers.ValidationError(
                _("Unknown status; one of: %(s)s.") % {"s": ", ".join(sorted(statuses))}
            )
        return value


FILTER_PARAMETERS = [
    OpenApiParameter("agency", OpenApiTypes.INT, description="an agency and the offices below"),
    OpenApiParameter("year", OpenApiTypes.INT, description="year of issue"),
    OpenApiParameter("status", OpenApiTypes.STR, description="status of the row"),
    OpenApiParameter("amount_min", OpenApiTypes.DECIMAL, description="amount at least"),
    OpenApiParameter("amount_max", OpenApiTypes.DECIMAL, description="amount at most"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="download"),
]


class OpenDataView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    dataset = ""
    columns: list[str] = []

    def get(self, request, *args, **kwargs):
        params = OpenDataFilterSerializer(
            data=request.query_params.dict(), context={"dataset": self.dataset}
        )
        params.is_valid(raise_exception=True)
        queryset = open_data.DATASETS[self.dataset][0](params.validated_data)
        query = queryset.query
        self.columns = [*query.extra_select, *query.values_select, *query.annotation_select]
        rows = [{key: _plain(value) for key, value in row.items()} for row in queryset]
        response = Response(rows)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
        ):
            response["Content-Disposition"] = f'attachment; filename="{self.dataset}.csv"'
        return response


def _documented(dataset: str, description: str):
    return extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={
            200: OpenApiResponse(
                {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
                description=description,
            ),
            400: OpenApiResponse(description="A filter with a bad value, named"),
            404: OpenApiResponse(description="A `format` other than json or csv"),
        },
        description=description + " JSON by default, CSV with `?format=csv`.",
        tags=["open-data"],
    )


@_documented("findings", "Issued findings of engagements in reporting or later.")
class OpenFindingsView(OpenDataView):
    dataset = "findings"


@_documented("recommendations", "Recommendations of issued findings, with their status.")
class OpenRecommendationsView(OpenDataView):
    dataset = "recommendations"


@_documented("sanctions", "Notices of suspension, disallowance and charge, with balances.")
class OpenSanctionsView(OpenDataView):
    dataset = "sanctions"
