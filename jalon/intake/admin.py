from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.intake.models import DuplicateCandidate, ImportRun, RejectedRow, SocioProfessionalData


class RejectedRowInline(admin.TabularInline):
    model = RejectedRow
    extra = 0
    can_delete = False
    readonly_fields = ["line", "identifier", "reason"]


@admin.register(ImportRun)
class ImportRunAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "file_name", "departement", "created_at", "rejected"]
    list_filter = ["kind", "status"]
    inlines = [RejectedRowInline]
    readonly_fields = [field.name for field in ImportRun._meta.fields]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "other", "score", "status"]
    list_filter = ["status"]
    raw_id_fields = ["person", "other", "found_by_run", "reviewed_by"]


@admin.register(SocioProfessionalData)
class SocioProfessionalDataAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "professional_situation", "education_level", "filled_on"]
    raw_id_fields = ["person", "filled_by"]
