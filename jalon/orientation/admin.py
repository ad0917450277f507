from django.contrib import admin

from jalon.core.admin import AuditedAdminMixin
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment


@admin.register(Dispositif)
class DispositifAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "orientation_type", "departement", "is_active"]
    list_filter = ["departement", "orientation_type", "is_active"]
    filter_horizontal = ["organisations"]


@admin.register(Orientation)
class OrientationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "orientation_type", "organisation", "referent", "decided_on", "ended_on"]
    list_filter = ["orientation_type"]
    raw_id_fields = ["person", "organisation", "referent", "decided_by", "dispositif"]


@admin.register(ReferentAssignment)
class ReferentAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "referent", "organisation", "started_on", "ended_on"]
    raw_id_fields = ["person", "referent", "organisation", "assigned_by"]
