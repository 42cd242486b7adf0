from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.base.serializers import LightReadMixin
from audits.choices import OrganizationKind
from audits.models import Engagement, EngagementMember, Organization, User


class EngagementSerializer(LightReadMixin, serializers.ModelSerializer):
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

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # linking to an engagement one cannot see would leak it
            fields["follow_up_of"].queryset = Engagement.objects.visible_to(request.user)
        return fields

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"period_end": [_("The period cannot end before it starts.")]}
            )
        if self.instance is not None and "sai" in getattr(self, "initial_data", {}):
            # Read-only here, but a change after planning is refused (409), not ignored.
            attrs["sai"] = self.initial_data["sai"]
        follow_up_of = attrs.get("follow_up_of")
        if self.instance is not None and follow_up_of is not None and follow_up_of == self.instance:
            raise serializers.ValidationError(
                {"follow_up_of": [_("An engagement cannot be a follow-up of itself.")]}
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

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # only people the caller may see can be named
            fields["user"].queryset = User.objects.visible_to(request.user).filter(is_active=True)
        return fields
