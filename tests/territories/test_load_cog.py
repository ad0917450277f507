"""`load_cog` against the real data of the pinned npm package (always installed by the project's make targets)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.territories.models import Commune, Departement, Epci, Region
from jalon.territories.services import cog_default_source_dir, cog_load


pytestmark = [pytest.mark.django_db, pytest.mark.cog_data]

DEPARTEMENTS = ("40", "64")


@pytest.fixture(scope="module")
def source():
    """The source files, read here independently of the code under test."""
    data_dir = cog_default_source_dir()
    assert (data_dir / "communes.json").is_file(), f"COG absent de {data_dir} : lancez `npm ci`"
    return {
        name: json.loads((data_dir / f"{name}.json").read_text())
        for name in ("regions", "departements", "epci", "communes")
    }


@pytest.fixture(scope="module")
def expected(source):
    communes = {
        dep: {
            row["code"]
            for row in source["communes"]
            if row["type"] == "commune-actuelle" and row["departement"] == dep
        }
        for dep in DEPARTEMENTS
    }
    loaded = communes["40"] | communes["64"]
    epci = {row["code"] for row in source["epci"] if any(member["code"] in loaded for member in row["membres"])}
    return {"communes": communes, "epci": epci}


def load(*args):
    call_command("load_cog", "--departements", *DEPARTEMENTS, *args, verbosity=0)


def test_counts_match_the_source_files(source, expected):
    load()
    assert Region.objects.count() == len(source["regions"]) >= 18
    assert Departement.objects.count() == len(source["departements"]) >= 101
    assert set(Departement.objects.values_list("code", flat=True)) >= {"2A", "2B", "40", "64", "971", "976"}
    for dep in DEPARTEMENTS:
        assert set(Commune.objects.in_departement(dep).values_list("code", flat=True)) == expected["communes"][dep]
    assert Commune.objects.count() == len(expected["communes"]["40"]) + len(expected["communes"]["64"])
    assert set(Epci.objects.values_list("code", flat=True)) == expected["epci"]


def test_known_communes():
    load()
    mont_de_marsan = Commune.objects.select_related("departement__region", "epci").get(code="40192")
    assert mont_de_marsan.name == "Mont-de-Marsan"
    assert mont_de_marsan.postal_codes == ["40000"]
    assert mont_de_marsan.epci is not None
    assert mont_de_marsan.epci.kind == "CA"
    assert mont_de_marsan.epci.population > mont_de_marsan.population > 20000
    assert mont_de_marsan.departement.name == "Landes"
    assert mont_de_marsan.departement.region.name == "Nouvelle-Aquitaine"
    pau = Commune.objects.get(code="64445")
    assert pau.name == "Pau"
    assert pau.departement_id == "64"
    assert pau.epci is not None
    # Only current communes: a commune déléguée never shows up.
    assert not Commune.objects.exclude(departement_id__in=DEPARTEMENTS).exists()


def test_every_loaded_epci_has_members_and_members_point_to_their_epci(source):
    load()
    membership = {member["code"]: row["code"] for row in source["epci"] for member in row["membres"]}
    for code, epci_id in Commune.objects.values_list("code", "epci_id"):
        assert epci_id == membership.get(code)
    assert not Epci.objects.filter(communes__isnull=True).exists()


def test_rerun_changes_nothing():
    load()
    before = {model: list(model.objects.order_by("pk").values()) for model in (Region, Departement, Epci, Commune)}
    counts = cog_load(source_dir=cog_default_source_dir(), departement_codes=DEPARTEMENTS)
    assert counts["created"] == {"regions": 0, "departements": 0, "epci": 0, "communes": 0}
    after = {model: list(model.objects.order_by("pk").values()) for model in (Region, Departement, Epci, Commune)}
    assert after == before


def test_rerun_repairs_modified_rows():
    load()
    Commune.objects.filter(code="40192").update(name="Mauvais nom", epci=None, postal_codes=[])
    load()
    commune = Commune.objects.get(code="40192")
    assert (commune.name, commune.postal_codes) == ("Mont-de-Marsan", ["40000"])
    assert commune.epci_id is not None


def test_an_audit_event_is_written_per_load(expected):
    load()
    load()
    events = AuditEvent.objects.with_code(AuditCode.COG_LOADED)
    assert events.count() == 2
    data = events.first().data
    assert data["departements"] == ["40", "64"]
    assert data["counts"]["communes"] == len(expected["communes"]["40"]) + len(expected["communes"]["64"])
    assert data["counts"]["epci"] == len(expected["epci"])


def test_missing_source_dir_is_a_french_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"Données COG introuvables dans .*npm ci"):
        call_command("load_cog", "--departements", "40", "--source", str(tmp_path / "absent"), verbosity=0)
    assert not Commune.objects.exists()
    assert not AuditEvent.objects.exists()


def test_unknown_departement_and_missing_scope_are_french_errors():
    with pytest.raises(CommandError, match="Département\\(s\\) inconnu\\(s\\) dans le COG : 99"):
        call_command("load_cog", "--departements", "99", verbosity=0)
    with pytest.raises(CommandError, match="Précisez les départements"):
        call_command("load_cog", verbosity=0)


def test_source_option_reads_another_folder(tmp_path):
    """A folder of the same format, here a two-commune extract."""
    rows = {
        "regions": [{"code": "75", "nom": "Nouvelle-Aquitaine"}],
        "departements": [{"code": "40", "region": "75", "nom": "Landes"}],
        "epci": [
            {
                "code": "244000675",
                "nom": "CA Mont de Marsan Agglomération",
                "type": "CA",
                "populationTotale": 55000,
                "membres": [{"code": "40192"}],
            }
        ],
        "communes": [
            {
                "code": "40192",
                "nom": "Mont-de-Marsan",
                "departement": "40",
                "type": "commune-actuelle",
                "codesPostaux": ["40000"],
                "population": 31000,
            },
            {"code": "40001", "nom": "Aire-sur-l'Adour", "departement": "40", "type": "commune-actuelle"},
            {"code": "40999", "nom": "Ancienne", "departement": "40", "type": "commune-deleguee"},
        ],
    }
    for name, content in rows.items():
        Path(tmp_path / f"{name}.json").write_text(json.dumps(content))
    call_command("load_cog", "--departements", "40", "--source", str(tmp_path), verbosity=0)
    assert set(Commune.objects.values_list("code", "epci_id", "population")) == {
        ("40192", "244000675", 31000),
        ("40001", None, None),
    }
    assert Commune.objects.get(code="40001").postal_codes == []


def test_command_prints_a_french_summary(capsys, expected):
    call_command("load_cog", "--departements", *DEPARTEMENTS)
    out = capsys.readouterr().out
    assert "Référentiel géographique chargé (départements 40, 64)" in out
    assert f"{len(expected['communes']['40']) + len(expected['communes']['64'])} communes" in out
