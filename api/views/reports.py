"""`/reports/`: POST asks for a report (202, the job), GET polls it, `file/` is the PDF,
`approve/` freezes it. A subject the caller may not see is a 404."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.base.filters import AgencyTreeFilter, ChoicesFilter, YearFilter
from api.base.viewsets import HistoryMixin, ScopedViewSet, etag_for
from api.serializers.reports import ReportRequestSerializer, ReportSerializer
from audits.models import Engagement, Finding, Organization, Sanction
from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.services import generation as services

SUBJECTS = {
    "engagement": Engagement,
    "agency": Organization,
    "finding": Finding,
    "sanction": Sanction,
}


class ReportFilter(filters.FilterSet):
    kind = ChoicesFilter(choices=ReportKind.choices)
    status = ChoicesFilter(choices=ReportStatus.choices)
    approved = filters.BooleanFilter(field_name="approved_at", lookup_expr="isnull", exclude=True)
    agency = AgencyTreeFilter(
        field_names=[
            "agency",
            "engagement__auditee",
            "finding__engagement__auditee",
            "sanction__engagement__auditee",
        ],
        help_text=gettext_lazy("Reports on the agency or its offices, or on their engagements."),
    )
    year = YearFilter(
        field_name="requested_at", help_text=gettext_lazy("The year it was requested.")
    )

    class Meta:
        model = Report
        fields = ["engagement", "agency", "finding", "sanction", "kind", "status"]


class ReportViewSet(mixins.ListModelMixin, HistoryMixin, ScopedViewSet):
    queryset = Report.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["requested_at", "version"]

    def get_queryset(self):
        services.report_fail_stale()  # a job whose worker died never reads as running
        return super().get_queryset()

    @extend_schema(
        request=ReportRequestSerializer,
        responses={
            202: ReportSerializer,
            400: OpenApiResponse(description="Unknown kind, or not exactly one subject"),
            403: OpenApiResponse(description="Your role may not generate this report"),
            404: OpenApiResponse(description="The subject does not exist or is not visible"),
            409: OpenApiResponse(description="A document of a finding not yet issued"),
        },
        description="Queue a report; poll `GET /reports/{id}/` until `status` is `done`.",
    )
    def create(self, request, *args, **kwargs):
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        kind = fields.pop("kind")
        subjects = {}
        for name, pk in fields.items():
            if pk is None:
                continue
            visible = SUBJECTS[name].objects.visible_to(request.user)
            subjects[name] = get_object_or_404(visible, pk=pk)
        report = services.report_request(by=request.user, kind=kind, **subjects)
        data = ReportSerializer(report).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"ETag": etag_for(data)})

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The PDF: the draft until approval, then the frozen final version.",
    )
    @action(detail=True, methods=["get"])
    def file(self, request, *args, **kwargs):
        report = self.get_object()
        return report_file_response(report)

    @extend_schema(
        request=None,
        responses={
            200: ReportSerializer,
            403: OpenApiResponse(description="Only a supervisor of the SAI approves"),
            409: OpenApiResponse(description="Not done, already approved, or the file changed"),
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        report = services.report_approve(self.get_object(), by=request.user)
        data = ReportSerializer(report).data
        return Response(data, headers={"ETag": etag_for(data)})


def report_file_response(report) -> FileResponse:
    if not report.file:
        raise NotFound(_("This report has no file yet (status: %s).") % report.status)
    handle = report.file.storage.open(report.file.name, "rb")
    filename = f"{report.kind}-v{report.version}{'' if report.approved else '-draft'}.pdf"
    return FileResponse(handle, content_type="application/pdf", filename=filename)
