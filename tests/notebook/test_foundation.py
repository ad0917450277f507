import datetime
import shutil

import pytest
from data_inclusion.schema.v1.thematiques import Categorie
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.models import SocioProfessionalData
from jalon.notebook.enums import FreinNature, FreinStatus
from jalon.notebook.models import FreinCategory, Notebook, NotebookFrein, Objective, RomeAppellation, RomeCode
from jalon.notebook.selectors import rome_appellation_search
from jalon.notebook.services import ROME_DATA_DIR, RomeSourceError, notebook_open, notebook_touch, rome_load
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db


def test_the_whole_rome_loads_and_reloads_in_place(tmp_path):
    assert rome_load() == {"codes": 532, "appellations": 11061}
    assert RomeCode.objects.get(code="K1302").label == "Assistance auprès d'adultes"
    # A newer release with the same columns updates labels in place.
    newer = tmp_path / "rome"
    shutil.copytree(ROME_DATA_DIR, newer)
    text = (newer / "rome.csv").read_text(encoding="utf-8")
    (newer / "rome.csv").write_text(
        text.replace("K1302;Assistance auprès d'adultes", "K1302;Assistance aux adultes"), encoding="utf-8"
    )
    rome_load(source_dir=newer)
    assert RomeCode.objects.count() == 532 and RomeAppellation.objects.count() == 11061
    assert RomeCode.objects.get(code="K1302").label == "Assistance aux adultes"
    assert AuditEvent.objects.filter(code=AuditCode.ROME_LOADED).count() == 2


def test_a_broken_rome_release_is_refused_whole(tmp_path):
    source = tmp_path / "rome"
    shutil.copytree(ROME_DATA_DIR, source)
    with (source / "appellations.csv").open("a", encoding="utf-8") as handle:
        handle.write("99999;Métier inconnu;Z9999\n")
    with pytest.raises(RomeSourceError, match="1 appellations renvoient à un code ROME absent"):
        rome_load(source_dir=source)
    (source / "rome.csv").write_text("code;intitule\nA1101;x\n", encoding="utf-8")
    with pytest.raises(RomeSourceError, match="colonnes manquantes : code_rome, libelle"):
        rome_load(source_dir=source)
    assert not RomeCode.objects.exists() and not RomeAppellation.objects.exists()


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
