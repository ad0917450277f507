from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.territories.models import Commune, Departement, Epci, Region, Territory


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Epci)
class EpciAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "departement", "epci", "population"]
    list_filter = ["departement"]
    list_select_related = ["departement", "epci"]
    search_fields = ["code", "name"]
    raw_id_fields = ["epci"]


@admin.register(Territory)
class TerritoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "departement", "updated_at"]
    list_filter = ["kind", "departement"]
    list_select_related = ["departement"]
    search_fields = ["name"]
    raw_id_fields = ["communes"]
