"""Spreadsheet import of beneficiary lists, end to end: upload, column mapping, preview, confirmation; matching,
events, rejected rows, re-import, scoping and audit."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake import services
from jalon.intake.demo import IODAS_PROFILE_NAME, spreadsheet_demo_profile
from jalon.intake.enums import ImportKind, ImportStatus
from jalon.intake.models import DuplicateCandidate, ImportProfile, ImportRun, RejectedRow
from jalon.people.crypto import nir_hash
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

HEADER = [
    "Code individu Iodas",
    "N° CAF",
    "Rôle",
    "Civilité",
    "Nom",
    "Nom JF",
    "Prénom",
    "Date de naissance",
    "NIR",
    "Téléphone",
    "Email",
    "Adresse",
    "Code postal",
    "Ville",
]
MAPPING = {
    "internal_id": "Code individu Iodas",
    "matricule": "N° CAF",
    "role": "Rôle",
    "civility": "Civilité",
    "last_name": "Nom",
    "birth_name": "Nom JF",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "nir": "NIR",
    "phone": "Téléphone",
    "email": "Email",
    "address": "Adresse",
    "postal_code": "Code postal",
    "city": "Ville",
}
OPTIONS = {"mapping": MAPPING, "date_format": "%d/%m/%Y", "organisme": "CAF"}


def row(last_name, first_name, birth_date, **values) -> dict:
    return {"Nom": last_name, "Prénom": first_name, "Date de naissance": birth_date, **values}


def csv_upload(rows: list[dict], name="liste.csv", header=HEADER) -> SimpleUploadedFile:
    lines = [";".join(header)] + [";".join(values.get(column, "") for column in header) for values in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


@pytest.fixture
def landes():
    departement = DepartementFactory()
    CommuneFactory(code="40192", name="Mont-de-Marsan", departement=departement, postal_codes=["40000"])
    CommuneFactory(code="40088", name="Dax", departement=departement, postal_codes=["40100"])
    return departement


@pytest.fixture
def admin(landes):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def known(landes):
    """The persons the Département already knows, one per matching criterion."""
    marie = PersonFactory(
        departement=landes,
        nir="2850540192123",
        last_name="DUPONT",
        first_name="Marie",
        birth_date=datetime.date(1985, 5, 6),
    )
    paul = PersonFactory(
        departement=landes,
        internal_id="IOD-42",
        last_name="MARTIN",
        first_name="Paul",
        birth_date=datetime.date(1970, 1, 1),
        phone="05 58 00 00 00",
    )
    julie = PersonFactory(
        departement=landes, last_name="LEROY", first_name="Julie", birth_date=datetime.date(1990, 3, 4)
    )
    household = HouseholdFactory(departement=landes, matricule="1234567", organisme_code="401")
    HouseholdMemberFactory(household=household, person=julie, role="")
    luc = PersonFactory(
        departement=landes, last_name="BERNARD", first_name="Luc", birth_date=datetime.date(1980, 7, 8)
    )
    anne = PersonFactory(
        departement=landes, last_name="PETITJEAN", first_name="Anne", birth_date=datetime.date(1975, 9, 10)
    )
    return {"marie": marie, "paul": paul, "julie": julie, "luc": luc, "anne": anne, "household": household}


# The list of the tests: line numbers are those of the file (the header is line 1).
ROWS = [
    # 2: Marie, found by her NIR; her new last name and her phone are taken.
    row("DUPONT-MARTIN", "Marie", "06/05/1985", NIR="285054019212307", Téléphone="0612345678", Nom_JF=""),
    # 3: Paul, found by his IODAS identifier; his NIR is filled, his phone kept.
    row(
        "Martin",
        "Paul",
        "01/01/1970",
        **{"Code individu Iodas": "IOD-42", "NIR": "1700140088123"},
        Téléphone="0611223344",
    ),
    # 4: Julie, found as the member of household 1234567 born that day (the name differs).
    row("LEROY-BLANC", "Julie", "04/03/1990", **{"N° CAF": "1234567", "Rôle": "CJT"}),
    # 5: Luc, found by birth date, first name and the same name once normalised.
    row("Bernard", "Luc", "08/07/1980"),
    # 6: Anne PETITJAN: a close name, so a new person and a duplicate candidate.
    row("PETITJAN", "Anne", "10/09/1975"),
    # 7: a new person, with a new household.
    row(
        "NOUVEAU",
        "Jean",
        "02/02/1992",
        **{"N° CAF": "7654321", "Rôle": "demandeur", "Adresse": "1 rue du Port", "Code postal": "40100"},
        Ville="Dax",
        Email="Jean.Nouveau@exemple.fr",
    ),
    # 8: impossible date.
    row("DURAND", "Léa", "31/02/1980"),
    # 9: no first name and a bad e-mail.
    row("DURAND", "", "01/01/1980", Email="lea@"),
    # 10: Marie again (same NIR as line 2).
    row("DUPONT", "Marie", "06/05/1985", NIR="2850540192123"),
    # 11: the conjoint of line 7, in the same new household.
    row("NOUVEAU", "Jeanne", "03/03/1993", **{"N° CAF": "7654321", "Rôle": "CJT"}),
]


def _row_fix(values: dict) -> dict:
    # Python names cannot hold spaces: Nom_JF is "Nom JF".
    return {key.replace("_", " "): value for key, value in values.items()}


ROWS = [_row_fix(values) for values in ROWS]


def run_for(admin, rows=ROWS, name="liste.csv") -> ImportRun:
    return services.spreadsheet_upload(actor=actor_for(admin), uploaded_file=csv_upload(rows, name))


def test_the_preview_says_what_the_import_will_do_and_writes_nothing(admin, known):
    run = run_for(admin)
    before = (Person.objects.count(), ChangeEvent.objects.count(), Household.objects.count())
    preview = services.spreadsheet_preview(actor=actor_for(admin), run=run, **OPTIONS)
    assert (preview.total, preview.valid, preview.invalid) == (10, 7, 3)
    assert (preview.new, preview.matched, preview.duplicates) == (2, 4, 1)
    decisions = {r.line: (r.decision, r.match.criterion if r.match else "") for r in preview.rows}
    assert decisions == {
        2: ("matched", "nir"),
        3: ("matched", "internal_id"),
        4: ("matched", "matricule"),
        5: ("matched", "name"),
        6: ("duplicate", ""),
        7: ("new", ""),
        8: ("invalid", ""),
        9: ("invalid", ""),
        10: ("invalid", ""),
        11: ("new", ""),
    }
    by_line = {r.line: r for r in preview.rows}
    assert by_line[2].decision_label == "déjà connue : DUPONT Marie"
    assert by_line[6].decision_label == "doublon possible : PETITJEAN Anne"
    assert by_line[8].errors == ["date de naissance illisible : 31/02/1980 (format attendu : JJ/MM/AAAA)"]
    assert by_line[10].errors == [
        "DUPONT Marie figure deux fois dans le fichier (même NIR qu'à la ligne 2) : ligne ignorée."
    ]
    assert (Person.objects.count(), ChangeEvent.objects.count(), Household.objects.count()) == before
    assert not RejectedRow.objects.exists() and not DuplicateCandidate.objects.exists()
    run.refresh_from_db()
    assert run.status == ImportStatus.PENDING and run.stored_file


def test_the_import_writes_valid_rows_and_rejects_the_others(admin, known, django_capture_on_commit_callbacks):
    run = run_for(admin)
    stored = Path(settings.MEDIA_ROOT) / run.stored_file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.spreadsheet_import(actor=actor_for(admin), run=run, **OPTIONS)
    assert run.status == ImportStatus.DONE
    assert (run.persons_created, run.persons_updated, run.rejected, run.duplicates_found) == (3, 3, 3, 1)
    assert (run.households_created, run.households_updated) == (1, 0)
    assert not run.stored_file and not stored.exists()  # the raw list is not kept

    marie = Person.objects.get(pk=known["marie"].pk)
    assert (marie.last_name, marie.phone) == ("DUPONT-MARTIN", "06 12 34 56 78")
    event = ChangeEvent.objects.get(person=marie)
    assert event.kind == ChangeKind.IDENTITY_UPDATED and (event.import_run_id, event.source_line) == (run.pk, 2)
    assert event.data == {
        "old": {"last_name": "DUPONT", "phone": ""},
        "new": {"last_name": "DUPONT-MARTIN", "phone": "06 12 34 56 78"},
    }

    paul = Person.objects.get(pk=known["paul"].pk)
    assert paul.nir == "1700140088123" and paul.nir_hash == nir_hash("1700140088123")
    assert paul.phone == "05 58 00 00 00" and paul.last_name == "MARTIN"  # kept: same name once normalised
    assert ChangeEvent.objects.get(person=paul).data == {"old": {"nir": "absent"}, "new": {"nir": "renseigné"}}

    julie = Person.objects.get(pk=known["julie"].pk)
    assert julie.last_name == "LEROY-BLANC"
    assert HouseholdMember.objects.get(person=julie).role == "CJT"  # the missing role is filled
    assert not ChangeEvent.objects.filter(person=julie, kind=ChangeKind.JOINED_HOUSEHOLD).exists()

    assert not ChangeEvent.objects.filter(person=known["luc"]).exists()  # nothing new about Luc

    new_anne = Person.objects.get(last_name="PETITJAN")
    duplicate = DuplicateCandidate.objects.get()
    assert (duplicate.person, duplicate.other, duplicate.found_by_run) == (new_anne, known["anne"], run)
    assert duplicate.reasons[-1] == "noms proches (PETITJEAN / PETITJAN)" and 0.8 <= duplicate.score < 1

    jean = Person.objects.get(first_name="Jean", last_name="NOUVEAU")
    assert (jean.email, jean.address, jean.postal_code, jean.commune_id) == (
        "jean.nouveau@exemple.fr",
        "1 rue du Port",
        "40100",
        "40088",
    )
    household = Household.objects.get(matricule="7654321")
    assert (household.organisme, household.departement_id, household.commune_id) == ("CAF", "40", "40088")
    assert sorted(household.members.values_list("person__first_name", "role")) == [("Jean", "DEM"), ("Jeanne", "CJT")]
    jean_events = ChangeEvent.objects.filter(person=jean).order_by("kind")
    assert [(e.kind, e.source_line, e.import_run_id) for e in jean_events] == [
        (ChangeKind.JOINED_HOUSEHOLD, 7, run.pk),
        (ChangeKind.NEW_ENTRANT, 7, run.pk),
    ]
    assert jean_events[0].household == household and jean_events[0].data == {"role": "DEM", "matricule": "7654321"}
    assert ChangeEvent.objects.filter(import_run_id=run.pk).count() == run.events_created == 8

    rejected = {r.line: (r.identifier, r.reason) for r in RejectedRow.objects.filter(run=run)}
    assert rejected == {
        8: ("DURAND Léa", "date de naissance illisible : 31/02/1980 (format attendu : JJ/MM/AAAA)"),
        9: ("DURAND", "prénom manquant ; adresse e-mail invalide : lea@"),
        10: (
            "DUPONT Marie",
            "DUPONT Marie figure deux fois dans le fichier (même NIR qu'à la ligne 2) : ligne ignorée.",
        ),
    }
    audit = AuditEvent.objects.get(code=AuditCode.IMPORT_DONE)
    assert audit.subject_id == str(run.pk) and audit.actor == admin.user and audit.organisation == admin.organisation
    assert audit.data["persons_created"] == 3 and audit.data["status"] == "done"
    assert run.header["mapping"] == MAPPING


def test_the_nir_is_stored_encrypted_only(admin):
    services.spreadsheet_import(
        actor=actor_for(admin),
        run=run_for(admin, [row("DUPONT", "Marie", "06/05/1985", NIR="2850540192123")]),
        **OPTIONS,
    )
    person = Person.objects.get()
    assert person.nir == "2850540192123" and "2850540192123" not in person.nir_encrypted
    assert ChangeEvent.objects.get(person=person).kind == ChangeKind.NEW_ENTRANT


def test_reimporting_the_same_file_changes_nothing(admin, known, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.spreadsheet_import(actor=actor_for(admin), run=run_for(admin), **OPTIONS)
    counts = (Person.objects.count(), ChangeEvent.objects.count(), RejectedRow.objects.count())
    again = run_for(admin, name="la-meme-liste.csv")
    preview = services.spreadsheet_preview(actor=actor_for(admin), run=again, **OPTIONS)
    assert preview.same_as == first
    with django_capture_on_commit_callbacks(execute=True):
        again = services.spreadsheet_import(actor=actor_for(admin), run=again, **OPTIONS)
    assert again.status == ImportStatus.ALREADY_IMPORTED and again.same_as == first
    assert (Person.objects.count(), ChangeEvent.objects.count(), RejectedRow.objects.count()) == counts
    assert not again.stored_file
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_ALREADY_DONE, subject_id=str(again.pk)).exists()


def test_a_run_is_imported_once(admin):
    run = run_for(admin)
    services.spreadsheet_import(actor=actor_for(admin), run=run, **OPTIONS)
    with pytest.raises(ValidationError, match="déjà été traité"):
        services.spreadsheet_import(actor=actor_for(admin), run=run, **OPTIONS)


def test_the_same_person_twice_in_a_file_by_internal_id_or_by_identity(admin, known):
    rows = [
        row("NOUVEAU", "Jean", "02/02/1992", **{"Code individu Iodas": "IOD-7"}),
        row("NOUVEL", "Jean", "02/02/1992", **{"Code individu Iodas": "IOD-7"}),
        row("SANSID", "Eve", "05/05/1995"),
        row("Sansid", "Ève", "05/05/1995"),
        # Homonyms born the same day, told apart by their identifiers: two persons.
        row("HOMONYME", "Jean", "01/01/2000", **{"Code individu Iodas": "IOD-1"}),
        row("HOMONYME", "Jean", "01/01/2000", **{"Code individu Iodas": "IOD-2"}),
        # Julie twice: by her household, then by her name.
        row("LEROY-BLANC", "Julie", "04/03/1990", **{"N° CAF": "1234567"}),
        row("LEROY", "Julie", "04/03/1990"),
    ]
    run = services.spreadsheet_import(actor=actor_for(admin), run=run_for(admin, rows), **OPTIONS)
    assert run.persons_created == 4
    assert dict(RejectedRow.objects.values_list("line", "reason")) == {
        3: "NOUVEL Jean figure deux fois dans le fichier (même identifiant départemental qu'à la ligne 2) : "
        "ligne ignorée.",
        5: "Sansid Ève figure deux fois dans le fichier (mêmes nom, prénom et date de naissance qu'à la ligne 4) : "
        "ligne ignorée.",
        9: "LEROY Julie désigne la même personne que la ligne 8 (LEROY Julie) : ligne ignorée.",
    }


def test_matching_is_scoped_to_the_departement(admin, known):
    pays_basque = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    PersonFactory(departement=pays_basque, nir="1800764445123", last_name="ETCHEVERRY", first_name="Jon")
    twin = PersonFactory(
        departement=pays_basque, last_name="BERNARD", first_name="Luc", birth_date=datetime.date(1981, 7, 8)
    )
    HouseholdFactory(departement=pays_basque, matricule="5555555")
    rows = [
        row("ETCHEVERRY", "Jon", "01/07/1980", NIR="1800764445123"),
        row("BERNARD", "Luc", "08/07/1981"),
        row("OTHER", "Ana", "01/01/1990", **{"N° CAF": "5555555"}),
    ]
    run = services.spreadsheet_import(actor=actor_for(admin), run=run_for(admin, rows), **OPTIONS)
    assert run.persons_created == 1  # Luc of the Landes is not the Luc born in 1981 of the Pyrénées-Atlantiques
    assert Person.objects.get(departement=admin.organisation.departement, birth_date=datetime.date(1981, 7, 8)) != twin
    assert dict(RejectedRow.objects.values_list("line", "reason")) == {
        2: "Ce NIR est déjà celui d'une personne d'un autre département : ligne écartée, à vérifier.",
        4: "Le n° CAF 5555555 est déjà celui d'un foyer d'un autre département : ligne écartée, à vérifier.",
    }


def test_a_matched_person_joins_the_household_of_the_list(admin, known):
    rows = [row("BERNARD", "Luc", "08/07/1980", **{"N° CAF": "1234567", "Rôle": "ENF"})]
    run = services.spreadsheet_import(
        actor=actor_for(admin), run=run_for(admin, rows), **{**OPTIONS, "organisme": "CAF"}
    )
    assert (run.households_created, run.households_updated) == (0, 1)
    member = HouseholdMember.objects.get(person=known["luc"])
    assert (member.household, member.role) == (known["household"], "ENF")
    assert ChangeEvent.objects.get(person=known["luc"]).kind == ChangeKind.JOINED_HOUSEHOLD


def test_an_xlsx_list_is_imported(admin):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["N° CAF", "Nom", "Prénom", "Date de naissance", "Téléphone", "Rôle"])
    sheet.append([123456, "Dupont", "Marie", datetime.date(1985, 5, 6), 612345678, "DEM"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("liste.xlsx", buffer.getvalue())
    run = services.spreadsheet_upload(actor=actor_for(admin), uploaded_file=upload)
    assert run.header["columns"][:2] == ["N° CAF", "Nom"]
    options = {
        "mapping": {
            "matricule": "N° CAF",
            "last_name": "Nom",
            "first_name": "Prénom",
            "birth_date": "Date de naissance",
            "phone": "Téléphone",
            "role": "Rôle",
        },
        "date_format": "%d/%m/%Y",
        "organisme": "MSA",
    }
    services.spreadsheet_import(actor=actor_for(admin), run=run, **options)
    person = Person.objects.get()
    assert (person.birth_date, person.phone) == (datetime.date(1985, 5, 6), "06 12 34 56 78")
    assert person.household_links.get().household.matricule == "0123456"
    assert person.household_links.get().household.organisme == "MSA"


def test_a_file_that_is_not_a_spreadsheet_stores_nothing(admin):
    upload = SimpleUploadedFile("liste.xlsx", b"PK\x03\x04 garbage")
    with pytest.raises(ValidationError) as caught:
        services.spreadsheet_upload(actor=actor_for(admin), uploaded_file=upload)
    assert caught.value.messages == ["Ce fichier n'est pas un tableur lisible (CSV, XLSX, ODS)."]
    assert not ImportRun.objects.exists()


def test_a_mapping_that_does_not_fit_the_file_is_refused(admin):
    run = run_for(admin)
    with pytest.raises(ValidationError) as caught:
        services.spreadsheet_preview(
            actor=actor_for(admin),
            run=run,
            mapping={"last_name": "Nom", "first_name": "Nom", "birth_date": "Naissance"},
            date_format="%d/%m/%Y",
            organisme="CAF",
        )
    assert caught.value.messages == [
        "La colonne « Nom » est choisie pour plusieurs champs : une colonne ne remplit qu'un champ.",
        "La colonne « Naissance » n'existe pas dans ce fichier.",
    ]
    with pytest.raises(ValidationError, match="Choisissez la colonne qui contient la date de naissance"):
        services.spreadsheet_preview(
            actor=actor_for(admin),
            run=run,
            mapping={"last_name": "Nom", "first_name": "Prénom"},
            **{
                "date_format": "%d/%m/%Y",
                "organisme": "CAF",
            },
        )


def test_profiles_are_saved_audited_and_updated(admin):
    actor = actor_for(admin)
    profile = services.import_profile_save(actor=actor, name=" Export  IODAS ", **OPTIONS)
    assert (profile.name, profile.organisation, profile.created_by) == ("Export IODAS", admin.organisation, admin.user)
    assert profile.mapping == MAPPING
    services.import_profile_save(actor=actor, name="Export IODAS", **OPTIONS)  # unchanged: not written again
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_PROFILE_SAVED).count() == 1
    services.import_profile_save(actor=actor, name="Export IODAS", **{**OPTIONS, "organisme": "MSA"})
    assert ImportProfile.objects.get().organisme == "MSA"
    last = AuditEvent.objects.filter(code=AuditCode.IMPORT_PROFILE_SAVED).order_by("pk").last()
    assert last.data == {"old": {"organisme": "CAF"}, "new": {"organisme": "MSA"}}
    with pytest.raises(ValidationError):
        services.import_profile_save(
            actor=actor, name="x", mapping={"unknown": "Nom"}, date_format="%d/%m/%Y", organisme="CAF"
        )


def test_the_demo_profile(admin):
    profile = spreadsheet_demo_profile(organisation=admin.organisation, user=admin.user)
    again = spreadsheet_demo_profile(organisation=admin.organisation, user=admin.user)
    assert profile == again and profile.name == IODAS_PROFILE_NAME
    assert profile.mapping["internal_id"] == "Code individu Iodas" and profile.mapping["birth_name"] == "Nom JF"
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_PROFILE_SAVED).count() == 1


# -- the screens -------------------------------------------------------------------------------------------------


def mapping_post(mapping=MAPPING, **extra) -> dict:
    data = {f"column_{field}": header for field, header in mapping.items()}
    return {"date_format": "%d/%m/%Y", "default_organisme": "CAF", "profile_name": "", **data, **extra}


def test_upload_mapping_preview_and_confirmation(login_as, admin, known, django_capture_on_commit_callbacks):
    client = login_as(admin)
    imports = client.get(reverse("intake:imports")).content.decode()
    assert "Importer un tableur (CSV, XLSX)" in imports and reverse("intake:spreadsheet_upload") in imports

    response = client.post(reverse("intake:spreadsheet_upload"), {"file": csv_upload(ROWS)})
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.started_by) == (ImportKind.SPREADSHEET, ImportStatus.PENDING, admin.user)
    assert response["Location"] == reverse("intake:spreadsheet_mapping", args=[run.pk])
    # The run's page sends a list waiting for its mapping back to the mapping.
    assert client.get(reverse("intake:import_detail", args=[run.pk]))["Location"] == response["Location"]

    page = client.get(response["Location"]).content.decode()
    assert "Correspondance des colonnes" in page and "DUPONT-MARTIN" in page  # the first rows of the file
    assert '<option value="Nom JF" selected>' in page  # guessed from the header

    response = client.post(
        reverse("intake:spreadsheet_mapping", args=[run.pk]), mapping_post(profile_name="Liste du CCAS")
    )
    assert response["Location"] == reverse("intake:spreadsheet_preview", args=[run.pk])
    profile = ImportProfile.objects.get(name="Liste du CCAS")
    assert profile.mapping == MAPPING and profile.organisation == admin.organisation

    before = (Person.objects.count(), ChangeEvent.objects.count())
    page = client.get(response["Location"]).content.decode()
    assert "Confirmer l'import" in page
    assert "date de naissance illisible : 31/02/1980" in page and "fr-error-text" in page
    assert "déjà connue : DUPONT Marie" in page and "doublon possible : PETITJEAN Anne" in page
    assert "nouvelle personne" in page
    assert (Person.objects.count(), ChangeEvent.objects.count()) == before
    assert not RejectedRow.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:spreadsheet_preview", args=[run.pk]))
    assert response["Location"] == reverse("intake:import_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and (run.persons_created, run.rejected) == (3, 3)
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé" in page and "31/02/1980" in page
    # Done: the mapping and preview pages lead to the result.
    assert client.get(reverse("intake:spreadsheet_preview", args=[run.pk]))["Location"] == response["Location"]
    assert client.post(reverse("intake:spreadsheet_preview", args=[run.pk]))["Location"] == response["Location"]


def test_a_saved_profile_fills_the_mapping(login_as, admin):
    services.import_profile_save(
        actor=actor_for(admin),
        name="Export IODAS",
        mapping={"last_name": "Prénom", "first_name": "Nom"},
        **{
            "date_format": "%Y-%m-%d",
            "organisme": "MSA",
        },
    )
    profile = ImportProfile.objects.get()
    client = login_as(admin)
    response = client.post(reverse("intake:spreadsheet_upload"), {"file": csv_upload(ROWS), "profile": profile.pk})
    assert response["Location"].endswith(f"?profil={profile.pk}")
    page = client.get(response["Location"]).content.decode()
    assert '<option value="Prénom" selected>' in page.split('name="column_last_name"')[1].split("</select>")[0]
    assert '<option value="%Y-%m-%d" selected>' in page and '<option value="MSA" selected>' in page


def test_mapping_errors_are_shown_on_the_form(login_as, admin):
    client = login_as(admin)
    client.post(reverse("intake:spreadsheet_upload"), {"file": csv_upload(ROWS)})
    run = ImportRun.objects.get()
    url = reverse("intake:spreadsheet_mapping", args=[run.pk])
    page = client.post(url, mapping_post({**MAPPING, "first_name": "", "birth_name": "Nom"})).content.decode()
    assert "Choisissez la colonne qui contient ce champ." in page
    assert "Cette colonne est déjà choisie pour le champ « nom d&#x27;usage »." in page
    assert client.get(reverse("intake:spreadsheet_preview", args=[run.pk]))["Location"] == url  # no mapping yet


def test_upload_errors_are_shown_in_french(login_as, admin):
    client = login_as(admin)
    url = reverse("intake:spreadsheet_upload")
    page = client.post(url, {"file": SimpleUploadedFile("liste.pdf", b"%PDF-1.4")}).content.decode()
    assert "Choisissez un tableur : fichier CSV, XLSX, XLS ou ODS." in page
    page = client.post(url, {"file": SimpleUploadedFile("liste.xlsx", b"PK\x03\x04 nope")}).content.decode()
    assert "Ce fichier n&#x27;est pas un tableur lisible (CSV, XLSX, ODS)." in page
    page = client.post(url, {"file": SimpleUploadedFile("liste.csv", b"Nom;Prenom;Nom\nA;B;C\n")}).content.decode()
    assert "Plusieurs colonnes s&#x27;appellent « Nom »" in page
    assert not ImportRun.objects.exists()


def test_other_departements_and_other_roles_get_404(login_as, admin):
    run = run_for(admin)
    profile = services.import_profile_save(actor=actor_for(admin), name="Export IODAS", **OPTIONS)
    urls = [
        reverse("intake:spreadsheet_mapping", args=[run.pk]),
        reverse("intake:spreadsheet_preview", args=[run.pk]),
    ]
    other = MembershipFactory(
        role=Role.ADMINISTRATOR,
        organisation__kind="cd",
        organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()),
    )
    client = login_as(other)
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.get(reverse("intake:spreadsheet_upload")).status_code == 200
    assert "Export IODAS" not in client.get(reverse("intake:spreadsheet_upload")).content.decode()
    # Their own list cannot take another organisation's profile.
    client.post(reverse("intake:spreadsheet_upload"), {"file": csv_upload(ROWS)})
    own = ImportRun.objects.exclude(pk=run.pk).get()
    mapping_url = reverse("intake:spreadsheet_mapping", args=[own.pk])
    assert client.get(f"{mapping_url}?profil={profile.pk}").status_code == 404

    referent = MembershipFactory(role=Role.REFERENT, organisation=admin.organisation)
    client = login_as(referent)
    for url in [*urls, reverse("intake:spreadsheet_upload")]:
        assert client.get(url).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportStatus.PENDING


def test_a_flux_run_has_no_mapping_page(login_as, admin):
    run = ImportRun.objects.create(
        kind=ImportKind.CAF_FLUX, departement=admin.organisation.departement, file_name="flux.xml"
    )
    client = login_as(admin)
    assert client.get(reverse("intake:spreadsheet_mapping", args=[run.pk])).status_code == 404
    assert client.get(reverse("intake:spreadsheet_preview", args=[run.pk])).status_code == 404
