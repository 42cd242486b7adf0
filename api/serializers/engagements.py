from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from audits.choices import OrganizationKind
from audits.models import Engagement, EngagementMember, Organization, User


class EngagementSerializer(serializers.ModelSerializer):
    auditee = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=OrganizationKind.AGENCY),
        error_messages={"does_not_exist": _("Unknown auditee: no agency with id {pk_value}.")},
    )
    change_reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "reference",
            "title",
            "subject",
            "auditee",
            "status",
            "period_start",
            "period_end",
            "amount_audited",
            "location",
            "objectives",
            "criteria",
            "scope_and_methodology",
            "follow_up_of",
            "sai",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = ["status", "sai", "created_at", "updated_at"]

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"period_end": [_("The period cannot end before it starts.")]}
            )
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = EngagementMember
        fields = ["id", "user", "role", "username", "full_name", "added_at"]
        read_only_fields = ["added_at"]
