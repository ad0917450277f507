from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.notebook.models import AccompanimentRule, ContractType, FreinCategory


@admin.register(FreinCategory)
class FreinCategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "kind", "thematiques", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(ContractType)
class ContractTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "departement", "usual_months", "renewal_notice_days", "is_active"]
    list_filter = ["departement"]


@admin.register(AccompanimentRule)
class AccompanimentRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["dispositif", "max_weeks_between_contacts", "first_appointment_days"]
