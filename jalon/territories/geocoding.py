"""Geocoding of persons' and households' postal addresses with the Base Adresse Nationale (BAN).

The offer search measures distances from a person's address: `geocoded_point(person)` gives its coordinates, but
only while the address is the one they were computed from. `addresses_geocode` sends the addresses that changed
(or were never sent) to BAN's batch endpoint, `POST {JALON_GEOCODER_URL}/search/csv/` (the addok-csv protocol:
api-adresse.data.gouv.fr, or a Département's own addok server). Only the address line, postcode, city and the
commune's INSEE code leave Jalon, keyed by the row's database id: never a name.
"""

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from tqdm import tqdm

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record


# Coordinates at a house number, on a street or at a lieu-dit are precise enough for a distance in kilometres; a
# "municipality" result is the town hall and says nothing about where the person lives.
ACCEPTED_TYPES = frozenset({"housenumber", "street", "locality"})
DEFAULT_MIN_SCORE = 0.5
# (connect, read) in seconds: BAN answers a batch of 1 000 addresses in a few seconds, an overloaded one in minutes.
TIMEOUT = (10, 300)
GEOCODED_FIELDS = ["latitude", "longitude", "geocoded_address"]

# Columns of the CSV sent to BAN.
ID_COLUMN, ADDRESS_COLUMN, CITYCODE_COLUMN = "id", "adresse", "code_insee"


class GeocodingError(Exception):
    """The geocoder is unreachable or answered an error (message in French)."""


def address_text(obj) -> str:
    """The one-line address BAN is asked about, "" when there is none to place (no street address, or homeless).

    `obj` is a `Person` or a `Household`; select_related("commune") when calling it on many of them with no city.
    """
    if obj.homeless or not obj.address.strip():
        return ""
    city = obj.city.strip() or (obj.commune.name if obj.commune_id else "")
    # Whitespace normalised so that a re-import with other spacing is not a new address.
    return " ".join(" ".join((obj.address, obj.postal_code, city)).split())


def geocoded_point(obj) -> tuple[float, float] | None:
    """(latitude, longitude) of a person's or household's address, None when it is not known for the current one."""
    if obj.latitude is None or obj.longitude is None:
        return None
    text = address_text(obj)
    if not text or obj.geocoded_address != text:
        return None  # the address changed since it was geocoded: the old point would mislead
    return (obj.latitude, obj.longitude)


@dataclass(frozen=True)
class GeocodeQuery:
    key: str
    address: str
    citycode: str = ""  # the commune's INSEE code when known: BAN searches in that commune only


