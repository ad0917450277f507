from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person, RsaRight


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_date", "departement", "internal_id"]
    search_fields = ["normalized_last_name", "normalized_first_name", "internal_id"]
    list_filter = ["departement"]
    raw_id_fields = ["commune", "merged_into"]
    readonly_fields = ["nir_hash"]


@admin.register(Household)
class HouseholdAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["matricule", "organisme", "organisme_code", "departement", "homeless"]
    search_fields = ["matricule"]
    raw_id_fields = ["commune"]


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "person", "role", "subject_to_rights_and_duties", "joined_on", "left_on"]
    raw_id_fields = ["household", "person"]


@admin.register(RsaRight)
class RsaRightAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["household", "state", "request_date", "closure_date"]
    list_filter = ["state"]
    raw_id_fields = ["household"]


@admin.register(ChangeEvent)
class ChangeEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "household", "person", "import_run_id", "source_line"]
    list_filter = ["kind"]
    raw_id_fields = ["household", "person", "actor"]

    # History is written by imports and services only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
