import datetime
import gzip
import io
import zipfile

import pytest
from data_inclusion.schema.v1.thematiques import Categorie
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.models import SocioProfessionalData
from jalon.notebook.enums import FreinNature, FreinStatus
from jalon.notebook.models import (
    FreinCategory,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    RomeAppellation,
    RomeCode,
)
from jalon.notebook.rome_source import RomeSourceError
from jalon.notebook.selectors import rome_appellation_search
from jalon.notebook.services import notebook_open, notebook_touch, rome_load
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db


CODE_HEADER = (
    "code_rome,code_fiche_metier,code_ogr,libelle_rome,transition_eco,transition_num,transition_demo,"
    "emploi_reglemente,emploi_cadre,code_rome_parent"
)
TITLE_HEADER = (
    "code_ogr,libelle_appellation_long,libelle_appellation_court,code_rome,transition_eco,transition_num,"
    "transition_demo,emploi_reglemente,emploi_cadre,classification,origine,code_rome_parent,peu_usite"
)


def official_files(version, codes, titles):
    """The two CSV files of an official ROME 4.0 release (France Travail's RefRomeCsv layout, all values quoted):
    `codes` as (code, label, parent), `titles` as (OGR code, label, fiche code, its ROME code)."""
    code_rows = [CODE_HEADER] + [
        f'"{code}","1","{n}","{label}","Emploi Blanc","","","","","{parent}"'
        for n, (code, label, parent) in enumerate(codes)
    ]
    title_rows = [TITLE_HEADER] + [
        f'"{ogr}","{label}","{label[:20]}","{fiche}","Emploi Blanc","","","","","SYNONYME","","{parent}","N"'
        for ogr, label, fiche, parent in titles
    ]
    return {
        f"unix_referentiel_code_rome_{version}_utf8.csv": "\n".join(code_rows) + "\n",
        f"unix_referentiel_appellation_{version}_utf8.csv": "\n".join(title_rows) + "\n",
    }


