from django.contrib import admin

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.core.services import audit_event_record


class AuditedAdminMixin(admin.ModelAdmin):
    """Every change made through the Django back-office lands in the audit log (every ModelAdmin uses this)."""

    def log_addition(self, request, obj, message):
        audit_event_record(
            code=AuditCode.ADMIN_OBJECT_ADDED, actor=request.user, subject=obj, extra={"message": message}
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_event_record(
            code=AuditCode.ADMIN_OBJECT_CHANGED, actor=request.user, subject=obj, extra={"message": message}
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_event_record(code=AuditCode.ADMIN_OBJECT_DELETED, actor=request.user, subject=obj)
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "code",
        "code_label",
        "actor_label",
        "organisation",
        "subject_type",
        "subject_id",
        "ip_address",
    ]
    list_filter = ["code"]
    search_fields = ["actor_label", "subject_label", "subject_id"]
    date_hierarchy = "occurred_at"

    # The journal is append-only, even for the back-office.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
