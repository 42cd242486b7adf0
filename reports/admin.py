"""Reports in the admin: read-only (they change only through their services); the
branding of each SAI's reports (logo, signatory title) is edited here."""

from django.contrib import admin

from audits.admin import ReadOnlyTrackedAdmin, TrackedAdmin
from reports.models import Report, ReportBranding


@admin.register(Report)
class ReportAdmin(ReadOnlyTrackedAdmin):
    list_display = ["pk", "kind", "version", "engagement", "agency", "status", "approved_at"]
    list_filter = ["kind", "status"]
    search_fields = ["sha256", "engagement__reference"]


@admin.register(ReportBranding)
class ReportBrandingAdmin(TrackedAdmin):
    list_display = ["sai", "signatory_title"]