def write_release(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def zip_release(path, files, *, folder="RefRomeCsv/"):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
        archive.writestr(folder + "unix_arborescence_principale_v470_utf8.csv", "code_noeud,libelle\n")
    return path


RELEASE = official_files(
    "v470",
    codes=[
        ("J1501", "Aide-soignant / Aide-soignante", "J1501"),
        ("M1805", "Développeur / Développeuse informatique", "M1805"),
        ("M1811", "Data engineer", "M1805"),  # an emploi-métier fiche under M1805
    ],
    titles=[
        ("10891", "Aide-soignant / Aide-soignante", "J1501", "J1501"),
        ("38971", "Développeur / Développeuse web", "M1805", "M1805"),
        ("520000", "Ingénieur / Ingénieure data", "M1811", "M1805"),
    ],
)


def test_the_shipped_release_is_rome_4_with_its_current_labels():
    counts = rome_load()
    assert counts == {
        "version": "v460",
        "codes": 532,
        "appellations": 13120,
        "codes_retires": 0,
        "appellations_retirees": 0,
    }
    # ROME 4.0 titles, no longer the ROME 3 ones (« Assistance auprès d'adultes »).
    assert RomeCode.objects.get(code="K1302").label == "Assistant / Assistante de vie dépendance"
    # An appellation of an emploi-métier fiche (G1216) is attached to its ROME code.
    assert RomeAppellation.objects.get(code="10206").rome_id == "G1201"
    assert RomeAppellation.objects.get(code="10891").rome_id == "J1501"
    rome_load()
    assert RomeCode.objects.count() == 532 and RomeAppellation.objects.count() == 13120
    assert AuditEvent.objects.filter(code=AuditCode.ROME_LOADED).count() == 2


@pytest.mark.parametrize("shape", ["zip", "folder", "gzipped folder"])
def test_the_official_open_data_release_loads_from_its_zip_or_its_csv_files(tmp_path, shape):
    if shape == "zip":
        source = zip_release(tmp_path / "RefRomeCsv.zip", RELEASE)
    else:
        source = write_release(tmp_path / "RefRomeCsv", RELEASE)
        if shape == "gzipped folder":
            for path in list(source.iterdir()):
                (source / f"{path.name}.gz").write_bytes(gzip.compress(path.read_bytes()))
                path.unlink()

    counts = rome_load(source=source)

    assert (counts["version"], counts["codes"], counts["appellations"]) == ("v470", 2, 3)
    assert dict(RomeCode.objects.values_list("code", "label")) == {
        "J1501": "Aide-soignant / Aide-soignante",
        "M1805": "Développeur / Développeuse informatique",
    }
    assert RomeAppellation.objects.get(code="520000").rome_id == "M1805"
    assert AuditEvent.objects.get(code=AuditCode.ROME_LOADED).data["version"] == "v470"


def test_a_new_release_keeps_what_carnets_name_and_retires_what_disappeared(tmp_path):
    # The release Jalon shipped before, in its two-file form: ROME 3 titles.
    old = tmp_path / "old"
    old.mkdir()
    (old / "rome.csv").write_text(
        "code_rome;libelle\nJ1501;Soins d'hygiène, de confort du patient\nM1805;Études et développement informatique\n"
        "K2111;Formation professionnelle\n",
        encoding="utf-8",
    )
    (old / "appellations.csv").write_text(
        "code_ogr_appellation;libelle;code_rome\n10891;Aide-soignant / Aide-soignante;J1501\n"
        "38971;Développeur / Développeuse web;M1805\n11111;Analyste-programmeur / Analyste-programmeuse;M1805\n"
        "22222;Formateur / Formatrice;K2111\n",
        encoding="utf-8",
    )
    rome_load(source=old)
    notebook = Notebook.objects.create(person=PersonFactory())
    kept = ProfessionalProject.objects.create(notebook=notebook, appellation_id="10891", rome_id="J1501")
    retired = ProfessionalProject.objects.create(notebook=notebook, appellation_id="11111", rome_id="M1805")
    gone = ProfessionalProject.objects.create(notebook=notebook, appellation_id="22222", rome_id="K2111")

    counts = rome_load(source=zip_release(tmp_path / "RefRomeCsv.zip", RELEASE))

    assert (counts["codes_retires"], counts["appellations_retirees"]) == (1, 2)
    for project in (kept, retired, gone):
        project.refresh_from_db()  # every carnet still names its job
    assert kept.rome.label == "Aide-soignant / Aide-soignante" and kept.rome.active
    assert (retired.appellation.label, retired.appellation.active) == (
        "Analyste-programmeur / Analyste-programmeuse",
        False,
    )
    assert not gone.appellation.active and not gone.rome.active
    # A retired title is no longer proposed; a current one is.
    assert [a.code for a in rome_appellation_search(query="analyste programmeur")] == []
    assert [a.code for a in rome_appellation_search(query="developpeur web")] == ["38971"]
    # It comes back if a later release has it again.
    rome_load(source=old)
    assert RomeAppellation.objects.get(code="11111").active


def test_a_broken_release_is_refused_whole(tmp_path):
    def refused(files, match):
        with pytest.raises(RomeSourceError, match=match):
            rome_load(source=write_release(tmp_path / f"case{len(list(tmp_path.iterdir()))}", files))

    orphan = official_files("v470", [("J1501", "Aide-soignant", "J1501")], [("1", "Métier inconnu", "Z9999", "Z9999")])
    refused(orphan, "1 appellations renvoient à un code ROME absent")
    missing = dict(RELEASE)
    missing["unix_referentiel_code_rome_v470_utf8.csv"] = "code_rome,intitule\nA1101,x\n"
    refused(missing, "colonnes manquantes : libelle_rome")
    mixed = {name.replace("appellation_v470", "appellation_v460"): text for name, text in RELEASE.items()}
    refused(mixed, "pas de la même version du ROME : v460, v470")
    alone = {name: text for name, text in RELEASE.items() if "appellation" in name}
    refused(alone, "unix_referentiel_code_rome_vNNN_utf8.csv manquant")
    refused({"notes.txt": "rien"}, "ni unix_referentiel_code_rome_vNNN_utf8.csv")
    with pytest.raises(RomeSourceError, match="ni un dossier ni une archive zip"):
        rome_load(source=write_release(tmp_path / "text", {"a.csv": "x"}) / "a.csv")
    assert not RomeCode.objects.exists() and not RomeAppellation.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.ROME_LOADED).exists()


