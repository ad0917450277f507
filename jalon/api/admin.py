from django.contrib import admin

from jalon.api.models import ApiToken
from jalon.core.admin import AuditedAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read and revoke only: tokens are issued on the administrators' screen, which shows the secret once."""

    list_display = ["name", "membership", "scope", "expires_on", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "membership__user__email", "membership__organisation__name"]
    readonly_fields = ["name", "membership", "scope", "key_start", "expires_on", "created_by", "last_used_at"]
    fields = [*readonly_fields, "revoked_at", "revoked_by"]

    def has_add_permission(self, request):
        return False
