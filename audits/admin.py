"""The Django admin, for SAI administrators (role sai_admin) and superusers.

History is shown but never changed here: a past version cannot be reverted, edited or
deleted, and no audit record is deleted. Statuses move only through the workflows, so
they are read-only. Filed evidence, agency responses, payments and the team (which
changes through `member_add`/`member_remove` on the engagement page) are read-only here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audits.choices import Role
from audits.models import (
    Engagement,
    EngagementGroupObjectPermission,
    EngagementMember,
    EngagementUserObjectPermission,
    Evidence,
    EvidenceAccess,
    Finding,
    Organization,
    PersonLiable,
    Recommendation,
    Response,
    ResponseAttachment,
    Sanction,
    SanctionPayment,
    User,
)
from audits.services.accounts import check_organization, staff_flag_for

ADMIN_CHANGE_REASON = _("Changed in the administration site")


def is_sai_administrator(request) -> bool:
    user = request.user
    return user.is_active and user.is_authenticated and user.has_role(Role.SAI_ADMIN)


class SaiAdminAccess:
    """Access by role, not by Django model permissions: every SAI administrator may use it."""

    def has_module_permission(self, request):
        return is_sai_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_sai_administrator(request)

    def has_add_permission(self, request, obj=None):
        return is_sai_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_sai_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False  # audit records are kept; users are deactivated instead


class ReadOnlyAccess(SaiAdminAccess):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrackedAdmin(SaiAdminAccess, SimpleHistoryAdmin):
    """History visible, never reverted: the version page is view-only and refuses POST."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(_("Past versions cannot be restored or edited."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._change_reason = str(ADMIN_CHANGE_REASON)
        super().save_model(request, obj, form, change)


class ReadOnlyTrackedAdmin(ReadOnlyAccess, TrackedAdmin):
    """Audit records change only through the services (the web pages and the API), where
    the workflow and team rules apply; the admin shows them and their history."""


class OrganizationAdminForm(forms.ModelForm):
    """The service's rules about an organisation's neighbours apply here too."""

    def _post_clean(self):
        super()._post_clean()
        try:
            check_organization(self.instance, self.changed_data)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Organization)
class OrganizationAdmin(TrackedAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "kind", "parent", "accreditation_number", "accredited_until"]
    list_filter = ["kind"]
    search_fields = ["name", "accreditation_number"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(SaiAdminAccess, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "organization", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "role", "organization", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "email",
                    "role",
                    "organization",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def save_model(self, request, obj, form, change):
        obj.is_staff = staff_flag_for(obj)
        super().save_model(request, obj, form, change)


class MemberInline(ReadOnlyAccess, admin.TabularInline):
    """The team is shown here; it changes on the engagement page, through the service."""

    model = EngagementMember
    fk_name = "engagement"
    extra = 0
    fields = ["user", "role", "added_by", "added_at"]
    readonly_fields = fields


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyTrackedAdmin):
    list_display = ["reference", "title", "status", "sai", "auditee", "created_at"]
    list_filter = ["status", "sai"]
    search_fields = ["reference", "title", "location"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["sai", "auditee", "follow_up_of"]
    inlines = [MemberInline]


@admin.register(EngagementMember)
class EngagementMemberAdmin(ReadOnlyTrackedAdmin):
    list_display = ["engagement", "user", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["engagement__reference", "user__username", "user__full_name"]
    readonly_fields = ["added_by", "added_at"]
    autocomplete_fields = ["engagement", "user"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyTrackedAdmin):
    list_display = ["__str__", "engagement", "kind", "submitted_by", "submitted_at", "sha256"]
    list_filter = ["kind"]
    search_fields = ["description", "sha256", "engagement__reference"]


@admin.register(EvidenceAccess)
class EvidenceAccessAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ["evidence", "user", "action", "accessed_at", "ip_address"]
    list_filter = ["action"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyTrackedAdmin):
    list_display = ["reference", "title", "engagement", "status", "severity", "response_due"]
    list_filter = ["status", "severity"]
    search_fields = ["reference", "title", "engagement__reference"]
    readonly_fields = ["status", "issued_on", "response_due", "deemed_accepted_on", "created_by"]
    autocomplete_fields = ["engagement"]
    filter_horizontal = ["evidence"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyTrackedAdmin):
    list_display = ["__str__", "finding", "status", "target_date"]
    list_filter = ["status"]
    readonly_fields = ["status"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyTrackedAdmin):
    list_display = ["__str__", "finding", "kind", "author", "created_at"]
    list_filter = ["kind"]


@admin.register(ResponseAttachment)
class ResponseAttachmentAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ["original_filename", "response", "sha256", "size", "uploaded_at"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyTrackedAdmin):
    list_display = ["reference", "kind", "status", "amount", "issued_on", "settle_by", "appeal_by"]
    list_filter = ["kind", "status"]
    search_fields = ["reference"]
    readonly_fields = ["status", "settle_by", "appeal_by", "matured_from", "issued_by"]


@admin.register(PersonLiable)
class PersonLiableAdmin(ReadOnlyTrackedAdmin):
    list_display = ["name", "position", "sanction", "share_percent"]


@admin.register(SanctionPayment)
class SanctionPaymentAdmin(ReadOnlyTrackedAdmin):
    list_display = ["sanction", "paid_on", "amount", "receipt_reference", "recorded_by"]


@admin.register(EngagementUserObjectPermission)
class EngagementUserGrantAdmin(SaiAdminAccess, admin.ModelAdmin):
    list_display = ["content_object", "user", "permission"]


@admin.register(EngagementGroupObjectPermission)
class EngagementGroupGrantAdmin(SaiAdminAccess, admin.ModelAdmin):
    list_display = ["content_object", "group", "permission"]
