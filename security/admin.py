"""Tokens and the security log in the Django admin: both read-only; tokens are revoked
with an action (which goes through the service and is logged)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audits.admin import ReadOnlyAccess
from security.models import ApiToken, SecurityEvent
from security.services.tokens import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ["user", "created", "expires", "last_used", "read_only", "revoked_at"]
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["user__username", "user__full_name"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token, by=request.user, request=request, reason="revoked in the admin")

    def has_revoke_permission(self, request):
        return self.has_view_permission(request)


ApiTokenAdmin.revoke.allowed_permissions = ("revoke",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ["at", "kind", "username", "ip_address", "method", "path", "status_code"]
    list_filter = ["kind", "status_code"]
    search_fields = ["username", "ip_address", "path", "detail"]
    date_hierarchy = "at"
