"""`/procedures/`, `/review-notes/`, `/programme-templates/`: the audit programme.

Procedures: list, create and edit (the plan by the team leader or a supervisor, the work
by the assignees and the team leader, findings by the team's auditors), DELETE of an open
procedure with nothing attached, `transition/`, `history/`. Review notes: written by a
reviewer, answered once by the preparer (`answer/`), never edited (PATCH, PUT and DELETE
answer 405). Templates: read by SAI staff and citizen auditors, written by the SAI
administrator, `apply/` copies one into an engagement in planning. Agencies and
oversight see none of it: it is internal to the audit."""

from django.db import transaction
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from api.base.filters import ChoicesFilter
from api.base.viewsets import (
    ConditionalUpdateMixin,
    CreateMixin,
    HistoryMixin,
    ScopedViewSet,
    ServiceWriteMixin,
    TransitionMixin,
    etag_for,
)
from api.serializers.programme import (
    AppliedTemplateSerializer,
    ApplyTemplateSerializer,
    ProcedureSerializer,
    ProgrammeTemplateSerializer,
    ReviewNoteAnswerSerializer,
    ReviewNoteSerializer,
)
from audits.history import RelatedHistory
from audits.models import Evidence, Finding, User
from programme import permissions as may
from programme.choices import ProcedureMethod, ProcedureStatus
from programme.models import Procedure, ProgrammeTemplate, ReviewNote, TemplateProcedure
from programme.selectors import with_counts
from programme.services import procedures as services
from programme.services import review_notes as note_services
from programme.services import templates as template_services


class ProcedureFilter(filters.FilterSet):
    status = ChoicesFilter(choices=ProcedureStatus.choices)
    method = ChoicesFilter(choices=ProcedureMethod.choices)
    assignee = filters.ModelChoiceFilter(field_name="assignees", queryset=User.objects.all())
    finding = filters.ModelChoiceFilter(field_name="findings", queryset=Finding.objects.all())
    evidence = filters.ModelChoiceFilter(field_name="evidence", queryset=Evidence.objects.all())
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Procedure
        fields = ["engagement", "status", "method"]


class ProcedureViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    TransitionMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = Procedure.objects.prefetch_related(
        Prefetch("assignees", queryset=User.objects.order_by("pk")),
        Prefetch("evidence", queryset=Evidence.objects.only("pk").order_by("pk")),
        Prefetch("findings", queryset=Finding.objects.only("pk").order_by("pk")),
    )
    serializer_class = ProcedureSerializer
    write_roles = may.TEAM_USER_ROLES
    filterset_class = ProcedureFilter
    ordering_fields = ["number", "due_date", "status", "created_at"]
    ordering = ["engagement_id", "number"]
    create_service = staticmethod(services.procedure_create)
    update_service = staticmethod(services.procedure_update)
    transition_service = staticmethod(services.procedure_transition)
    lock_as_read = False  # counted with DISTINCT

    def get_queryset(self):
        return with_counts(super().get_queryset()).distinct()

    def representation(self, instance):
        # Re-read after a write so counts and links come from the same query as a GET.
        if not hasattr(instance, "evidence_count"):
            instance = self.get_queryset().get(pk=instance.pk)
        return super().representation(instance)

    def history_related(self, procedure):
        notes = ReviewNote.history.filter(procedure_id=procedure.pk)
        return (RelatedHistory("review_notes", notes, ("body", "response", "answered_by_id")),)

    def destroy(self, request, *args, **kwargs):
        """Remove an open procedure with no evidence, review notes or findings (409
        otherwise); the removal stays in the history."""
        with transaction.atomic():
            services.procedure_delete(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewNoteFilter(filters.FilterSet):
    answered = filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ReviewNote
        fields = ["procedure", "engagement", "author", "answered"]


@extend_schema_view(update=extend_schema(exclude=True), partial_update=extend_schema(exclude=True))
class ReviewNoteViewSet(mixins.ListModelMixin, CreateMixin, HistoryMixin, ScopedViewSet):
    queryset = ReviewNote.objects.select_related("author")
    serializer_class = ReviewNoteSerializer
    write_roles = may.TEAM_USER_ROLES
    roles_guard_objects = False
    filterset_class = ReviewNoteFilter
    ordering_fields = ["created_at", "answered_at"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = note_services.review_note_create(
            by=self.request.user, procedure=data["procedure"], body=data["body"]
        )

    def _immutable(self, request, *args, **kwargs):
        self.get_object()  # a note the caller may not see stays a 404
        raise MethodNotAllowed(request.method)

    update = partial_update = destroy = _immutable

    @extend_schema(request=ReviewNoteAnswerSerializer, responses={200: ReviewNoteSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        """The preparer's answer (once)."""
        note = self.get_object()
        body = ReviewNoteAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = note_services.review_note_answer(
            note, by=request.user, response=body.validated_data["response"]
        )
        data = self.representation(self.get_queryset().get(pk=note.pk))
        return Response(data, headers={"ETag": etag_for(data)})


class ProgrammeTemplateFilter(filters.FilterSet):
    class Meta:
        model = ProgrammeTemplate
        fields = ["kind", "is_active"]


class ProgrammeTemplateViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    CreateMixin,
    ConditionalUpdateMixin,
    HistoryMixin,
    ScopedViewSet,
):
    queryset = ProgrammeTemplate.objects.prefetch_related(
        Prefetch("procedures", queryset=TemplateProcedure.objects.order_by("number"))
    )
    serializer_class = ProgrammeTemplateSerializer
    write_roles = may.TEMPLATE_WRITERS
    filterset_class = ProgrammeTemplateFilter
    ordering_fields = ["name", "kind", "created_at"]
    create_service = staticmethod(template_services.template_create)
    update_service = staticmethod(template_services.template_update)

    def history_related(self, template):
        steps = TemplateProcedure.history.filter(template_id=template.pk)
        return (RelatedHistory("procedures", steps, ("number", "objective", "method")),)

    def representation(self, instance):
        return super().representation(self.get_queryset().get(pk=instance.pk))

    @extend_schema(request=ApplyTemplateSerializer, responses={201: AppliedTemplateSerializer})
    @action(detail=True, methods=["post"], write_roles=may.TEAM_USER_ROLES)
    def apply(self, request, *args, **kwargs):
        """Copy the template's procedures into an engagement in planning (team leader or
        supervisor); the answer lists the procedures created."""
        template = self.get_object()
        body = ApplyTemplateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        engagement = body.validated_data["engagement"]
        created = template_services.template_apply(template, by=request.user, engagement=engagement)
        procedures = ProcedureViewSet.queryset.filter(pk__in=[p.pk for p in created])
        rows = with_counts(procedures).order_by("number")
        data = {
            "engagement": engagement.pk,
            "procedures": ProcedureSerializer(
                rows, many=True, context=self.get_serializer_context()
            ).data,
        }
        return Response(data, status=status.HTTP_201_CREATED)
