"""The programme in the Django admin, for SAI administrators: templates are kept here (or
through the API); procedures and review notes are shown with their history, and change
only through the services (the pages and the API), where the workflow applies."""

from django.contrib import admin

from audits.admin import ReadOnlyTrackedAdmin, SaiAdminAccess, TrackedAdmin
from programme.models import Procedure, ProgrammeTemplate, ReviewNote, TemplateProcedure


class TemplateProcedureInline(SaiAdminAccess, admin.TabularInline):
    model = TemplateProcedure
    extra = 1
    fields = ["number", "objective", "criteria", "method", "location", "estimated_hours"]


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(TrackedAdmin):
    list_display = ["name", "kind", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "description"]
    inlines = [TemplateProcedureInline]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyTrackedAdmin):
    list_display = ["engagement", "number", "method", "status", "due_date", "prepared_by"]
    list_filter = ["status", "method"]
    search_fields = ["engagement__reference", "objective"]
    list_select_related = ["engagement", "prepared_by"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(ReadOnlyTrackedAdmin):
    list_display = ["procedure", "author", "created_at", "answered_at"]
    list_select_related = ["procedure", "author"]
