from django.contrib import admin

from jalon.employers.models import Employer, EmployerGroup


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "naf_code", "commune", "departement"]
    list_filter = ["departement"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["commune", "created_by", "organisation"]


@admin.register(EmployerGroup)
class EmployerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "departement", "created_on", "dissolved_on"]
    raw_id_fields = ["commune", "members", "animated_by"]
