from rest_framework import generics, serializers

from jalon.territories.models import Commune


class CommuneListApi(generics.ListAPIView):
    """Communes of the official geography (COG), searchable by name, INSEE code or postal code."""

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
