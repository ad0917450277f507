"""Real CAF/MSA files: the Département they are addressed to (IDEPARTE), the request number (NUMDEMRSA), the
person-level « soumis droits et devoirs », and the suspension and closure reasons with their CAF labels."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake import services
from jalon.intake.caf_flux.parser import read_flux
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.enums import ImportStatus
from jalon.intake.models import ImportRun
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person
from jalon.people.rsa_codes import CLOSURE_REASONS, SUSPENSION_REASONS, suspension_reason_label
from tests.api.factories import api_client_for
from tests.conftest import actor_for
from tests.intake.flux_builder import H, P, flux, write
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

MARIE = P("DUPONT", "Marie", "1985-05-06", "2850540192123")
LEO = P("DUPONT", "Léo", "2015-02-03", role="ENF", subject=None)
PAUL = P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1", subject=False)


def _for(departement_code: str, content: bytes) -> bytes:
    """The same flux, addressed to another Département (real files carry it in every household)."""
    return content.replace(b"<IDEPARTE>040</IDEPARTE>", f"<IDEPARTE>{departement_code}</IDEPARTE>".encode())


@pytest.fixture
def landes():
    departement = DepartementFactory()
    CommuneFactory(code="40192", name="Mont-de-Marsan", departement=departement)
    return departement


@pytest.fixture
def cd_admin(landes):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)


# -- the Département the file is addressed to ------------------------------------------------------------------


def test_the_parser_reads_ideparte_and_numdemrsa(tmp_path):
    path = tmp_path / "flux.xml"
    path.write_bytes(_for("064", flux([H("1234567", [MARIE])])))
    _header, items = read_flux(path)
    (household,) = list(items)
    assert household.partner_departement == "064"
    assert household.request_number == "0001234567R"


def test_a_flux_addressed_to_another_departement_is_refused_and_writes_nothing(tmp_path, landes):
    path = tmp_path / "flux-64.xml"
    path.write_bytes(_for("064", flux([H("1234567", [MARIE]), H("7654321", [PAUL])])))
    run = caf_flux_import(path=path, departement=landes, actor_label="test")
    assert run.status == ImportStatus.FAILED
    assert run.error.startswith("Ce flux est adressé à un autre Département : 64 (IDEPARTE « 064 »")
    assert "et non au Département 40" in run.error and "--autre-departement" in run.error
    assert not Person.objects.exists() and not Household.objects.exists() and not ChangeEvent.objects.exists()
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_FAILED).exists()


def test_a_later_household_for_another_departement_rolls_the_whole_file_back(tmp_path, landes):
    content = flux([H("1234567", [MARIE]), H("7654321", [PAUL])])
    # Only the second household is addressed elsewhere: the first one must not be written either.
    first, second = content.split(b"<IDEPARTE>040</IDEPARTE>", 1)
    path = tmp_path / "flux-mixte.xml"
    path.write_bytes(first + b"<IDEPARTE>040</IDEPARTE>" + second.replace(b"040</IDEPARTE>", b"064</IDEPARTE>"))
    run = caf_flux_import(path=path, departement=landes, actor_label="test")
    assert run.status == ImportStatus.FAILED and "foyer 7654321" in run.error
    assert not Person.objects.exists()


def test_the_explicit_flag_imports_it_and_is_recorded(tmp_path, landes):
    path = tmp_path / "flux-64.xml"
    path.write_bytes(_for("064", flux([H("1234567", [MARIE])])))
    run = caf_flux_import(path=path, departement=landes, actor_label="test", other_departement_allowed=True)
    assert run.status == ImportStatus.DONE and run.other_departement_allowed
    assert Person.objects.count() == 1
    done = AuditEvent.objects.get(code=AuditCode.IMPORT_DONE)
    assert done.data["other_departement_allowed"] is True


def test_the_command_refuses_it_unless_asked(tmp_path, landes, settings):
    settings.JALON_DEPARTEMENT_CODE = landes.code
    path = tmp_path / "flux-64.xml"
    path.write_bytes(_for("064", flux([H("1234567", [MARIE])])))
    with pytest.raises(CommandError):
        call_command("import_caf_flux", str(path), verbosity=0)
    assert not Person.objects.exists()
    call_command("import_caf_flux", str(path), "--autre-departement", verbosity=0)
    assert Person.objects.count() == 1


def test_corsica_and_overseas_codes_compare_on_three_characters(tmp_path):
    corse = DepartementFactory(code="2A", name="Corse-du-Sud")
    path = tmp_path / "flux-2a.xml"
    path.write_bytes(_for("02A", flux([H("1234567", [MARIE])])))
    assert caf_flux_import(path=path, departement=corse, actor_label="test").status == ImportStatus.DONE


def _upload(client, content: bytes, **data):
    return client.post(
        reverse("intake:imports"), {"file": SimpleUploadedFile("flux.xml", content, "text/xml"), **data}
    )


def test_the_screen_offers_the_override_to_the_departement_administrator_only(
    login_as, cd_admin, landes, django_capture_on_commit_callbacks
):
    content = _for("064", flux([H("1234567", [MARIE])]))
    client = login_as(cd_admin)
    assert "Importer un flux adressé à un autre Département" in client.get(reverse("intake:imports")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, content)
    refused = ImportRun.objects.get()
    assert refused.status == ImportStatus.FAILED and not Person.objects.exists()
    assert (
        "adressé à un autre Département"
        in client.get(reverse("intake:import_detail", args=[refused.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, content, other_departement="on")
    assert ImportRun.objects.latest("pk").status == ImportStatus.DONE
    assert Person.objects.count() == 1


def test_other_administrators_have_no_override(login_as, landes, django_capture_on_commit_callbacks):
    territorial = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="sdsei", organisation__departement=landes
    )
    client = login_as(territorial)
    response = client.get(reverse("intake:imports"))
    if response.status_code == 200:  # who may open the imports at all is decided elsewhere
        assert "autre Département" not in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            _upload(client, _for("064", flux([H("1234567", [MARIE])])), other_departement="on")
        assert not Person.objects.exists()
    # The service itself refuses the override to anyone but the Département's administrator.
    upload = SimpleUploadedFile("flux.xml", b"<Racine/>", "text/xml")
    with pytest.raises(ValidationError, match="Seul un administrateur du Département"):
        services.caf_flux_upload(actor=actor_for(territorial), uploaded_file=upload, other_departement_allowed=True)


# -- request number, rights and duties, reasons with their labels ------------------------------------------------


def test_the_cnaf_code_lists_are_complete():
    assert len(SUSPENSION_REASONS) == 24 and len(CLOSURE_REASONS) == 9
    assert suspension_reason_label("06") == "Déclaration trimestrielle de ressources non fournie"
    assert suspension_reason_label(" ab ") == "Allocataire absent du foyer"
    assert suspension_reason_label("ZZ") == "code ZZ (motif non répertorié)"


def test_request_number_and_rights_and_duties_are_stored(tmp_path, landes):
    path = write(tmp_path, "flux.xml", [H("1234567", [MARIE, LEO]), H("7654321", [PAUL])])
    caf_flux_import(path=path, departement=landes, actor_label="test")
    assert Household.objects.get(matricule="1234567").right.request_number == "0001234567R"
    subject = dict(HouseholdMember.objects.values_list("person__first_name", "subject_to_rights_and_duties"))
    assert subject == {"Marie": True, "Léo": None, "Paul": False}


def test_rights_imported_before_the_request_number_get_it_from_the_next_file(tmp_path, landes):
    content = flux([H("1234567", [MARIE])])
    caf_flux_import(path=write(tmp_path, "a.xml", [H("1234567", [MARIE])]), departement=landes, actor_label="t")
    right = Household.objects.get().right
    right.request_number = ""
    right.save()
    # The next month's file, with the very same household: unchanged, but the number is now taken.
    (tmp_path / "b.xml").write_bytes(content.replace(b"2026-11-01", b"2026-12-01"))
    caf_flux_import(path=tmp_path / "b.xml", departement=landes, actor_label="t")
    right.refresh_from_db()
    assert right.request_number == "0001234567R"


def test_reasons_show_their_labels_on_the_person_and_household_pages(tmp_path, landes, login_as, cd_admin):
    caf_flux_import(
        path=write(tmp_path, "a.xml", [H("1234567", [MARIE]), H("7654321", [PAUL])], created="2026-10-01"),
        departement=landes,
        actor_label="t",
    )
    caf_flux_import(
        path=write(
            tmp_path,
            "b.xml",
            [
                H("1234567", [MARIE], state=4, suspension=("06", "2026-10-15")),
                H("7654321", [PAUL], state=5, closure=("ECH", "2026-10-31")),
            ],
        ),
        departement=landes,
        actor_label="t",
    )
    # An event recorded before the labels were known, as it was stored then.
    suspended = ChangeEvent.objects.get(kind=ChangeKind.SUSPENDED)
    suspended.data = {**suspended.data, "reason_label": "motif 06"}
    suspended.save()
    client = login_as(cd_admin)
    marie = Person.objects.get(first_name="Marie")
    paul = Person.objects.get(first_name="Paul")
    marie_page = client.get(reverse("people:detail", args=[marie.pk])).content.decode()
    household_page = client.get(
        reverse("people:household", args=[Household.objects.get(matricule="1234567").pk])
    ).content.decode()
    for page in (marie_page, household_page):
        assert "Déclaration trimestrielle de ressources non fournie" in page
        assert "motif 06" not in page
        assert "0001234567R" in page
    assert "soumis(e) aux droits et devoirs" in marie_page
    paul_page = client.get(reverse("people:detail", args=[paul.pk])).content.decode()
    assert "Clôture à échéance (4 mois sans droit)" in paul_page
    assert "non soumis(e) aux droits et devoirs" in paul_page
    api = api_client_for(cd_admin).get(f"/api/v1/personnes/{marie.pk}/").json()
    right = api["households"][0]["right"]
    assert (right["suspension_reason"], right["suspension_reason_label"], right["request_number"]) == (
        "06",
        "Déclaration trimestrielle de ressources non fournie",
        "0001234567R",
    )
    # The history says it too, from the code (events recorded before the labels were known read as well).
    assert "motif : Déclaration trimestrielle de ressources non fournie" in household_page