class BanGeocoder:
    """Client of the batch endpoint of BAN (or of any addok server with the addok-csv plugin)."""

    def __init__(self, base_url: str, *, min_score: float = DEFAULT_MIN_SCORE, timeout=TIMEOUT):
        self.url = base_url.rstrip("/") + "/search/csv/"
        self.min_score = min_score
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> "BanGeocoder | None":
        """None when geocoding is disabled (JALON_GEOCODER_URL empty)."""
        base_url = getattr(settings, "JALON_GEOCODER_URL", "")
        if not base_url:
            return None
        return cls(base_url, min_score=float(getattr(settings, "JALON_GEOCODER_MIN_SCORE", DEFAULT_MIN_SCORE)))

    def geocode(self, queries: Sequence[GeocodeQuery]) -> dict[str, tuple[float, float] | None]:
        """The accepted point of each query's key, None for the addresses BAN could not place well enough."""
        points: dict[str, tuple[float, float] | None] = {}
        # addok applies a filter column's value even when it is empty, which finds nothing: the rows without a
        # commune go in a request of their own, without the filter.
        with_commune = [query for query in queries if query.citycode]
        without_commune = [query for query in queries if not query.citycode]
        for group, filtered in ((with_commune, True), (without_commune, False)):
            if not group:
                continue
            rows = self._post(group, filtered=filtered)
            for query in group:
                row = rows.get(query.key)
                if row is None:
                    raise GeocodingError(f"Réponse du géocodeur incomplète : la ligne {query.key} manque.")
                points[query.key] = self._accepted(row, query)
        return points

    def _post(self, queries: Sequence[GeocodeQuery], *, filtered: bool) -> dict[str, dict[str, str]]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([ID_COLUMN, ADDRESS_COLUMN, CITYCODE_COLUMN])
        writer.writerows([query.key, query.address, query.citycode] for query in queries)
        fields = [("columns", ADDRESS_COLUMN), ("delimiter", ",")]
        if filtered:
            fields.append(("citycode", CITYCODE_COLUMN))
        try:
            response = requests.post(
                self.url,
                data=fields,
                files={"data": ("adresses.csv", buffer.getvalue().encode("utf-8"), "text/csv")},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise GeocodingError(f"Le géocodeur {self.url} n'a pas répondu à temps.") from exc
        except requests.RequestException as exc:
            raise GeocodingError(f"Géocodeur injoignable ({self.url}) : {exc}") from exc
        if response.status_code != 200:
            raise GeocodingError(
                f"Le géocodeur {self.url} a répondu une erreur HTTP {response.status_code} : "
                f"{response.text[:200].strip() or 'sans message'}"
            )
        reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        missing = {ID_COLUMN, "latitude", "longitude", "result_score", "result_type"} - set(reader.fieldnames or [])
        if missing:
            raise GeocodingError(
                f"Réponse du géocodeur illisible : colonnes manquantes ({', '.join(sorted(missing))})."
            )
        return {row[ID_COLUMN]: row for row in reader}

    def _accepted(self, row: dict[str, str], query: GeocodeQuery) -> tuple[float, float] | None:
        try:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
            score = float(row["result_score"])
        except (TypeError, ValueError):
            return None  # empty result columns: BAN found nothing
        if row["result_type"] not in ACCEPTED_TYPES or score < self.min_score:
            return None
        # BAN already filters on the commune; a self-hosted addok may not, and a point in another commune is wrong.
        if query.citycode and row.get("result_citycode", query.citycode) != query.citycode:
            return None
        return (latitude, longitude)


def addresses_geocode(
    queryset: QuerySet, *, geocoder: BanGeocoder, batch_size: int = 1000, limit: int | None = None, progress=False
) -> dict[str, int]:
    """Geocode the persons or households of `queryset` whose address changed or was never sent; return the counts.

    An address BAN cannot place is recorded without coordinates, so that it is not sent again until it changes.
    Coordinates of an address that no longer exists (emptied, or the person became homeless) are removed. Each batch
    is written in one transaction after BAN answered: a failed batch writes nothing and raises GeocodingError.
    """
    model = queryset.model
    pending: list[tuple[int, str, str]] = []
    stale: list[Model] = []
    rows = (
        queryset.select_related("commune")
        .only("pk", "address", "postal_code", "city", "homeless", "commune__name", *GEOCODED_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    for obj in rows:
        text = address_text(obj)
        if text and obj.geocoded_address != text:
            if limit is None or len(pending) < limit:
                pending.append((obj.pk, text, obj.commune_id or ""))
        elif not text and (obj.latitude is not None or obj.geocoded_address):
            stale.append(model(pk=obj.pk, latitude=None, longitude=None, geocoded_address=""))

    counts = {"sent": 0, "placed": 0, "not_placed": 0, "cleared": len(stale)}
    if stale:
        model.objects.bulk_update(stale, GEOCODED_FIELDS, batch_size=batch_size)
    written_batches = 0
    with tqdm(total=len(pending), desc="Géocodage", unit=" adresses", disable=not progress, file=sys.stderr) as bar:
        for batch in _chunks(pending, batch_size):
            queries = [GeocodeQuery(key=str(pk), address=text, citycode=citycode) for pk, text, citycode in batch]
            try:
                points = geocoder.geocode(queries)
            except GeocodingError as exc:
                _audit(model, geocoder, counts, interrupted=True)
                raise GeocodingError(
                    f"{exc} Ce lot n'a pas été enregistré ; {written_batches} lot(s) déjà enregistré(s) "
                    f"({counts['sent']} adresses) : relancer reprend où le géocodage s'est arrêté."
                ) from exc
            objs = []
            for pk, text, _citycode in batch:
                point = points[str(pk)]
                latitude, longitude = point if point else (None, None)
                objs.append(model(pk=pk, latitude=latitude, longitude=longitude, geocoded_address=text))
                counts["placed" if point else "not_placed"] += 1
            # bulk_update leaves updated_at alone: coordinates are derived data, not a change to the person's file.
            with transaction.atomic():
                model.objects.bulk_update(objs, GEOCODED_FIELDS, batch_size=batch_size)
            written_batches += 1
            counts["sent"] += len(batch)
            bar.update(len(batch))
    _audit(model, geocoder, counts, interrupted=False)
    return counts


def _audit(model, geocoder: "BanGeocoder", counts: dict[str, int], *, interrupted: bool) -> None:
    """One event per run and kind of file: addresses left Jalon for the geocoder (how many, where to), and the
    coordinates written."""
    if not (counts["sent"] or counts["cleared"] or interrupted):
        return
    audit_event_record(
        code=AuditCode.ADDRESSES_GEOCODED,
        actor_label="commande geocode_addresses",
        extra={
            "fichiers": str(model._meta.verbose_name_plural),
            "geocodeur": geocoder.url,
            **counts,
            "interrompu": interrupted,
        },
    )


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
