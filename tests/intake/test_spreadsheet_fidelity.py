"""Lists as partners really send them: CNAF / rdv-insertion contact lists without birth date, internationalised
e-mail addresses, « ADRESSE ELECTRONIQUE DOSSIER » columns, and workbooks that inflate to gigabytes."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import Role
from jalon.intake import services, spreadsheet
from jalon.intake.models import ImportRun, RejectedRow
from jalon.intake.spreadsheet import SpreadsheetError, guess_mapping, parse_row, read_table
from jalon.people.models import Person
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from tests.territories.factories import DepartementFactory


# The header of a CNAF contact list (no birth date, upper-case names, the e-mail of the "dossier").
CNAF_HEADER = ["MATRICULE", "NOM", "PRENOM", "ADRESSE ELECTRONIQUE DOSSIER", "NUMERO TELEPHONE DOSSIER"]


def cnaf_csv(rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\n".join(";".join(cells) for cells in [CNAF_HEADER, *rows]) + "\n"
    return SimpleUploadedFile("contacts-cnaf.csv", text.encode("utf-8"), "text/csv")


# -- no database ---------------------------------------------------------------------------------------------------


def test_the_email_column_of_a_cnaf_file_is_not_taken_for_the_postal_address():
    mapping = guess_mapping(["NUMERO ALLOCATAIRE", *CNAF_HEADER[1:], "ADRESSE", "CODE POSTAL"])
    assert mapping["email"] == "ADRESSE ELECTRONIQUE DOSSIER"
    assert mapping["phone"] == "NUMERO TELEPHONE DOSSIER"
    assert mapping["matricule"] == "NUMERO ALLOCATAIRE"
    assert mapping["address"] == "ADRESSE"
    # Even with no postal address column at all, the e-mail is not an address.
    assert "address" not in guess_mapping(CNAF_HEADER)


def _parse_email(value: str):
    headers = ["Nom", "Prénom", "Date de naissance", "Email"]
    mapping = {"last_name": "Nom", "first_name": "Prénom", "birth_date": "Date de naissance", "email": "Email"}
    values, errors = parse_row(["DUPONT", "Inès", "06/05/1985", value], headers, mapping, "%d/%m/%Y")
    return values["email"], errors


def test_internationalised_email_addresses_are_valid():
    assert _parse_email("Inès.Dupont@exemple.fr") == ("inès.dupont@exemple.fr", [])
    assert _parse_email("jose@académie.fr") == ("jose@académie.fr", [])
    assert _parse_email("ines.dupont@") == ("", ["adresse e-mail invalide : ines.dupont@"])
    assert _parse_email("ines@@exemple.fr")[1] == ["adresse e-mail invalide : ines@@exemple.fr"]


def _bomb(path, *, inflated: int) -> None:
    """A workbook-looking zip whose sheet is `inflated` bytes of the same character: a few hundred KB on disk."""
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(inflated // len(chunk)):
                sheet.write(chunk)


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path, monkeypatch):
    path = tmp_path / "liste.xlsx"
    _bomb(path, inflated=210 << 20)  # 220 MB of sheet, over the 200 MB limit
    assert path.stat().st_size < 2_000_000

    def inflating(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(spreadsheet.CalamineWorkbook, "from_filelike", inflating)
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)
    assert str(caught.value).startswith("Ce classeur occuperait 220 Mo une fois décompressé (au plus 200 Mo)")


def test_a_real_workbook_passes_the_size_check(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nom", "Prénom", "Date de naissance"])
    workbook.active.append(["DUPONT", "Inès", datetime.date(1985, 5, 6)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    headers, rows = read_table(buffer)
    assert headers == ["Nom", "Prénom", "Date de naissance"]
    assert list(rows) == [(2, ["DUPONT", "Inès", "1985-05-06"])]


# -- contact lists without birth date -------------------------------------------------------------------------------


@pytest.fixture
def landes(db):
    return DepartementFactory()


@pytest.fixture
def admin(landes):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def household(landes):
    household = HouseholdFactory(departement=landes, matricule="1234567", organisme_code="401")
    for last_name, first_name, born in (("DUPONT", "Inès", (1985, 5, 6)), ("DUPONT", "Léo", (2015, 2, 3))):
        person = PersonFactory(
            departement=landes,
            last_name=last_name,
            first_name=first_name,
            birth_date=datetime.date(*born),
            email="",
            phone="",
        )
        HouseholdMemberFactory(household=household, person=person)
    return household


CNAF_OPTIONS = {"mapping": guess_mapping(CNAF_HEADER), "date_format": "%d/%m/%Y", "organisme": "CAF"}


def test_a_list_without_birth_date_completes_known_persons_and_creates_nobody(
    admin, household, django_capture_on_commit_callbacks
):
    upload = cnaf_csv(
        [
            # 2: Inès, found in her household by her name (accents and case do not count).
            ["1234567", "Dupont", "INES", "inès.dupont@exemple.fr", "06 12 34 56 78"],
            # 3: nobody of that name in the household.
            ["1234567", "DUPONT", "Hugo", "hugo@exemple.fr", ""],
            # 4: an unknown household.
            ["7777777", "MARTIN", "Paul", "paul@exemple.fr", ""],
        ]
    )
    actor = actor_for(admin)
    run = services.spreadsheet_upload(actor=actor, uploaded_file=upload)
    preview = services.spreadsheet_preview(actor=actor, run=run, **CNAF_OPTIONS)
    decisions = {row.line: (row.decision, row.match.criterion if row.match else "") for row in preview.rows}
    assert decisions == {2: ("matched", "matricule_name"), 3: ("invalid", ""), 4: ("invalid", "")}
    before = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.spreadsheet_import(actor=actor, run=run, **CNAF_OPTIONS)
    assert (run.persons_created, run.persons_updated, run.rejected) == (0, 1, 2)
    assert Person.objects.count() == before
    ines = Person.objects.get(first_name="Inès")
    assert (ines.email, ines.phone, ines.birth_date) == (
        "inès.dupont@exemple.fr",
        "06 12 34 56 78",
        datetime.date(1985, 5, 6),
    )
    reasons = dict(RejectedRow.objects.values_list("line", "reason"))
    assert reasons == {
        3: "Date de naissance manquante et aucune personne du foyer n° CAF 1234567 ne s'appelle DUPONT Hugo : "
        "une nouvelle personne ne peut pas être créée sans date de naissance.",
        4: "Date de naissance manquante et foyer n° CAF 7777777 inconnu dans le Département : une nouvelle "
        "personne ne peut pas être créée sans date de naissance.",
    }
    ines.full_clean()  # the stored internationalised address is valid for the model too


def test_namesakes_of_one_household_are_not_guessed(admin, household, landes):
    twin = PersonFactory(
        departement=landes, last_name="DUPONT", first_name="Inès", birth_date=datetime.date(2010, 1, 1)
    )
    HouseholdMemberFactory(household=household, person=twin)
    actor = actor_for(admin)
    run = services.spreadsheet_upload(
        actor=actor, uploaded_file=cnaf_csv([["1234567", "DUPONT", "Inès", "ines@exemple.fr", ""]])
    )
    (row,) = services.spreadsheet_preview(actor=actor, run=run, **CNAF_OPTIONS).rows
    assert row.errors == [
        "Date de naissance manquante et 2 personnes du foyer n° CAF 1234567 s'appellent DUPONT Inès : ajoutez la "
        "date de naissance pour savoir de qui il s'agit."
    ]


def test_the_same_name_in_two_households_is_two_persons(admin, household):
    actor = actor_for(admin)
    run = services.spreadsheet_upload(
        actor=actor,
        uploaded_file=cnaf_csv(
            [["1234567", "DUPONT", "Inès", "ines@exemple.fr", ""], ["7777777", "DUPONT", "Inès", "", ""]]
        ),
    )
    rows = services.spreadsheet_preview(actor=actor, run=run, **CNAF_OPTIONS).rows
    assert rows[0].decision == "matched"
    assert "figure deux fois" not in " ".join(rows[1].errors)


def test_a_list_with_neither_birth_date_nor_identifier_is_refused(admin):
    actor = actor_for(admin)
    run = services.spreadsheet_upload(actor=actor, uploaded_file=cnaf_csv([["1234567", "DUPONT", "Inès", "", ""]]))
    with pytest.raises(ValidationError, match="Choisissez la colonne qui contient la date de naissance"):
        services.spreadsheet_preview(
            actor=actor,
            run=run,
            mapping={"last_name": "NOM", "first_name": "PRENOM"},
            date_format="%d/%m/%Y",
            organisme="CAF",
        )


def test_the_mapping_screen_takes_a_cnaf_list(login_as, admin, household):
    client = login_as(admin)
    client.post(reverse("intake:spreadsheet_upload"), {"file": cnaf_csv([["1234567", "DUPONT", "Inès", "", ""]])})
    run = ImportRun.objects.get()
    url = reverse("intake:spreadsheet_mapping", args=[run.pk])
    page = client.get(url).content.decode()
    assert '<option value="ADRESSE ELECTRONIQUE DOSSIER" selected>' in page
    data = {f"column_{field}": header for field, header in CNAF_OPTIONS["mapping"].items()}
    response = client.post(url, {"date_format": "%d/%m/%Y", "default_organisme": "CAF", "profile_name": "", **data})
    assert response.status_code == 302 and response["Location"] == reverse("intake:spreadsheet_preview", args=[run.pk])
    data.pop("column_matricule")
    page = client.post(url, {"date_format": "%d/%m/%Y", "default_organisme": "CAF", "profile_name": "", **data})
    assert "une liste sans date de naissance doit donner le n° CAF/MSA" in page.content.decode()
