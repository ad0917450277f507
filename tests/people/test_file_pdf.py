"""The person's file printed by a professional: what the screen shows them, the same access, the same audit trail."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.enums import ProfessionalSituation
from jalon.intake.services import dsp_update
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif
from jalon.orientation.services import orientation_decide
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

NIR = "2850540192123"


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__departement=landes,
        user__first_name="Amélie",
        user__last_name="Poulain",
    )


@pytest.fixture
def person(landes):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=landes, last_name="Lefèvre", first_name="Hélène", nir=NIR),
        household__departement=landes,
    )
    RsaRightFactory(household=member.household)
    return member.person


def _orient(officer, person, landes):
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="Jérôme", user__last_name="Dubois"
    )
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement intensif", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)
    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        dispositif=dispositif,
    )


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_printed_file_holds_the_person_the_orientation_and_who_printed_it(login_as, officer, person, landes):
    _orient(officer, person, landes)
    dsp_update(
        actor=actor_for(officer),
        person=person,
        data={"professional_situation": ProfessionalSituation.choices[0][0]},
    )
    response = login_as(officer).get(reverse("people:file_pdf", args=[person.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="fiche-personne-{person.pk}.pdf"'
    text = _text(response)
    assert "LEFÈVRE Hélène" in text
    assert "2 85 05 40 192 123" in text  # an orientation officer reads the NIR in full, as on the screen
    assert "Professionnelle — Accompagnement intensif, France Travail — Mont-de-Marsan" in text
    assert "référent : Jérôme Dubois" in text
    assert "Amélie Poulain" in text
    assert "Département : Landes (40)" in text
    assert "Situation professionnelle : " in text
    assert "Document confidentiel — données personnelles" in text
    assert "Page 1 sur " in text


def test_the_screen_offers_the_printed_file(login_as, officer, person):
    page = login_as(officer).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f'href="{reverse("people:file_pdf", args=[person.pk])}"' in page
    assert "Imprimer la fiche (PDF)" in page


def test_the_nir_is_masked_as_the_screen_masks_it(login_as, person, landes):
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=landes)
    text = _text(login_as(manager).get(reverse("people:file_pdf", args=[person.pk])))
    assert "NIR : 2 85 05 " in text  # its masking dots read back as control characters
    assert "40 192" not in text
    assert "192 123" not in text


def test_printing_is_audited_naming_the_person_and_the_screen(login_as, officer, person):
    login_as(officer).get(reverse("people:file_pdf", args=[person.pk]))
    event = AuditEvent.objects.get(code=AuditCode.PERSON_VIEWED)
    assert event.person_id == person.pk
    assert event.actor == officer.user
    assert event.data == {"nir_shown": True, "screen": "fiche imprimée (PDF)"}


@pytest.mark.parametrize("case", ["other_departement", "partner_role", "unknown"])
def test_a_professional_who_may_not_see_the_person_gets_404(login_as, person, landes, case):
    if case == "other_departement":
        other = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
        actor = MembershipFactory(
            role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=other
        )
    else:
        role = Role.PARTNER if case == "partner_role" else Role.ORIENTATION_OFFICER
        actor = MembershipFactory(role=role, organisation__departement=landes)
    pk = 999_999 if case == "unknown" else person.pk
    response = login_as(actor).get(reverse("people:file_pdf", args=[pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).exists()


def test_a_person_without_dsp_gets_no_dsp_lines(login_as, officer, person):
    text = _text(login_as(officer).get(reverse("people:file_pdf", args=[person.pk])))
    assert "DSP non renseignées" in text
    assert "Situation professionnelle" not in text
    assert "Freins déclarés" not in text
    assert "Pas encore orientée." in text


def test_the_history_is_printed_with_a_constant_number_of_queries(login_as, officer, person, landes):
    _orient(officer, person, landes)
    client = login_as(officer)
    url = reverse("people:file_pdf", args=[person.pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    ChangeEvent.objects.bulk_create(
        ChangeEvent(person=person, kind=ChangeKind.IDENTITY_UPDATED, actor=officer.user, data={}) for _ in range(80)
    )
    with CaptureQueriesContext(connection) as long:
        text = _text(client.get(url))
    assert len(long) == len(short)
    assert "Les 50 événements les plus récents sur " in text
