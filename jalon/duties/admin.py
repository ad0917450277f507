from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.duties.models import DutySettings


@admin.register(DutySettings)
class DutySettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # The décret's bounds are the defaults; a Département keeps a row only where it departs from them.
    list_display = ["departement", "first_max_months", "repeated_max_months", "household_cap_rate", "answer_days"]
