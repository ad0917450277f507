from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.offer.models import FundingLabel, Service, Structure


@admin.register(FundingLabel)
class FundingLabelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "departement"]
    list_filter = ["departement"]
    search_fields = ["label", "code"]


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name", "status", "last_confirmed_on"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@admin.register(Structure)
class StructureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "source", "source_id", "commune_name", "departement", "organisation", "updated_on"]
    list_filter = ["source", "departement"]
    search_fields = ["name", "source_id", "siret"]
    raw_id_fields = ["organisation"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "structure", "source", "status", "updated_on", "last_confirmed_on"]
    list_filter = ["status", "source", "departement", "funding_labels"]
    search_fields = ["name", "source_id", "structure__name"]
    raw_id_fields = ["structure"]
    filter_horizontal = ["funding_labels", "target_freins"]
