from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.exits.models import ExitType, FollowUpSchedule, PositiveRule


@admin.register(ExitType)
class ExitTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "departement", "iae_category", "to_employment", "is_active"]
    list_filter = ["departement", "iae_category", "to_employment", "is_active"]


@admin.register(PositiveRule)
class PositiveRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # A version is published through `positive_rule_publish`, never edited: a published figure depends on it.
    list_display = ["departement", "version", "valid_from", "valid_until", "note"]
    list_filter = ["departement"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(FollowUpSchedule)
class FollowUpScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["departement", "checkpoint_months"]
