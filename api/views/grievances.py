"""`/grievances/`: filing (no login, throttled), tracking by code (no login), statistics
(no login); the list, detail, triage and history for those who may see a grievance."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from api.base.filters import AgencyTreeFilter, ChoicesFilter, OverdueFilter, YearFilter
from api.base.parsers import StrictMultiPartParser
from api.base.viewsets import (
    ConditionalUpdateMixin,
    HistoryEntrySerializer,
    HistoryMixin,
    ScopedViewSet,
    ServiceWriteMixin,
    etag_for,
)
from api.serializers.grievances import (
    ContactSerializer,
    GrievanceFilingSerializer,
    GrievanceSerializer,
    GrievanceStaffSerializer,
    GrievanceTransitionSerializer,
    NoteSerializer,
    PublicUpdateSerializer,
    RevealSerializer,
    StatisticsSerializer,
    TextSerializer,
    TrackingSerializer,
)
from audits.evidence_files import serve_attachment
from audits.exceptions import NotPermitted
from audits.upload_handlers import limit_uploads
from grievances.choices import Channel, Escalation, GrievanceStatus
from grievances.models import Grievance, GrievanceUpdate
from grievances.querysets import is_triage_staff
from grievances.selectors import (
    grievance_by_code,
    grievance_statistics,
    overdue_condition,
    public_record,
)
from grievances.services import triage
from grievances.services.filing import grievance_file
from grievances.throttling import GrievanceFilingThrottle, client_address
from grievances.workflows import GRIEVANCE_WORKFLOW

PUBLIC_ACTIONS = {"create", "track", "statistics"}


class GrievanceFilter(filters.FilterSet):
    status = ChoicesFilter(choices=GrievanceStatus.choices)
    category = filters.CharFilter(field_name="category__code")
    escalation = ChoicesFilter(choices=Escalation.choices)
    submitted_after = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    agency = AgencyTreeFilter(field_names=["agency", "referred_agency"])
    year = YearFilter(
        field_name="submitted_at", help_text=gettext_lazy("The year it was submitted.")
    )
    overdue = OverdueFilter(
        rule=overdue_condition,
        help_text=gettext_lazy("Past its verification or action-plan due date."),
    )

    class Meta:
        model = Grievance
        fields = ["status", "category", "referred_agency", "engagement", "assigned_to"]


class GrievanceViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    ConditionalUpdateMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Grievance.objects.select_related(
        "category", "referred_agency", "engagement", "contact"
    ).prefetch_related(
        Prefetch("updates", queryset=GrievanceUpdate.objects.order_by("created_at", "pk")),
        "attachments",
    )
    serializer_class = GrievanceSerializer
    filterset_class = GrievanceFilter
    ordering_fields = ["submitted_at", "verify_due", "plan_due", "status"]
    parser_classes = [JSONParser, FormParser, StrictMultiPartParser]
    update_service = staticmethod(triage.grievance_update)
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_permissions(self):
        if self.action in PUBLIC_ACTIONS:
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        if self.action == "create":
            return [GrievanceFilingThrottle()]
        if self.action == "track":
            return [AnonRateThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if is_triage_staff(self.request.user):
            return GrievanceStaffSerializer
        return GrievanceSerializer

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            limit_uploads(request)
        return super().initialize_request(request, *args, **kwargs)

    def _answer(self, grievance, code=status.HTTP_200_OK):
        data = self.representation(self.get_queryset().get(pk=grievance.pk))
        return Response(data, status=code, headers={"ETag": etag_for(data)})

    # --- public -----------------------------------------------------------------------

    @extend_schema(
        request={
            "application/json": GrievanceFilingSerializer,
            "multipart/form-data": GrievanceFilingSerializer,
        },
        responses={
            201: TrackingSerializer,
            200: OpenApiResponse(TrackingSerializer, description="A duplicate: the first one"),
            413: OpenApiResponse(description="A file is over the size limit"),
            415: OpenApiResponse(description="A file of a type that is not accepted"),
            429: OpenApiResponse(description="Too many filings from this client"),
        },
        description="File a grievance; no login needed. The answer holds the tracking code.",
    )
    def create(self, request, *args, **kwargs):
        form = GrievanceFilingSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        by = request.user if request.user.is_authenticated else None
        grievance = grievance_file(
            channel=Channel.API,
            attachments=values.pop("files", ()),
            client=client_address(request),
            by=by,
            **values,
        )
        record = TrackingSerializer(public_record(grievance_by_code(grievance.tracking_code))).data
        code = status.HTTP_200_OK if grievance.was_duplicate else status.HTTP_201_CREATED
        return Response(record, status=code)

    @extend_schema(
        responses={200: TrackingSerializer, 404: OpenApiResponse(description="No such code")},
        description="Follow a grievance by its tracking code (any case; dashes optional).",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"track/(?P<tracking_code>[^/]+)",
        filter_backends=[],
        pagination_class=None,
    )
    def track(self, request, tracking_code=None):
        grievance = grievance_by_code(tracking_code)
        if grievance is None:
            raise Http404(_("No grievance has this tracking code."))
        return Response(TrackingSerializer(public_record(grievance)).data)

    @extend_schema(responses=StatisticsSerializer)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def statistics(self, request):
        """Counts by category, agency, status and month; median working days to the
        first public update."""
        return Response(StatisticsSerializer(grievance_statistics()).data)

    # --- triage -----------------------------------------------------------------------

    @extend_schema(
        request=GrievanceTransitionSerializer,
        responses={
            200: GrievanceStaffSerializer,
            403: OpenApiResponse(description="Your role may not make this move"),
            409: OpenApiResponse(description="The state machine does not allow this move"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        grievance = self.get_object()
        if not any(move.allowed(request.user, grievance) for move in GRIEVANCE_WORKFLOW.values()):
            raise NotPermitted(_("Your role may not change the status of a grievance."))
        body = GrievanceTransitionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        updated = triage.grievance_transition(grievance, by=request.user, **body.validated_data)
        return self._answer(updated)

    @extend_schema(request=TextSerializer, responses={201: PublicUpdateSerializer})
    @action(detail=True, methods=["post"])
    def updates(self, request, *args, **kwargs):
        """A public update (triage staff) or the agency's action plan (its respondents):
        shown on tracking and mailed to the complainant."""
        grievance = self.get_object()
        body = TextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = triage.grievance_update_post(grievance, by=request.user, **body.validated_data)
        data = PublicUpdateSerializer(
            {
                "date": update.created_at,
                "kind": update.kind,
                "status": update.status,
                "text": update.text,
            }
        ).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _check_staff(self):
        if not is_triage_staff(self.request.user):
            raise PermissionDenied(_("Only the triage staff read this."))

    @extend_schema(methods=["GET"], responses=NoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=TextSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request, *args, **kwargs):
        """Internal notes of the triage staff: never public, never shown to the agency."""
        grievance = self.get_object()
        self._check_staff()
        if request.method == "POST":
            body = TextSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            note = triage.grievance_note_add(grievance, by=request.user, **body.validated_data)
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        return Response(NoteSerializer(grievance.notes.all(), many=True).data)

    @extend_schema(request=RevealSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-contact")
    def reveal_contact(self, request, *args, **kwargs):
        """The SAI administrator reads an anonymous complainant's contact, with a reason;
        every reveal is logged."""
        grievance = self.get_object()
        body = RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = triage.grievance_reveal_contact(grievance, by=request.user, **body.validated_data)
        return Response({"name": contact.name, "email": contact.email, "phone": contact.phone})

    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>\d+)/file")
    def attachment_file(self, request, *args, attachment_pk=None, **kwargs):
        """The bytes of one attachment, to whoever may see the grievance."""
        attachment = get_object_or_404(self.get_object().attachments, pk=attachment_pk)
        return serve_attachment(attachment)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, *args, **kwargs):
        """Every version, newest first. The triage history holds the staff's reasons, so
        it is for the triage staff only (403 for others who see the grievance)."""
        self.get_object()
        self._check_staff()
        return HistoryMixin.history(self, request, *args, **kwargs)
