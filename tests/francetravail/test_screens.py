"""The France Travail page and panel: read on demand, refused when it is about someone else, a clear message when
the service fails; an appointment's attendance sent once and recorded."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.francetravail.enums import PushStatus
from jalon.francetravail.models import AttendancePush
from jalon.notebook.models import Appointment, Notebook
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.francetravail.conftest import JULIE
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Julie, followed by a référent of a France Travail agency, with a past appointment she was excused from."""
    landes = DepartementFactory()
    agency = OrganisationFactory(kind="france_travail", departement=landes, name="France Travail Mont-de-Marsan")
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    person = PersonFactory(
        departement=landes, nir=JULIE["nir"], birth_date=datetime.date.fromisoformat(JULIE["birth_date"])
    )
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 1, 5),
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=agency)
    notebook = Notebook.objects.create(person=person)
    starts_at = timezone.now() - datetime.timedelta(days=2)
    appointment = Appointment.objects.create(
        notebook=notebook,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        professional=referent.user,
        organisation=agency,
        attendance="excuse",
    )
    stranger = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    return person, referent, appointment, stranger


def _consult(client, person):
    return client.get(reverse("francetravail:situation", args=[person.pk]), {"consulter": "1"})


def test_the_person_file_offers_the_consultation(world, login_as):
    person, referent, _, _ = world
    response = login_as(referent).get(reverse("people:detail", args=[person.pk]))

    assert "Consulter France Travail" in response.text
    assert "La connexion à France Travail n'est pas configurée" in response.text


def test_without_a_configured_service_the_page_says_so_without_error(world, login_as):
    person, referent, _, _ = world
    response = _consult(login_as(referent), person)

    assert response.status_code == 200
    assert "La connexion à France Travail n&#x27;est pas configurée" in response.text


def test_the_referent_reads_the_registration_and_accompaniment_audited(world, login_as, connected):
    person, referent, _, _ = world
    response = _consult(login_as(referent), person)

    assert response.status_code == 200
    assert "inscrite depuis le 05/02/2024" in response.text
    assert "Accompagnement guidé — France Travail Mont-de-Marsan (40011)" in response.text
    consulted = AuditEvent.objects.get(code=AuditCode.FRANCE_TRAVAIL_CONSULTED, person_id=person.pk)
    assert consulted.data["outcome"] == "ok"
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person.pk).exists()


def test_opening_the_page_does_not_call_france_travail(world, login_as, connected):
    person, referent, _, _ = world
    before = len(connected.requests_received())
    response = login_as(referent).get(reverse("francetravail:situation", args=[person.pk]))

    assert response.status_code == 200
    assert len(connected.requests_received()) == before
    assert not AuditEvent.objects.filter(code=AuditCode.FRANCE_TRAVAIL_CONSULTED).exists()


def test_someone_who_does_not_follow_the_person_gets_404(world, login_as, connected):
    person, _, _, stranger = world
    before = len(connected.requests_received())

    assert _consult(login_as(stranger), person).status_code == 404
    assert len(connected.requests_received()) == before


def test_an_answer_about_someone_else_is_refused_and_not_shown(
    world, login_as, connected, simulator_factory, settings
):
    settings.FRANCE_TRAVAIL_API_URL = simulator_factory("mismatch").api_url
    person, referent, _, _ = world
    response = _consult(login_as(referent), person)

    assert response.status_code == 200
    assert "ne correspond pas à cette personne" in response.text
    assert "Mont-de-Marsan (40011)" not in response.text
    assert "inscrite depuis" not in response.text


def test_a_service_down_says_try_later(world, login_as, connected, simulator_factory, settings):
    down = simulator_factory("down")
    settings.FRANCE_TRAVAIL_API_URL, settings.FRANCE_TRAVAIL_TOKEN_URL = down.api_url, down.token_url
    person, referent, _, _ = world
    response = _consult(login_as(referent), person)

    assert response.status_code == 200
    assert "injoignable" in response.text and "Réessayez plus tard" in response.text
    assert AuditEvent.objects.get(code=AuditCode.FRANCE_TRAVAIL_CONSULTED).data["outcome"] == "unreachable"


def _push(client, person, appointment, *, follow=True):
    return client.post(reverse("francetravail:attendance_push", args=[person.pk, appointment.pk]), follow=follow)


def test_the_attendance_is_sent_once_and_recorded(world, login_as, connected, django_capture_on_commit_callbacks):
    person, referent, appointment, _ = world
    client = login_as(referent)
    with django_capture_on_commit_callbacks(execute=True):
        _push(client, person, appointment, follow=False)

    push = AttendancePush.objects.get(appointment=appointment)
    assert push.status == PushStatus.SENT and push.attendance == "excuse" and push.sent_at and push.reference
    assert f"(réf. {push.reference})" in client.get(reverse("francetravail:situation", args=[person.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        again = _push(client, person, appointment)
    assert "déjà transmise à France Travail" in again.text
    received = [
        item for item in connected.attendances_received() if item["idRendezVousPartenaire"] == str(appointment.pk)
    ]
    assert [item["presence"] for item in received] == ["EXCUSE"]
    assert AuditEvent.objects.filter(code=AuditCode.FRANCE_TRAVAIL_ATTENDANCE_SENT).count() == 1


def test_a_failed_send_is_recorded_and_may_be_asked_again(
    world, login_as, connected, simulator_factory, settings, django_capture_on_commit_callbacks
):
    failing = simulator_factory("error")
    settings.FRANCE_TRAVAIL_API_URL, settings.FRANCE_TRAVAIL_TOKEN_URL = failing.api_url, failing.token_url
    person, referent, appointment, _ = world
    client = login_as(referent)
    with django_capture_on_commit_callbacks(execute=True):
        _push(client, person, appointment)
    push = AttendancePush.objects.get(appointment=appointment)
    assert push.status == PushStatus.FAILED and "code 503" in push.last_error and push.sent_at is None

    settings.FRANCE_TRAVAIL_API_URL, settings.FRANCE_TRAVAIL_TOKEN_URL = connected.api_url, connected.token_url
    with django_capture_on_commit_callbacks(execute=True):
        _push(client, person, appointment)
    push.refresh_from_db()
    assert push.status == PushStatus.SENT and push.attempts == 2


def test_an_appointment_without_attendance_or_france_travail_adviser_is_refused(world, login_as, connected):
    person, referent, appointment, _ = world
    Appointment.objects.filter(pk=appointment.pk).update(attendance="")
    response = _push(login_as(referent), person, appointment)
    assert "abord la présence à ce rendez-vous" in response.text

    other = OrganisationFactory(kind="association", departement=person.departement)
    Appointment.objects.filter(pk=appointment.pk).update(attendance="present", organisation=other)
    response = _push(login_as(referent), person, appointment)
    assert "pas tenu par un conseiller France Travail" in response.text
    assert not AttendancePush.objects.exists()


def test_another_referent_cannot_send(world, login_as, connected):
    person, _, appointment, stranger = world
    assert (
        login_as(stranger).post(reverse("francetravail:attendance_push", args=[person.pk, appointment.pk])).status_code
        == 404
    )
    assert not AttendancePush.objects.exists()
