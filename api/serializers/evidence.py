from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base.serializers import LightReadMixin
from audits.models import Engagement, Evidence, EvidenceAccess
from audits.validators import PLAUSIBLE_DATE
from programme.models import Procedure

# A key no row has, whose digits appear nowhere else in a URL.
_PK_PLACEHOLDER = 987654321987654321


class EvidenceSerializer(LightReadMixin, serializers.ModelSerializer):
    """API.md's Evidence, plus: `supersedes`/`superseded_by` (the correction chain, as far
    as the caller may see it), `original_filename`, `preview_url`, `file_url`."""

    supersedes = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    preview_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "engagement",
            "kind",
            "description",
            "latitude",
            "longitude",
            "captured_at",
            "sha256",
            "size",
            "content_type",
            "submitted_by",
            "submitted_at",
            "original_filename",
            "supersedes",
            "superseded_by",
            "file_url",
            "preview_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_supersedes(self, evidence):
        return getattr(evidence, "visible_supersedes_id", evidence.supersedes_id)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_superseded_by(self, evidence):
        return getattr(evidence, "visible_superseded_by_id", None)

    def _row_url(self, name, pk):
        """The absolute URL of `name` for row `pk`. Resolved once per serializer (a
        list's rows share one) around a placeholder key, then filled in per row: a page
        of 50 otherwise resolves and absolutises 100 URLs."""
        parts = self.__dict__.setdefault("_url_parts", {})
        if name not in parts:
            url = reverse(name, args=[_PK_PLACEHOLDER])
            request = self.context.get("request")
            url = request.build_absolute_uri(url) if request else url
            parts[name] = url.split(str(_PK_PLACEHOLDER))
        head, tail = parts[name]
        return f"{head}{pk}{tail}"

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, evidence):
        return self._row_url("evidence-file", evidence.pk)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_preview_url(self, evidence):
        if not evidence.preview:
            return None
        return self._row_url("evidence-preview", evidence.pk)


class EvidenceCreateSerializer(serializers.Serializer):
    """The multipart form that files one item."""

    engagement = serializers.PrimaryKeyRelatedField(
        queryset=Engagement.objects.none(),
        error_messages={"does_not_exist": _("Unknown engagement {pk_value}.")},
    )
    kind = serializers.ChoiceField(choices=Evidence._meta.get_field("kind").choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(write_only=True, allow_empty_file=True, use_url=False)
    latitude = serializers.DecimalField(
        max_digits=30, decimal_places=15, min_value=-90, max_value=90, required=False,
        allow_null=True,
    )  # fmt: skip
    longitude = serializers.DecimalField(
        max_digits=30, decimal_places=15, min_value=-180, max_value=180, required=False,
        allow_null=True,
    )  # fmt: skip
    captured_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=PLAUSIBLE_DATE
    )
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown evidence {pk_value}.")},
    )
    client_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text=_("Optional: a retry with the same reference returns the first item."),
    )
    procedure = serializers.PrimaryKeyRelatedField(
        queryset=Procedure.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown procedure {pk_value}.")},
        help_text=_("Optional: the programme procedure (same engagement) it is filed against."),
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            fields["engagement"].queryset = Engagement.objects.visible_to(user)
            fields["supersedes"].queryset = Evidence.objects.visible_to(user)
            fields["procedure"].queryset = Procedure.objects.visible_to(user)
        return fields


class EvidenceAccessSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = EvidenceAccess
        fields = ["id", "evidence", "user", "user_name", "action", "accessed_at"]
        read_only_fields = fields
