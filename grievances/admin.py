"""Admin for the SAI administrator: the category list, declared non-working days and
Open311 client apps are edited here; grievances are shown read-only (they change
through triage) and never with the complainant's contact; reveals are a read-only log."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from audits.admin import ReadOnlyAccess, ReadOnlyTrackedAdmin, TrackedAdmin
from grievances.models import (
    ContactReveal,
    Grievance,
    GrievanceCategory,
    NonWorkingDay,
    Open311Client,
)
from grievances.services.open311 import key_digest, new_api_key
from grievances.workdays import public_holiday_name


@admin.register(GrievanceCategory)
class GrievanceCategoryAdmin(TrackedAdmin):
    list_display = ["name", "code", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["name", "code"]


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(TrackedAdmin):
    list_display = ["day", "reason", "public_holiday"]
    date_hierarchy = "day"

    @admin.display(description=_("Also a public holiday"))
    def public_holiday(self, obj):
        return public_holiday_name(obj.day) or ""


@admin.register(Open311Client)
class Open311ClientAdmin(TrackedAdmin):
    list_display = ["name", "active", "created_at"]
    fields = ["name", "active"]

    def save_model(self, request, obj, form, change):
        if not change:
            key = new_api_key()
            obj.key_digest = key_digest(key)
            messages.warning(
                request,
                _("The api_key of %(name)s is %(key)s. Copy it now: it is not shown again.")
                % {"name": obj.name, "key": key},
            )
        super().save_model(request, obj, form, change)


@admin.register(Grievance)
class GrievanceAdmin(ReadOnlyTrackedAdmin):
    list_display = [
        "tracking_code",
        "category",
        "status",
        "submitted_at",
        "referred_agency",
        "engagement",
        "escalation",
    ]
    list_filter = ["status", "category", "channel", "escalation"]
    search_fields = ["tracking_code", "description"]
    exclude = ["client_digest", "description_digest"]


@admin.register(ContactReveal)
class ContactRevealAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ["grievance", "revealed_by", "revealed_at", "reason"]
    readonly_fields = ["grievance", "revealed_by", "revealed_at", "reason"]
