"""The observatory's API: the orientation figures (read through the indicator engine)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api.permissions import departement_staff_permission
from jalon.observatory.figures import orientation_figures
from jalon.orientation.delays.forms import FiguresFilterForm
from jalon.orientation.delays.selectors import actor_departement_id, visible_territories
from jalon.orientation.delays.views import FIGURES_ROLES
from jalon.orientation.enums import OrientationType


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
    first_orientations = serializers.IntegerField()
    within_15_days = serializers.FloatField(allow_null=True)
    within_30_days = serializers.FloatField(allow_null=True)

    def get_by_type(self, month) -> dict[str, int]:
        return {value: month.by_type.get(value, 0) for value in OrientationType.values}

    def get_by_dispositif(self, month) -> dict[str, int]:
        return {name: count for name, count in month.by_dispositif.items() if count}


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
    d'orientation, réorientations, répartition par type et dispositif, professionnels par séance, délai moyen
    entre la demande du droit et la première orientation, parts orientées sous 15 et 30 jours. Le premier
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
            request.query_params or None, territories=visible_territories(actor), today=timezone.localdate()
        )
        if form.is_bound and not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=status.HTTP_400_BAD_REQUEST)
        result = orientation_figures(
            **form.selector_kwargs(
                departement_id=actor_departement_id(actor), limited_to_territories=bool(actor.territory_ids)
            )
        )
        return Response(FiguresSerializer(result).data)
