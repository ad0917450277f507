"""The API of the delays area: the observatory's figures and the open alerts. Thin views over the selectors, with
the same roles and scoping as the screens."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from jalon.api.permissions import roles_permission
from jalon.orientation.delays import selectors
from jalon.orientation.delays.views import ALERTS_ROLES
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert
from jalon.people.api import AuditedPersonListMixin


class AlertSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__")
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    recipient = serializers.CharField(source="recipient.get_full_name", allow_null=True, default=None)

    class Meta:
        model = DelayAlert
        fields = ["id", "person", "person_name", "step", "due_on", "raised_on", "organisation", "recipient"]


@extend_schema(
    tags=["orientation"],
    parameters=[
        OpenApiParameter("etape", str, enum=DelayStep.values, required=False),
        OpenApiParameter("destinataire", str, enum=["structure", "moi"], required=False),
    ],
)
class AlertsApi(AuditedPersonListMixin, ListAPIView):
    """Alertes de délai ouvertes : celles adressées à l'utilisateur (référent), à sa structure (chargé
    d'orientation), ou toutes celles des personnes qu'il voit (encadrement du Département)."""

    permission_classes = [roles_permission(*ALERTS_ROLES)]
    serializer_class = AlertSerializer
    audit_screen = "api alertes de délai"
    audit_person_field = "person_id"

    def get_queryset(self):
        params = self.request.query_params
        step = params.get("etape", "")
        scope = params.get("destinataire", "")
        return selectors.alerts_for(
            actor=self.request.actor,  # type: ignore[attr-defined]
            step=step if step in DelayStep.values else "",
            scope=scope if scope in ("structure", "moi") else "",
        )