def test_load_rome_command_takes_the_official_zip(tmp_path):
    out = io.StringIO()
    call_command("load_rome", "--source", str(zip_release(tmp_path / "RefRomeCsv.zip", RELEASE)), stdout=out)
    assert out.getvalue().strip() == "ROME v470 : 2 codes, 3 appellations."
    with pytest.raises(CommandError, match="ni un dossier ni une archive zip"):
        call_command("load_rome", "--source", str(tmp_path / "absent.zip"))


def test_job_titles_are_found_as_you_type_without_accents_or_case():
    rome_load()
    found = [a.label for a in rome_appellation_search(query="aide soignant")]
    assert "Aide-soignant / Aide-soignante" in found
    assert all("soignant" in label.lower() for label in found)
    assert [a.label for a in rome_appellation_search(query="ÉLAGUEUR")] == [
        a.label for a in rome_appellation_search(query="elagueur")
    ]
    assert list(rome_appellation_search(query="a")) == []


def test_the_freins_referentiel_maps_every_entry_to_real_data_inclusion_thematiques():
    codes = {categorie.value for categorie in Categorie}
    freins = list(FreinCategory.objects.all())
    assert {f.code for f in freins} >= {"mobilite", "sante", "logement", "numerique", "emploi", "formation"}
    for frein in freins:
        assert frein.thematiques, frein.code
        assert set(frein.thematiques) <= codes, frein.code


def test_a_new_carnet_starts_from_the_freins_the_person_declared():
    referent = MembershipFactory(role=Role.REFERENT)
    person = PersonFactory()
    SocioProfessionalData.objects.create(
        person=person, declared_obstacles=["mobilite", "contraintes_familiales"], filled_on=datetime.date(2026, 9, 3)
    )
    notebook = notebook_open(actor=actor_for(referent), person=person)
    freins = {f.category.code: f for f in notebook.freins.select_related("category")}
    assert set(freins) == {"mobilite", "contraintes_familiales"}
    assert freins["mobilite"].status == FreinStatus.NEED and freins["mobilite"].nature == FreinNature.SUBJECTIVE
    assert freins["mobilite"].identified_on == datetime.date(2026, 9, 3)
    assert notebook_open(actor=actor_for(referent), person=person) == notebook
    assert NotebookFrein.objects.count() == 2
    assert AuditEvent.objects.filter(code=AuditCode.NOTEBOOK_CREATED, person_id=person.pk).count() == 1


def test_two_edits_on_the_same_version_cannot_both_land():
    notebook = Notebook.objects.create(person=PersonFactory())
    mine, theirs = Notebook.objects.get(pk=notebook.pk), Notebook.objects.get(pk=notebook.pk)
    notebook_touch(notebook=mine, expected_version=mine.version)
    with pytest.raises(ValidationError, match="modifié par quelqu'un d'autre"):
        notebook_touch(notebook=theirs, expected_version=theirs.version)
    assert Notebook.objects.get(pk=notebook.pk).version == 2


def test_dates_in_the_wrong_order_are_refused_by_the_database():
    notebook = Notebook.objects.create(person=PersonFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(
            notebook=notebook, title="Permis B", starts_on=datetime.date(2026, 12, 1), due_on=datetime.date(2026, 1, 1)
        )
