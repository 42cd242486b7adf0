from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from security.models import ApiToken, SecurityEvent


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    read_only = serializers.BooleanField(
        default=False, help_text=_("A token that can only read, whatever the user's role.")
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=_("The code from the authenticator app (sai_admin and supervisor, when "
                    "two-factor authentication is required)."),
    )  # fmt: skip


class TokenCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("The secret: shown once, never stored."))
    id = serializers.IntegerField()
    expires = serializers.DateTimeField()
    read_only = serializers.BooleanField()


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "created", "expires", "last_used", "read_only", "user"]
        read_only_fields = fields


class SecurityEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityEvent
        fields = [
            "id", "at", "kind", "user", "username", "ip_address", "method", "path",
            "status_code", "object_type", "object_id", "detail",
        ]  # fmt: skip
        read_only_fields = fields
