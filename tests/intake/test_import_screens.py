import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.enums import ImportStatus
from jalon.intake.models import ImportRun
from jalon.people.models import Person
from tests.intake.flux_builder import H, P, flux
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    departement = DepartementFactory()
    CommuneFactory(code="40192", departement=departement)
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=departement)


def _upload(client, content: bytes, name="flux.xml"):
    return client.post(reverse("intake:imports"), {"file": SimpleUploadedFile(name, content, "text/xml")})


def test_upload_runs_the_import_in_the_background_and_shows_its_report(
    login_as, admin, django_capture_on_commit_callbacks
):
    client = login_as(admin)
    content = flux(
        [
            H("1111111", [P("DUPONT", "Marie", "1985-05-06", "2850540192123")]),
            H("2222222", [P("X", "Y", "1990-01-01", "99")]),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, content)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("intake:import_detail", args=[run.pk])
    assert run.status == ImportStatus.DONE and run.started_by == admin.user
    assert run.households_created == 1 and run.rejected == 1
    assert not run.stored_file  # the raw file is not kept
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé" in page and "Foyers écartés" in page
    csv = b"".join(client.get(reverse("intake:import_rejected_csv", args=[run.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0] == "ligne;identifiant;motif"
    assert "2222222" in csv
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_REPORT_DOWNLOADED).exists()
    assert Person.objects.count() == 1


def test_a_non_xml_file_is_refused_at_once_in_french(login_as, admin):
    response = _upload(login_as(admin), b"PK\x03\x04 not xml", name="flux.xlsx")
    assert "Le flux CAF/MSA est un fichier XML" in response.content.decode()
    response = _upload(login_as(admin), b"PK\x03\x04 not xml", name="flux.xml")
    assert "pas un fichier XML" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_broken_file_is_reported_and_writes_nothing(login_as, admin, django_capture_on_commit_callbacks):
    client = login_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, flux([H("1111111", [P("DUPONT", "Marie", "1985-05-06", "2850540192123")])])[:300])
    page = client.get(response["Location"]).content.decode()
    assert "Fichier refusé : rien n'a été écrit" in page
    assert Person.objects.count() == 0


def test_imports_are_scoped_to_the_departement(login_as, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(login_as(admin), flux([H("1111111", [P("DUPONT", "Marie", "1985-05-06", "2850540192123")])]))
    run = ImportRun.objects.get()
    other = MembershipFactory(
        role=Role.ADMINISTRATOR,
        organisation__kind="cd",
        organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()),
    )
    client = login_as(other)
    assert client.get(reverse("intake:import_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("intake:import_rejected_csv", args=[run.pk])).status_code == 404
    assert run.file_name not in client.get(reverse("intake:imports")).content.decode()
    referent = MembershipFactory(role=Role.REFERENT, organisation=admin.organisation)
    assert login_as(referent).get(reverse("intake:imports")).status_code == 404
