"""`load_commune_centres`: GeoNames points from the pinned npm package, official centres from a geo.api.gouv.fr
export, and the refusals of bad files."""

import json

import pytest
from django.core.management import CommandError, call_command

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.territories.enums import CentreSource
from jalon.territories.models import Commune


pytestmark = [pytest.mark.django_db, pytest.mark.cog_data]

# The Landes lie within these bounds (WGS 84), whatever the source of the points.
LANDES_LATITUDES = (43.45, 44.55)
LANDES_LONGITUDES = (-1.55, 0.15)


@pytest.fixture
def landes():
    call_command("load_cog", "--departements", "40", verbosity=0)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_geonames_points_of_the_pinned_package_fall_in_the_departement(landes):
    call_command("load_commune_centres", verbosity=0)
    placed = Commune.objects.in_departement("40").exclude(latitude=None)
    # The larger communes only: Dax, Mont-de-Marsan and a few dozen more; not every commune.
    assert 50 <= placed.count() < Commune.objects.in_departement("40").count()
    assert {"40088", "40192"} <= set(placed.values_list("code", flat=True))
    for latitude, longitude in placed.values_list("latitude", "longitude"):
        assert LANDES_LATITUDES[0] <= latitude <= LANDES_LATITUDES[1]
        assert LANDES_LONGITUDES[0] <= longitude <= LANDES_LONGITUDES[1]
    dax = Commune.objects.get(code="40088")
    assert dax.centre_source == CentreSource.GEONAMES
    assert abs(dax.latitude - 43.71) < 0.05 and abs(dax.longitude - -1.05) < 0.05
    event = AuditEvent.objects.get(code=AuditCode.COMMUNE_CENTRES_LOADED)
    assert event.data["placed"] == placed.count()


def test_an_ambiguous_name_gets_no_point(landes, tmp_path):
    cities = write(
        tmp_path,
        "cities.json",
        [
            {"name": "Dax", "lat": "43.7", "lng": "-1.05", "country": "FR", "admin1": "75", "admin2": "40"},
            {"name": "Tarnos", "lat": "43.54", "lng": "-1.46", "country": "FR", "admin1": "75", "admin2": "40"},
            {"name": "TARNOS", "lat": "43.60", "lng": "-1.40", "country": "FR", "admin1": "75", "admin2": "40"},
            # Same name in another département, or another country: not a Landes point.
            {"name": "Saint-Sever", "lat": "48.8", "lng": "-1.0", "country": "FR", "admin1": "28", "admin2": "14"},
            {"name": "Pontonx-sur-l'Adour", "lat": "1", "lng": "1", "country": "ES", "admin2": "40"},
        ],
    )
    call_command("load_commune_centres", "--geonames", str(cities), verbosity=0)
    assert list(Commune.objects.exclude(latitude=None).values_list("code", "latitude")) == [("40088", 43.7)]


def test_official_centres_replace_geonames_points_and_are_kept(landes, tmp_path):
    call_command("load_commune_centres", verbosity=0)
    export = write(
        tmp_path,
        "communes.json",
        [
            {"code": "40088", "centre": {"type": "Point", "coordinates": [-1.0681, 43.7007]}},
            {"code": "40001", "centre": {"type": "Point", "coordinates": [-0.4137, 43.7639]}},
            {"code": "99999", "centre": {"type": "Point", "coordinates": [2.0, 46.0]}},
        ],
    )
    call_command("load_commune_centres", "--geo-api", str(export), verbosity=0)
    dax, aire = Commune.objects.get(code="40088"), Commune.objects.get(code="40001")
    assert (dax.latitude, dax.longitude, dax.centre_source) == (43.7007, -1.0681, CentreSource.GEO_API)
    assert (aire.latitude, aire.centre_source) == (43.7639, CentreSource.GEO_API)
    assert not Commune.objects.filter(code="99999").exists()
    # A later GeoNames run fills the others but does not move an official centre.
    call_command("load_commune_centres", verbosity=0)
    assert Commune.objects.get(code="40088").latitude == 43.7007


def test_the_geojson_form_of_the_export_is_read(landes, tmp_path):
    export = write(
        tmp_path,
        "communes.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": "40192", "nom": "Mont-de-Marsan"},
                    "geometry": {"type": "Point", "coordinates": [-0.4876, 43.8935]},
                }
            ],
        },
    )
    call_command("load_commune_centres", "--geo-api", str(export), verbosity=0)
    assert Commune.objects.get(code="40192").latitude == 43.8935


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Fichier introuvable"),
        ("{pas du json", "Fichier illisible"),
        ('{"communes": []}', "Format inconnu"),
        ('[{"code": "40088", "centre": {"coordinates": ["a", "b"]}}]', "Aucun centre de commune lisible"),
    ],
)
def test_bad_export_is_refused_in_french_and_writes_nothing(landes, tmp_path, content, message):
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_commune_centres", "--geo-api", str(path), verbosity=0)
    assert not Commune.objects.exclude(latitude=None).exists()
    assert not AuditEvent.objects.filter(code=AuditCode.COMMUNE_CENTRES_LOADED).exists()
