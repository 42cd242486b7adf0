from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

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
    TransitionMixin,
)
from api.serializers.sanctions import (
    PaymentSerializer,
    SanctionCorrectionSerializer,
    SanctionSerializer,
    SanctionTotalsSerializer,
    SanctionTransitionSerializer,
)
from audits.choices import Role, SanctionKind, SanctionStatus
from audits.models import Engagement, Organization, Sanction
from audits.selectors import sanctions as selectors
from audits.services import sanctions as services


def sanction_overdue(today):
    """Still issued after its settlement or appeal period ran out."""
    return Q(status=SanctionStatus.ISSUED) & (Q(settle_by__lt=today) | Q(appeal_by__lt=today))


class SanctionFilter(filters.FilterSet):
    status = ChoicesFilter(choices=SanctionStatus.choices)
    kind = ChoicesFilter(choices=SanctionKind.choices)
    agency = AgencyTreeFilter(field_names=["engagement__auditee"])
    year = YearFilter(
        field_name="issued_on", help_text=gettext_lazy("The year the notice was issued.")
    )
    amount_min, amount_max = amount_filters()
    overdue = OverdueFilter(
        rule=sanction_overdue,
        help_text=gettext_lazy("Still issued after its settle-by or appeal-by date."),
    )

    class Meta:
        model = Sanction
        fields = ["status", "kind", "finding", "engagement"]


MAX_ID_DIGITS = 18


def _id_parameter(request, name):
    value = request.query_params.get(name)
    if value is None:
        return None
    # isdigit() alone lets "²" through to int(); ids are at most a 64-bit integer.
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_ID_DIGITS:
        raise ValidationError({name: [_("A number is required.")]})
    return int(value)


@extend_schema_view(transition=extend_schema(request=SanctionTransitionSerializer))
class SanctionViewSet(
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    TransitionMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Sanction.objects.all()  # the serializer reads a page's persons liable at once
    serializer_class = SanctionSerializer
    # Creating needs an SAI auditor's role; the service then wants a team auditor.
    write_roles = {Role.AUDITOR, Role.SUPERVISOR}
    filterset_class = SanctionFilter
    ordering_fields = ["issued_on", "received_on", "amount", "reference"]
    transition_service = staticmethod(services.sanction_transition)
    transition_serializer = SanctionTransitionSerializer

    roles_guard_objects = False  # one object's moves and edits: decided by the services

    def get_queryset(self):
        # The disallowance a matured suspension became: its id only, not the whole row.
        replacement = Sanction.objects.filter(matured_from=OuterRef("pk")).values("pk")
        sanctions = super().get_queryset().annotate(replacement_id=Subquery(replacement[:1]))
        return selectors.sanctions_with_balance(sanctions)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return SanctionCorrectionSerializer
        if self.action == "payments":
            return PaymentSerializer
        return SanctionSerializer

    def representation(self, instance) -> dict:
        if not hasattr(instance, "balance"):  # fresh from a service: read it back annotated
            instance = self.get_queryset().get(pk=instance.pk)
        return SanctionSerializer(instance, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        names = data.pop("persons_liable", None)
        liabilities = data.pop("liabilities", None) or services.equal_shares(names or [])
        serializer.instance = services.sanction_create(
            by=self.request.user, liabilities=liabilities, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.sanction_update(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        methods=["GET"], responses=PaymentSerializer(many=True), description="The ledger."
    )
    @extend_schema(
        methods=["POST"],
        request=PaymentSerializer,
        responses={201: PaymentSerializer},
        description="Record a payment; a sanction fully paid moves to `settled`.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def payments(self, request, *args, **kwargs):
        sanction = self.get_object()
        if request.method == "GET":
            lines = sanction.payments.order_by("paid_on", "pk")
            return Response(PaymentSerializer(lines, many=True).data)
        serializer = PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.payment_record(sanction, by=request.user, **serializer.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("engagement", OpenApiTypes.INT, description="one engagement"),
            OpenApiParameter("agency", OpenApiTypes.INT, description="an agency and below"),
        ],
        responses=SanctionTotalsSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def totals(self, request, *args, **kwargs):
        """Issued, settled and outstanding amounts over the sanctions the caller can see."""
        engagement_id = _id_parameter(request, "engagement")
        agency_id = _id_parameter(request, "agency")
        if engagement_id is not None:
            get_object_or_404(Engagement.objects.visible_to(request.user), pk=engagement_id)
            totals = selectors.engagement_sanction_totals(request.user, engagement_id)
        elif agency_id is not None:
            get_object_or_404(Organization.objects.visible_to(request.user), pk=agency_id)
            totals = selectors.agency_sanction_totals(request.user, agency_id)
        else:
            totals = selectors.sanction_totals(Sanction.objects.visible_to(request.user))
        return Response(SanctionTotalsSerializer(totals).data)
