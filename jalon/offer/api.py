"""The directory's public API: published structures and services in the data·inclusion schema v1 shape (the
records of `exporter.py`, the same the export writes), with the search's filters. Published offer is open data:
no authentication is needed (the project's throttling still applies, by IP for anonymous callers)."""

from typing import Any

from data_inclusion.schema import v1
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from jalon.offer.directory import selectors
from jalon.offer.exporter import service_record, structure_record
from jalon.offer.mapping import LIST_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS
from jalon.offer.models import FundingLabel, Service, Structure
from jalon.offer.referentials import codes


TAGS = ["offre d'insertion"]

_FLOATS = {"latitude", "longitude", "volume_horaire_hebdomadaire"}
_INTEGERS = {"nombre_semaines"}


def _schema_field(model: Any, name: str) -> serializers.Field:
    """One field of a data·inclusion record, for the OpenAPI description (the values come from the exporter).
    Null where the official model allows it (a structure's description may be missing; a service's may not)."""
    options: dict[str, Any] = {"read_only": True}
    if not model.model_fields[name].is_required():
        options["allow_null"] = True
    if name in LIST_FIELDS:
        return serializers.ListField(child=serializers.CharField(), **options)
    if name in _FLOATS:
        return serializers.FloatField(**options)
    if name in _INTEGERS:
        return serializers.IntegerField(**options)
    if name == "date_maj":
        return serializers.DateField(**options)
    return serializers.CharField(**options)


class _RecordSerializer(serializers.Serializer):
    def to_representation(self, instance):
        raise NotImplementedError


class StructureRecordSerializer(_RecordSerializer):
    """Une structure au format data·inclusion v1."""

    def get_fields(self):
        return {name: _schema_field(v1.Structure, name) for name in STRUCTURE_FIELDS}

    def to_representation(self, instance):
        return structure_record(instance)


class ServiceRecordSerializer(_RecordSerializer):
    """Un service au format data·inclusion v1."""

    def get_fields(self):
        return {name: _schema_field(v1.Service, name) for name in [*SERVICE_FIELDS, "structure_id"]}

    def to_representation(self, instance):
        return service_record(instance)


class _PublicListApi(ListAPIView):
    permission_classes = [AllowAny]

    @classmethod
    def as_view(cls, **initkwargs):
        # Open data: the login-required middleware lets anonymous callers in.
        return login_not_required(super().as_view(**initkwargs))


@extend_schema(tags=TAGS)
class StructureListApi(_PublicListApi):
    """Structures ayant au moins un service publié, au format data·inclusion v1."""

    serializer_class = StructureRecordSerializer

    def get_queryset(self):
        published = Service.objects.published().filter(structure=OuterRef("pk"))
        return Structure.objects.filter(Exists(published)).order_by("source", "source_id")


# The search's criteria named as the API's parameters, for its errors.
API_PARAMETERS = {"kind": "type", "distance": "distance_max", "sort": "tri"}


@extend_schema(
    tags=TAGS,
    parameters=[
        OpenApiParameter("commune", str, description="code INSEE de la commune de la personne (éligibilité)"),
        OpenApiParameter(
            "thematique",
            str,
            many=True,
            description="code de thématique ou de catégorie data·inclusion (répétable)",
        ),
        OpenApiParameter("public", str, enum=sorted(codes("publics"))),
        OpenApiParameter("type", str, enum=sorted(codes("types"))),
        OpenApiParameter("label", str, description="code d'un label de financement"),
        OpenApiParameter("q", str, description="mots-clés (sans tenir compte des accents)"),
        OpenApiParameter(
            "distance_max",
            int,
            enum=list(selectors.DISTANCES_KM),
            description="en km du centre de la commune, services en présentiel (ceux à distance restent)",
        ),
        OpenApiParameter(
            "tri", str, enum=[selectors.SORT_BY_DISTANCE], description="« distance » : les plus proches d'abord"
        ),
    ],
)
class ServiceListApi(_PublicListApi):
    """Services publiés, au format data·inclusion v1, filtrés comme la recherche des professionnels (éligibilité
    par commune, EPCI, département ou national ; thématique ; public ; type ; label ; mots-clés), les plus
    pertinents d'abord."""

    serializer_class = ServiceRecordSerializer

    def _criteria(self) -> selectors.SearchCriteria:
        params = self.request.query_params
        try:
            commune = selectors.commune_find(params["commune"]) if params.get("commune") else None
        except ValidationError as error:
            raise ApiValidationError({"commune": error.messages}) from error
        funding_label = None
        if code := params.get("label"):
            funding_label = FundingLabel.objects.filter(code=code).order_by("departement_id").first()
            if funding_label is None:
                raise ApiValidationError({"label": [f"Label de financement inconnu : {code}."]})
        criteria = selectors.SearchCriteria(
            commune=commune,
            thematiques=tuple(params.getlist("thematique")),
            public=params.get("public", ""),
            kind=params.get("type", ""),
            funding_label=funding_label,
            text=params.get("q", ""),
            origin=selectors.search_origin(commune),
            max_km=self._max_km(params.get("distance_max")),
            sort=params.get("tri", ""),
        )
        if criteria.sort not in ("", selectors.SORT_BY_DISTANCE):
            raise ApiValidationError({"tri": [f"Tri inconnu : {criteria.sort} (seul « distance » existe)."]})
        try:
            selectors.criteria_check(criteria)
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"thematique": error.messages}
            raise ApiValidationError({API_PARAMETERS.get(key, key): value for key, value in detail.items()}) from error
        return criteria

    @staticmethod
    def _max_km(value: str | None) -> int | None:
        if not value:
            return None
        if not value.isdigit() or int(value) not in selectors.DISTANCES_KM:
            choices = ", ".join(str(km) for km in selectors.DISTANCES_KM)
            raise ApiValidationError({"distance_max": [f"Distance inconnue : {value} (au choix : {choices})."]})
        return int(value)

    def get_queryset(self):
        return selectors.services_matching(self._criteria()).select_related("structure")
