"""Distances between points (WGS 84), in Python and as SQL expressions that run on SQLite and PostgreSQL alike
(no trigonometric SQL function, no PostGIS: decision 0014)."""

import math
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, FloatField, Value
from django.db.models.expressions import Combinable


EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class Point:
    """A place distances are measured from, and what it is, in French after « à 3 km » (« de l'adresse de la
    personne », « du centre de Dax »)."""

    latitude: float
    longitude: float
    label: str


def haversine_km(latitude1: float, longitude1: float, latitude2: float, longitude2: float) -> float:
    """The great-circle distance, for what is shown."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(longitude2 - longitude1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def squared_degrees_expression(origin: Point, latitude: Combinable, longitude: Combinable) -> ExpressionWrapper:
    """The squared distance to `origin` in "degrees of latitude", on the plane tangent at the origin (longitudes
    shrunk by cos(latitude)): plain arithmetic SQL, to filter and sort by. Within 100 km of the origin it differs from
    the great-circle distance by less than 0.5 %."""
    shrink = math.cos(math.radians(origin.latitude)) ** 2
    dlat = latitude - Value(origin.latitude)
    dlon = longitude - Value(origin.longitude)
    return ExpressionWrapper(dlat * dlat + Value(shrink) * dlon * dlon, output_field=FloatField())


def squared_degrees(km: float) -> float:
    """`km` in the unit of `squared_degrees_expression`."""
    return (km / KM_PER_DEGREE) ** 2
