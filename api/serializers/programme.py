"""The audit programme: procedures (working papers), review notes, programme templates.
Reads only: every write goes through `programme.services`; a related id is resolved among
the rows the caller may see, so an id they may not see reads like one that does not exist."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.findings import VisibleRelatedField
from audits.models import Engagement, Evidence, Finding, User
from programme import permissions as may
from programme.models import Procedure, ProgrammeTemplate, ReviewNote, TemplateProcedure

CHANGE_REASON = {"write_only": True, "required": False, "allow_blank": True, "max_length": 2000}
# Set by the service and the workflow, never written directly.
PROCEDURE_READ_ONLY = [
    "number",
    "status",
    "prepared_by",
    "prepared_at",
    "reviewed_by",
    "reviewed_at",
    "template_procedure",
    "created_by",
    "created_at",
    "updated_at",
]


class IdList(serializers.ManyRelatedField):
    """A list of ids; a JSON object is refused (DRF would read `{}` as an empty list)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class VisibleIds(VisibleRelatedField):
    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = IdList
        return field


def _visible_many(model, noun):
    return VisibleIds(
        queryset=model.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown %s {pk_value}.") % noun},
    )


class ProcedureSerializer(serializers.ModelSerializer):
    engagement = VisibleRelatedField(
        queryset=Engagement.objects.all(),
        error_messages={
            "does_not_exist": _("Unknown engagement: no engagement with id {pk_value}.")
        },
    )
    reference = serializers.CharField(read_only=True)
    assignees = _visible_many(User, "user")
    assignee_names = serializers.SerializerMethodField()
    evidence = _visible_many(Evidence, "evidence")
    findings = _visible_many(Finding, "finding")
    evidence_count = serializers.IntegerField(read_only=True)
    open_review_notes = serializers.IntegerField(source="open_notes", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    estimated_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, max_value=10000, allow_null=True,
        required=False,
    )  # fmt: skip
    change_reason = serializers.CharField(**CHANGE_REASON)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "engagement",
            "number",
            "reference",
            *may.PROCEDURE_FIELDS,
            "assignee_names",
            "status",
            "prepared_by",
            "prepared_at",
            "reviewed_by",
            "reviewed_at",
            "evidence_count",
            "open_review_notes",
            "overdue",
            "template_procedure",
            "created_by",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = PROCEDURE_READ_ONLY

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["engagement"].read_only = True  # a procedure never moves
        else:  # a new procedure is a plan: work and citations come once it exists
            for name in (*may.WORK_FIELDS, *may.CITATION_FIELDS):
                fields[name].read_only = True
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_assignee_names(self, procedure):
        return [str(person) for person in procedure.assignees.all()]


class ReviewNoteSerializer(serializers.ModelSerializer):
    procedure = VisibleRelatedField(
        queryset=Procedure.objects.all(),
        error_messages={"does_not_exist": _("Unknown procedure: no procedure with id {pk_value}.")},
    )
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    answered = serializers.BooleanField(source="is_answered", read_only=True)

    class Meta:
        model = ReviewNote
        fields = [
            "id",
            "procedure",
            "engagement",
            "body",
            "author",
            "author_name",
            "created_at",
            "answered",
            "response",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = [
            "engagement",
            "author",
            "created_at",
            "response",
            "answered_by",
            "answered_at",
        ]


class ReviewNoteAnswerSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=20000)


class TemplateProcedureSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    estimated_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, max_value=10000, allow_null=True,
        required=False,
    )  # fmt: skip

    class Meta:
        model = TemplateProcedure
        fields = ["id", *may.TEMPLATE_PROCEDURE_FIELDS]
        read_only_fields = ["id"]


class ProgrammeTemplateSerializer(serializers.ModelSerializer):
    procedures = TemplateProcedureSerializer(many=True, required=False, max_length=200)
    change_reason = serializers.CharField(**CHANGE_REASON)

    class Meta:
        model = ProgrammeTemplate
        fields = [
            "id",
            *may.TEMPLATE_FIELDS,
            "procedures",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # the service's full_clean() checks the unique name

    def validate_name(self, value):
        others = ProgrammeTemplate.objects.filter(name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("A template with this name exists."))
        return value


class ApplyTemplateSerializer(serializers.Serializer):
    engagement = VisibleRelatedField(
        queryset=Engagement.objects.all(),
        error_messages={
            "does_not_exist": _("Unknown engagement: no engagement with id {pk_value}.")
        },
    )


class AppliedTemplateSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    procedures = ProcedureSerializer(many=True)
