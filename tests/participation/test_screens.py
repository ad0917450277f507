import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.participation import services
from jalon.participation.models import Attendance, Expense, Member, Proposal
from jalon.participation.person_space import person_space_panel
from jalon.workspace.homes import home_summary
from tests.conftest import actor_for
from tests.participation.factories import NOW, TODAY, at, participation_build, volunteer


pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield participation_build()


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _meeting(world, day=datetime.date(2026, 10, 6)):
    return services.meeting_save(
        actor=world.actor("pilot"),
        body=world.committee,
        held_at=at(day),
        place="Maison des solidarités",
        agenda="Accueil\nLes convocations",
        now=NOW,
    )


def test_the_pilot_seats_a_member_from_the_form_and_consent_is_required(world, login_as):
    client = login_as(world.memberships["pilot"])
    url = reverse("participation:member_add", kwargs={"pk": world.committee.pk})
    person = volunteer(world.departement, last_name="DURAND")
    data = {
        "person": person.pk,
        "seat": "suppleant",
        "consent_channel": "ecrit",
        "starts_on": "2026-11-15",
        "ends_on": "2027-11-14",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Le consentement de la personne est obligatoire" in response.content.decode()
    assert not Member.objects.filter(person=person).exists()
    response = client.post(url, {**data, "consent_on": "2026-11-03"})
    assert response.status_code == 302
    assert Member.objects.get(person=person).seat == "suppleant"


def test_the_committee_page_shows_members_and_writes_the_audit_event(world, login_as):
    held = _meeting(world)
    response = login_as(world.memberships["referent"]).get(
        reverse("participation:body", kwargs={"pk": world.committee.pk})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "ARNAUD" in page and held.held_at.strftime("%d/%m/%Y") in page
    assert "Ajouter un membre" not in page  # an SDSEI's referent reads only
    event = AuditEvent.objects.get(code=AuditCode.PARTICIPATION_MEMBERS_VIEWED)
    assert sorted(event.data["persons"]) == sorted(p.pk for p in world.people)


@pytest.mark.parametrize("key", ["other_manager", "partner_admin"])
def test_others_get_a_404(world, login_as, key):
    client = login_as(world.memberships[key])
    assert client.get(reverse("participation:body", kwargs={"pk": world.committee.pk})).status_code == 404
    held = _meeting(world)
    url = reverse("participation:meeting", kwargs={"pk": world.committee.pk, "meeting_pk": held.pk})
    assert client.get(url).status_code == 404


def test_the_manager_records_attendance_and_expenses_on_the_meeting_screen(world, login_as):
    held = _meeting(world)
    client = login_as(world.memberships["manager"])
    kwargs = {"pk": world.committee.pk, "meeting_pk": held.pk}
    titular, substitute = world.members
    response = client.post(
        reverse("participation:attendance", kwargs=kwargs),
        {f"m{titular.pk}": "present", f"m{substitute.pk}": "excuse"},
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=held).count() == 2
    response = client.post(
        reverse("participation:expense_add", kwargs=kwargs),
        {"member": titular.pk, "nature": "transport", "amount": "-3"},
    )
    assert "Le montant doit être positif" in response.content.decode()
    response = client.post(
        reverse("participation:expense_add", kwargs=kwargs),
        {"member": titular.pk, "nature": "repas", "amount": "9.50", "paid_on": "2026-10-20"},
    )
    assert response.status_code == 302 and Expense.objects.get().amount == 9.5
    page = _text(client.get(reverse("participation:meeting", kwargs=kwargs)))
    assert "1 présent, 1 excusé, 0 absent" in page
    assert "9.50" in page or "9,50" in page


def test_the_pilot_answers_a_proposal_and_a_refusal_without_reason_is_refused(world, login_as):
    held = _meeting(world)
    proposal = services.proposal_record(
        actor=world.actor("pilot"),
        body=world.committee,
        title="Un livret FALC",
        made_at=held,
        made_on=None,
        today=TODAY,
    )
    client = login_as(world.memberships["pilot"])
    url = reverse("participation:proposal_answer", kwargs={"pk": world.committee.pk, "proposal_pk": proposal.pk})
    response = client.post(url, {"status": "refusee", "answer": "Non"})
    assert "Un refus se motive" in response.content.decode()
    assert Proposal.objects.get().status == "etude"
    response = client.post(url, {"status": "en_cours", "answer": "Rédaction lancée avec deux membres."})
    assert response.status_code == 302 and Proposal.objects.get().status == "en_cours"


def test_the_followup_list_is_exported(world, login_as):
    services.proposal_record(
        actor=world.actor("pilot"),
        body=world.committee,
        title="Convocations par SMS",
        made_at=None,
        made_on=datetime.date(2026, 9, 1),
        today=TODAY,
    )
    client = login_as(world.memberships["analyst"])
    assert "Convocations par SMS" in client.get(reverse("participation:proposals")).content.decode()
    response = client.get(reverse("participation:proposals_export"), {"statut": "etude"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Convocations par SMS" in body.decode("utf-8-sig")
    xlsx = client.get(reverse("participation:proposals_export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pilot_home_shows_the_waiting_proposals_and_next_meetings(world, login_as):
    services.proposal_record(
        actor=world.actor("pilot"),
        body=world.committee,
        title="Garde d'enfants pendant les réunions",
        made_at=None,
        made_on=datetime.date(2026, 11, 1),
        today=TODAY,
    )
    _meeting(world, day=datetime.date(2027, 1, 12))
    summary = home_summary(actor=actor_for(world.memberships["pilot"]))
    assert [p.title for p in summary["participation"]["waiting"]] == ["Garde d'enfants pendant les réunions"]
    page = _text(login_as(world.memberships["pilot"]).get(reverse("workspace:home")))
    assert "Garde d'enfants pendant les réunions" in page and "12/01/2027" in page
    assert "participation" not in home_summary(actor=actor_for(world.memberships["referent"]))


def test_the_member_sees_the_next_meetings_in_their_space(world):
    _meeting(world, day=datetime.date(2027, 1, 12))
    panel = person_space_panel(person=world.people[0])
    assert panel["template"] == "participation/person_space_panel.html"
    assert [m.day for m in panel["meetings"]] == [datetime.date(2027, 1, 12)]
    assert person_space_panel(person=volunteer(world.departement, last_name="ZED")) == {}


def test_the_api_lists_bodies_meetings_and_proposals_without_names(world, login_as):
    held = _meeting(world)
    services.attendance_record(
        actor=world.actor("pilot"), meeting=held, statuses={world.members[0].pk: "present"}, now=NOW
    )
    client = login_as(world.memberships["analyst"])
    bodies = client.get(reverse("api:participation_bodies")).json()
    committee = next(b for b in bodies if b["id"] == world.committee.pk)
    assert committee["members_in_office"] == 2 and committee["meetings_this_year"] == 1
    meetings = client.get(reverse("api:participation_meetings", kwargs={"pk": world.committee.pk})).json()
    assert meetings[0]["present"] == 1 and meetings[0]["agenda"] == ["Accueil", "Les convocations"]
    assert "ARNAUD" not in str(bodies) + str(meetings)
    assert client.get(reverse("api:participation_proposals")).json() == []
    other = login_as(world.memberships["partner_admin"])
    assert other.get(reverse("api:participation_bodies")).status_code == 404
