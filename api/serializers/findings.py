"""Findings, recommendations and responses. Reads only: every write goes through
`audits.services.findings`; a parent named in the body must be visible to the caller."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.base.serializers import LightReadMixin, PreparedListSerializer, Row
from audits.models import (
    Engagement,
    Evidence,
    Finding,
    Recommendation,
    Response,
    ResponseAttachment,
)
from audits.models.findings import MAX_AMOUNT

UNKNOWN_ENGAGEMENT = _("Unknown engagement: no engagement with id {pk_value}.")


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id resolved only among the rows the caller may see, so an id they may not
    see reads exactly like one that does not exist."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


class RecommendationBriefSerializer(LightReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", "text", "status", "target_date"]


class FindingSerializer(LightReadMixin, serializers.ModelSerializer):
    engagement = VisibleRelatedField(
        queryset=Engagement.objects.all(),
        error_messages={
            "does_not_exist": _("Unknown engagement: no engagement with id {pk_value}.")
        },
    )
    reference = serializers.CharField(max_length=50, required=False)
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        allow_null=True,
        required=False,
    )
    evidence = VisibleRelatedField(queryset=Evidence.objects.all(), many=True, required=False)
    deemed_accepted = serializers.BooleanField(read_only=True)
    recommendations = RecommendationBriefSerializer(many=True, read_only=True)
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100
    )
    prepared_fields = {"evidence": "evidence_ids", "recommendations": "recommendation_briefs"}

    class Meta:
        model = Finding
        list_serializer_class = PreparedListSerializer
        fields = [
            "id",
            "engagement",
            "reference",
            "title",
            "condition",
            "criteria",
            "cause",
            "effect",
            "severity",
            "amount",
            "evidence",
            "status",
            "issued_on",
            "response_due",
            "deemed_accepted",
            "deemed_accepted_on",
            "recommendations",
            "created_by",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = [
            "status",
            "issued_on",
            "response_due",
            "deemed_accepted_on",
            "created_by",
            "created_at",
            "updated_at",
        ]
        # The service numbers references and its full_clean() checks them per engagement.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["engagement"].read_only = True  # a finding never moves
        return fields

    def prepare(self, findings):
        """Each finding's evidence ids and recommendations, in two queries for the page
        (the links as ids, without reading the evidence rows)."""
        ids = [finding.pk for finding in findings]
        links = Finding.evidence.through.objects.filter(finding_id__in=ids).order_by("evidence_id")
        evidence = defaultdict(list)
        for finding_id, evidence_id in links.values_list("finding_id", "evidence_id"):
            evidence[finding_id].append(evidence_id)
        brief = RecommendationBriefSerializer()
        columns = ["finding_id", *brief.Meta.fields]
        rows = Recommendation.objects.filter(finding_id__in=ids).order_by("pk").values(*columns)
        recommendations = defaultdict(list)
        for row in rows:  # plain rows read as attributes: no model instance per row
            recommendations[row["finding_id"]].append(brief.to_representation(Row(row)))
        for finding in findings:
            finding.evidence_ids = evidence[finding.pk]
            finding.recommendation_briefs = recommendations[finding.pk]


class RecommendationSerializer(LightReadMixin, serializers.ModelSerializer):
    finding = VisibleRelatedField(
        queryset=Finding.objects.all(),
        error_messages={"does_not_exist": _("Unknown finding: no finding with id {pk_value}.")},
    )
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "finding",
            "engagement",
            "text",
            "status",
            "target_date",
            "reiterated_from",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = ["engagement", "status", "reiterated_from", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["finding"].read_only = True
        return fields


class ReiterateSerializer(serializers.Serializer):
    engagement = VisibleRelatedField(
        queryset=Engagement.objects.all(),
        error_messages={
            "does_not_exist": _("Unknown engagement: no engagement with id {pk_value}.")
        },
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_filename = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    sha256 = serializers.CharField()


class ResponseSerializer(LightReadMixin, serializers.ModelSerializer):
    """`finding` is resolved by the view (404 when the caller cannot see it)."""

    recommendation = VisibleRelatedField(
        queryset=Recommendation.objects.all(), allow_null=True, required=False
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False, max_length=10
    )
    prepared_fields = {"attachments": "attachment_rows"}

    class Meta:
        model = Response
        list_serializer_class = PreparedListSerializer
        fields = [
            "id",
            "finding",
            "engagement",
            "recommendation",
            "kind",
            "body",
            "author",
            "created_at",
            "attachments",
            "files",
        ]
        read_only_fields = ["finding", "engagement", "author", "created_at"]

    def prepare(self, responses):
        """The attachments of a page's responses, in one query, as plain rows."""
        attachment = AttachmentSerializer()
        columns = ["response_id", *attachment.fields]
        rows = ResponseAttachment.objects.filter(response__in=[r.pk for r in responses])
        attached = defaultdict(list)
        for row in rows.order_by("pk").values(*columns):
            attached[row["response_id"]].append(attachment.to_representation(row))
        for response in responses:
            response.attachment_rows = attached[response.pk]
