from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.offer.directory.services import service_search_columns_set, structure_services_search_refresh
from jalon.offer.models import FundingLabel, Measure, PlateauTechnique, Service, Structure


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            structure_services_search_refresh(structure=obj)


@admin.register(Service)
class ServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "structure", "source", "status", "updated_on", "last_confirmed_on"]
    list_filter = ["status", "source", "departement", "funding_labels"]
    search_fields = ["name", "source_id", "structure__name"]
    raw_id_fields = ["structure", "plateau"]
    filter_horizontal = ["funding_labels", "target_freins"]

    def save_model(self, request, obj, form, change):
        service_search_columns_set(obj)
        super().save_model(request, obj, form, change)


class ModuleInline(ServiceInline):
    fk_name = "plateau"
    verbose_name = "module"
    verbose_name_plural = "modules (services rattachés au plateau depuis leur fiche)"


@admin.register(PlateauTechnique)
class PlateauTechniqueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "departement", "territory", "path_step", "lead_structure", "starts_on", "ends_on"]
    list_filter = ["departement", "path_step"]
    search_fields = ["name", "contract_lot", "lead_structure__name"]
    # Raw ids: the directory holds the national offer (140 000 services), too many for a list.
    raw_id_fields = ["lead_structure", "co_contractors"]
    inlines = [ModuleInline]


@admin.register(Measure)
class MeasureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only here: measures are recorded from the person's carnet, audited with the person."""

    list_display = ["person", "kind", "starts_on", "ends_on", "organisation"]
    list_filter = ["kind", "siae_kind"]
    raw_id_fields = ["notebook", "person", "referral", "structure", "recorded_by", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
