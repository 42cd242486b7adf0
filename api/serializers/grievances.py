"""Grievances. Filing and tracking are public; the list and detail are for those who may
see the grievance (querysets.py), with the complainant's contact only for triage staff
and never for an anonymous complainant. Every write goes through grievances.services."""

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.findings import VisibleRelatedField
from audits.choices import OrganizationKind
from audits.models import Engagement, Organization, User
from grievances import permissions as can
from grievances.choices import GrievanceStatus, UpdateKind
from grievances.models import (
    DESCRIPTION_MAX_LENGTH,
    FILING_FIELDS,
    MAX_ATTACHMENTS,
    TEXT_MAX_LENGTH,
    Grievance,
    GrievanceAttachment,
    GrievanceCategory,
    GrievanceNote,
)
from grievances.selectors import is_overdue, public_updates

UNKNOWN_AGENCY = _("Unknown agency: no agency with id {pk_value}.")


def agencies():
    return Organization.objects.filter(kind=OrganizationKind.AGENCY)


class CategoryField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", GrievanceCategory.objects.filter(active=True))
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": _("Unknown category: {value}."), "invalid": _("Give a code.")},
        )
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class AgencyField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", agencies())
        kwargs.setdefault("error_messages", {"does_not_exist": UNKNOWN_AGENCY})
        super().__init__(**kwargs)


class CoordinateField(serializers.FloatField):
    """A degree as phones give it (many decimals); the service keeps six places."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class GrievanceFilingSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    category = CategoryField()
    agency = AgencyField(required=False, allow_null=True, default=None)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = CoordinateField(
        required=False, allow_null=True, default=None, min_value=-90, max_value=90
    )
    longitude = CoordinateField(
        required=False, allow_null=True, default=None, min_value=-180, max_value=180
    )
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text="Up to five photos or documents (multipart/form-data).",
    )


class PublicUpdateSerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=UpdateKind.choices)
    status = serializers.ChoiceField(choices=GrievanceStatus.choices)
    text = serializers.CharField()


class AgencyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EngagementBriefSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    """What anyone holding the tracking code sees (grievances.selectors.public_record)."""

    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=GrievanceStatus.choices)
    status_label = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    agency = AgencyBriefSerializer(allow_null=True)
    engagement = EngagementBriefSerializer(allow_null=True)
    public_updates = PublicUpdateSerializer(many=True)


class AttachmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrievanceAttachment
        fields = ["id", "content_type", "size", "sha256", "uploaded_at"]


class GrievanceSerializer(serializers.ModelSerializer):
    """What agencies, oversight and engagement teams read: no contact, no notes."""

    tracking_code = serializers.CharField(source="grouped_code", read_only=True)
    category = CategoryField(required=False)
    agency = AgencyField(required=False, allow_null=True)
    public_updates = serializers.SerializerMethodField()
    escalation = serializers.CharField(read_only=True)  # blank until a clock lapses
    attachments = AttachmentBriefSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Grievance
        fields = [
            "id",
            "tracking_code",
            "status",
            *(name for name in FILING_FIELDS if name != "anonymous"),
            "submitted_at",
            "referred_agency",
            "referred_on",
            "engagement",
            "verify_due",
            "plan_due",
            "plan_received_at",
            "overdue",
            "escalation",
            "escalated_on",
            "public_updates",
            "attachments",
        ]
        read_only_fields = [name for name in fields if name not in ("category", "agency")]

    def get_public_updates(self, obj) -> list[dict]:
        return PublicUpdateSerializer(public_updates(obj), many=True).data

    def get_overdue(self, obj) -> bool:
        return is_overdue(obj)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class GrievanceStaffSerializer(GrievanceSerializer):
    """The triage staff's view: also the channel, the assignee and the contact (null for
    an anonymous complainant: only a logged reveal shows it)."""

    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    contact = serializers.SerializerMethodField()
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )

    class Meta(GrievanceSerializer.Meta):
        fields = GrievanceSerializer.Meta.fields + [
            "anonymous",
            "channel",
            "assigned_to",
            "contact",
            "change_reason",
        ]
        read_only_fields = GrievanceSerializer.Meta.read_only_fields + ["anonymous", "channel"]

    def get_contact(self, obj) -> ContactSerializer(allow_null=True):
        if not can.may_see_contact(self.context["request"].user, obj):
            return None
        contact = getattr(obj, "contact", None)
        if contact is None:
            return {"name": "", "email": "", "phone": ""}
        return {"name": contact.name, "email": contact.email, "phone": contact.phone}


class GrievanceTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=GrievanceStatus.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    engagement = VisibleRelatedField(
        queryset=Engagement.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={
            "does_not_exist": _("Unknown engagement: no engagement with id {pk_value}.")
        },
        help_text="With `to: referred_to_audit`: the engagement it feeds.",
    )
    agency = AgencyField(
        required=False,
        allow_null=True,
        default=None,
        help_text="With `to: referred_to_agency`: the agency (default: the one named).",
    )


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrievanceNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["author", "created_at"]


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class StatisticsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.ListField(child=serializers.DictField())
    by_category = serializers.ListField(child=serializers.DictField())
    by_agency = serializers.ListField(child=serializers.DictField())
    by_month = serializers.ListField(child=serializers.DictField())
    median_working_days_to_first_update = serializers.FloatField(allow_null=True)
