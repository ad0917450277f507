from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.messaging.models import Message


@admin.register(Message)
class MessageAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: messages are written by `message_send` only, and are the record of what was sent."""

    list_display = ["created_at", "channel", "kind", "subject", "status", "person", "organisation", "backend"]
    list_filter = ["channel", "kind", "status"]
    search_fields = ["subject", "provider_reference"]
    raw_id_fields = ["person", "created_by", "organisation"]
    date_hierarchy = "created_at"
    list_select_related = ["person", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
