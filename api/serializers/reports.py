"""Reports: the job (`status`, `progress`) and, when done, the file and its `sha256`."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.choices import ReportKind
from reports.models import Report

MAX_ID = 2**63 - 1


class ReportRequestSerializer(serializers.Serializer):
    """`{"kind", ...one subject}`: engagement, agency, finding or sanction (an id)."""

    kind = serializers.ChoiceField(
        choices=ReportKind.choices,
        error_messages={"invalid_choice": _("Unknown kind of report: {input}.")},
    )
    engagement = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    agency = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    finding = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    sanction = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class ReportSerializer(serializers.ModelSerializer):
    approved = serializers.BooleanField(read_only=True)
    file_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "status",
            "progress",
            "kind",
            "engagement",
            "agency",
            "finding",
            "sanction",
            "version",
            "sha256",
            "size",
            "approved",
            "approved_at",
            "approved_by",
            "draft_sha256",
            "failure_reason",
            "notes",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "file_url",
            "verify_url",
        ]
        read_only_fields = fields

    def get_file_url(self, report) -> str | None:
        if not report.file:
            return None
        return reverse("report-file", args=[report.pk])

    def get_verify_url(self, report) -> str | None:
        if not report.approved:
            return None
        return reverse("report-verify-hash", args=[report.sha256])
