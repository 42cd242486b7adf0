from rest_framework import serializers

from audits.access import access_notice
from audits.models import Organization, User


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "accreditation_number",
            "accredited_until",
            "currency",
            "reply_period_days",
        ]


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "password", "full_name", "email", "role", "organization",
            "is_active",
        ]  # fmt: skip
        extra_kwargs = {"role": {"required": True, "allow_blank": False}}


class MeSerializer(serializers.ModelSerializer):
    """The caller, with what the pages need to explain their access."""

    role = serializers.CharField(source="effective_role")
    organization_name = serializers.CharField(source="organization.name", default=None)
    accreditation_lapsed = serializers.BooleanField()
    notice = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "organization",
            "organization_name",
            "accreditation_lapsed",
            "notice",
        ]

    def get_notice(self, user) -> str | None:
        return access_notice(user)
