"""`/findings/`, `/recommendations/`, `/responses/`: list, create, read, PATCH (findings
and recommendations), `transition/`, `history/`. Responses are never edited: PATCH, PUT
and DELETE answer 405. A response names its finding in the body; a finding the caller
cannot see is a 404, as for any verb on it."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from api.base.filters import (
    AgencyTreeFilter,
    ChoicesFilter,
    OverdueFilter,
    YearFilter,
    amount_filters,
)
from api.base.viewsets import (
    ConditionalUpdateMixin,
    CreateMixin,
    HistoryMixin,
    ScopedViewSet,
    ServiceWriteMixin,
    TransitionMixin,
    UploadLimitMixin,
    etag_for,
)
from api.serializers.findings import (
    FindingSerializer,
    RecommendationSerializer,
    ReiterateSerializer,
    ResponseSerializer,
)
from audits.choices import FindingStatus, RecommendationStatus, ResponseKind, Role, Severity
from audits.evidence_files import serve_attachment
from audits.models import Finding, Recommendation, Response
from audits.services import findings as services

TEAM_ROLES = {Role.SUPERVISOR, Role.AUDITOR, Role.CSO_AUDITOR}
RESPONDING_ROLES = {Role.SUPERVISOR, Role.AUDITOR, Role.AGENCY_RESPONDENT}


def finding_overdue(today):
    """Issued, its reply period over, and no management comment."""
    commented = Response.objects.filter(
        finding=OuterRef("pk"), kind=ResponseKind.MANAGEMENT_COMMENT
    )
    return Q(status=FindingStatus.ISSUED, response_due__lt=today) & ~Q(Exists(commented))


def recommendation_overdue(today):
    """Past its target date and not yet implemented (nor set aside)."""
    return Q(
        target_date__lt=today,
        status__in=[
            RecommendationStatus.NOT_IMPLEMENTED,
            RecommendationStatus.ONGOING,
            RecommendationStatus.PARTIALLY_IMPLEMENTED,
        ],
    )


class FindingFilter(filters.FilterSet):
    status = ChoicesFilter(choices=FindingStatus.choices)
    severity = ChoicesFilter(choices=Severity.choices)
    agency = AgencyTreeFilter(field_names=["engagement__auditee"])
    year = YearFilter(
        field_name="created_at", help_text=gettext_lazy("The year the finding was recorded.")
    )
    amount_min, amount_max = amount_filters()
    overdue = OverdueFilter(
        rule=finding_overdue, help_text=gettext_lazy("Issued, unanswered past its due date.")
    )
    deemed_accepted = filters.BooleanFilter(
        field_name="deemed_accepted_on", lookup_expr="isnull", exclude=True
    )
    response_due_before = filters.DateFilter(field_name="response_due", lookup_expr="lte")
    response_due_after = filters.DateFilter(field_name="response_due", lookup_expr="gte")

    class Meta:
        model = Finding
        fields = ["engagement", "status", "severity"]


class FindingViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    TransitionMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Finding.objects.all()  # the serializer reads a page's related lists at once
    serializer_class = FindingSerializer
    write_roles = TEAM_ROLES
    filterset_class = FindingFilter
    ordering_fields = ["reference", "created_at", "issued_on", "response_due", "severity"]
    create_service = staticmethod(services.finding_create)
    update_service = staticmethod(services.finding_update)
    transition_service = staticmethod(services.finding_transition)


class RecommendationFilter(filters.FilterSet):
    status = ChoicesFilter(choices=RecommendationStatus.choices)
    severity = ChoicesFilter(field_name="finding__severity", choices=Severity.choices)
    agency = AgencyTreeFilter(field_names=["engagement__auditee"])
    year = YearFilter(
        field_name="created_at", help_text=gettext_lazy("The year the recommendation was made.")
    )
    overdue = OverdueFilter(
        rule=recommendation_overdue,
        help_text=gettext_lazy("Past its target date, not implemented."),
    )

    class Meta:
        model = Recommendation
        fields = ["finding", "engagement", "status", "reiterated_from"]


class RecommendationViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    TransitionMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Recommendation.objects.all()
    serializer_class = RecommendationSerializer
    write_roles = TEAM_ROLES
    filterset_class = RecommendationFilter
    ordering_fields = ["created_at", "target_date", "status"]
    create_service = staticmethod(services.recommendation_create)
    update_service = staticmethod(services.recommendation_update)
    transition_service = staticmethod(services.recommendation_transition)

    @extend_schema(request=ReiterateSerializer, responses={201: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def reiterate(self, request, *args, **kwargs):
        """Carry a recommendation of a closed engagement over into a follow-up engagement:
        a new draft finding there holds the copy, linked by `reiterated_from`."""
        recommendation = self.get_object()
        body = ReiterateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        copy = services.recommendation_reiterate(
            recommendation, by=request.user, into_engagement=body.validated_data["engagement"]
        )
        data = self.representation(copy)
        return ApiResponse(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(data)})


class ResponseFilter(filters.FilterSet):
    kind = ChoicesFilter(choices=ResponseKind.choices)

    class Meta:
        model = Response
        fields = ["finding", "recommendation", "engagement", "kind", "author"]


def _finding_id(value) -> int:
    if value in (None, ""):
        raise serializers.ValidationError({"finding": [_("This field is required.")]})
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise serializers.ValidationError({"finding": [_("A valid id is required.")]}) from error


class ResponseViewSet(UploadLimitMixin, mixins.ListModelMixin, HistoryMixin, ScopedViewSet):
    queryset = Response.objects.all()
    serializer_class = ResponseSerializer
    write_roles = RESPONDING_ROLES
    filterset_class = ResponseFilter
    ordering_fields = ["created_at"]

    @extend_schema(request=ResponseSerializer, responses={201: ResponseSerializer})
    def create(self, request, *args, **kwargs):
        findings = Finding.objects.visible_to(request.user)
        if not hasattr(request.data, "get"):  # a JSON array or scalar, not an object
            raise serializers.ValidationError({"non_field_errors": [_("Expected an object.")]})
        finding = get_object_or_404(findings, pk=_finding_id(request.data.get("finding")))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        response = services.response_create(
            by=request.user,
            finding=finding,
            kind=data["kind"],
            body=data["body"],
            recommendation=data.get("recommendation"),
            attachments=data.get("files", ()),
        )
        body = self.representation(self.get_queryset().get(pk=response.pk))
        return ApiResponse(body, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(body)})

    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>\d+)/file")
    def attachment_file(self, request, *args, attachment_pk=None, **kwargs):
        """The bytes of one attachment, to whoever may see the response."""
        attachment = get_object_or_404(self.get_object().attachments, pk=attachment_pk)
        return serve_attachment(attachment)
