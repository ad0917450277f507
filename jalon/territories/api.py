from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from jalon.territories.models import Commune


@extend_schema(
    tags=["territoires"],
    parameters=[
        OpenApiParameter(
            "q", str, description="Une partie du nom ; ou des chiffres : début du code INSEE, ou code postal."
        ),
        OpenApiParameter("departement", str, description="Code du département (40, 2A…)."),
    ],
)
class CommuneListApi(generics.ListAPIView):
    """Les communes du code officiel géographique (COG), par nom, code INSEE ou code postal."""

    class CommuneSerializer(serializers.ModelSerializer):
        class Meta:
            model = Commune
            fields = ["code", "name", "departement", "epci", "postal_codes", "population"]

    serializer_class = CommuneSerializer

    def get_queryset(self):
        qs = Commune.objects.all()
        if departement := self.request.query_params.get("departement"):
            qs = qs.in_departement(departement)
        return qs.search(self.request.query_params.get("q", "").strip()).order_by("name", "code")
