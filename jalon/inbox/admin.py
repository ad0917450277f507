from django.contrib import admin

from jalon.inbox.models import InboxPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "organisation", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "organisation"]


@admin.register(InboxPreference)
class InboxPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_digest", "last_digest_at"]
    raw_id_fields = ["user"]
