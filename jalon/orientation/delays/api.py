"""The API of the delays area: the observatory's figures and the open alerts. Thin views over the selectors, with
the same roles and scoping as the screens."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api.permissions import departement_staff_permission, roles_permission
from jalon.orientation.delays import selectors
from jalon.orientation.delays.forms import FiguresFilterForm
from jalon.orientation.delays.views import ALERTS_ROLES, FIGURES_ROLES
from jalon.orientation.enums import DelayStep, OrientationType
from jalon.orientation.models import DelayAlert
from jalon.people.api import AuditedPersonListMixin


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.DateField()
    present = serializers.IntegerField()
    oriented = serializers.IntegerField()
    orientation_rate = serializers.FloatField(allow_null=True)
    reorientations = serializers.IntegerField()
    by_type = serializers.SerializerMethodField()
    by_dispositif = serializers.SerializerMethodField()
    sessions = serializers.IntegerField()
    professionals_per_session = serializers.FloatField(allow_null=True)
    mean_delay = serializers.FloatField(allow_null=True)
    median_delay = serializers.FloatField(allow_null=True)
    within_15_days = serializers.FloatField(allow_null=True)
    within_30_days = serializers.FloatField(allow_null=True)

    def get_by_type(self, month) -> dict[str, int]:
        return {value: month.by_type[value] for value in OrientationType.values}

    def get_by_dispositif(self, month) -> dict[str, int]:
        names = self.context["dispositifs"]
        return {names.get(pk, "—"): count for pk, count in month.by_dispositif.items() if count}


class ScopeFiguresSerializer(serializers.Serializer):
    name = serializers.CharField(source="label")
    territory_id = serializers.IntegerField(allow_null=True)
    months = MonthFiguresSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    scopes = ScopeFiguresSerializer(many=True)


class FiguresApi(APIView):
    """Chiffres de l'orientation pour l'observatoire, par territoire et par mois : présents, orientés, taux
    d'orientation, réorientations, répartition par type et dispositif, professionnels par séance, délais moyen et
    médian entre la demande du droit et la première orientation, parts orientées sous 15 et 30 jours. Le premier
    périmètre est l'ensemble (ou le territoire demandé), puis chaque territoire. Taux et parts entre 0 et 1."""

    permission_classes = [departement_staff_permission(*FIGURES_ROLES)]

    @extend_schema(
        tags=["orientation"],
        parameters=[
            OpenApiParameter("debut", str, description="premier jour (AAAA-MM-JJ), par défaut il y a 12 mois"),
            OpenApiParameter("fin", str, description="dernier jour (AAAA-MM-JJ), par défaut aujourd'hui"),
            OpenApiParameter("territoire", int, description="identifiant d'un territoire"),
        ],
        responses=FiguresSerializer,
    )
    def get(self, request):
        actor = request.actor
        form = FiguresFilterForm(
            request.query_params or None, territories=selectors.visible_territories(actor), today=timezone.localdate()
        )
        if form.is_bound and not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=status.HTTP_400_BAD_REQUEST)
        figures = selectors.orientation_figures(
            **form.selector_kwargs(
                departement_id=selectors.actor_departement_id(actor), limited_to_territories=bool(actor.territory_ids)
            )
        )
        return Response(FiguresSerializer(figures, context={"dispositifs": figures.dispositifs}).data)


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
