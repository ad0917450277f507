"""A manager hands the people a référent follows over to a colleague of the same organisation, all at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.inbox.enums import NotificationKind
from jalon.inbox.models import Notification
from jalon.orientation.models import ReferentAssignment
from jalon.orientation.services import caseload_transfer
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db
SINCE = datetime.date(2026, 2, 2)


@pytest.fixture
def team(db):
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="sdsei")
    sdsei = manager.organisation
    leaving = MembershipFactory(role=Role.REFERENT, organisation=sdsei)
    colleague = MembershipFactory(role=Role.REFERENT, organisation=sdsei)
    analyst = MembershipFactory(role=Role.ANALYST, organisation=sdsei)
    people = [
        PersonFactory(departement=sdsei.departement, last_name=name, first_name="Anne")
        for name in ("Bernard", "Cazaux", "Dupuy")
    ]
    for person in people:
        ReferentAssignment.objects.create(person=person, referent=leaving.user, organisation=sdsei, started_on=SINCE)
    return manager, leaving, colleague, analyst, people


def _current(person):
    return ReferentAssignment.objects.current().get(person=person)


def test_the_people_checked_move_to_the_colleague_with_their_history_and_the_inbox_tells_her(team):
    manager, leaving, colleague, _, people = team
    moved = caseload_transfer(
        actor=actor_for(manager),
        from_referent=leaving.user,
        person_ids=[people[0].pk, people[1].pk],
        to_referent=colleague.user,
        reason="départ en retraite",
    )
    assert moved == 2
    assert [_current(person).referent for person in people] == [colleague.user, colleague.user, leaving.user]
    old = ReferentAssignment.objects.get(person=people[0], referent=leaving.user)
    assert old.ended_on is not None and _current(people[0]).reason == "départ en retraite"
    assert AuditEvent.objects.filter(code=AuditCode.REFERENT_ASSIGNED).count() == 2
    [notification] = Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.CASELOAD_TRANSFERRED)
    assert notification.title == "2 personnes vous sont confiées : départ en retraite"
    assert notification.organisation_id == manager.organisation_id


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"person_ids": []}, "persons", "au moins une personne"),
        ({"to_referent": None}, "to_referent", "Choisissez le référent"),
        ({"to_referent": "leaving"}, "to_referent", "un autre référent"),
        ({"to_referent": "analyst"}, "to_referent", "n'est pas référent"),
        ({"reason": " "}, "reason", "motif"),
    ],
)
def test_bad_transfers_are_refused_in_french_and_nobody_moves(team, change, field, words):
    manager, leaving, colleague, analyst, people = team
    values = {"person_ids": [p.pk for p in people], "to_referent": colleague.user, "reason": "congé"}
    values.update(change)
    if values["to_referent"] == "leaving":
        values["to_referent"] = leaving.user
    elif values["to_referent"] == "analyst":
        values["to_referent"] = analyst.user
    with pytest.raises(ValidationError) as error:
        caseload_transfer(actor=actor_for(manager), from_referent=leaving.user, **values)
    assert words in " ".join(error.value.message_dict[field])
    assert all(_current(person).referent == leaving.user for person in people)


def test_a_list_read_before_someone_moved_one_person_moves_nobody(team):
    manager, leaving, colleague, _, people = team
    caseload_transfer(
        actor=actor_for(manager),
        from_referent=leaving.user,
        person_ids=[people[2].pk],
        to_referent=colleague.user,
        reason="rééquilibrage",
    )
    with pytest.raises(ValidationError, match="rechargez la page"):
        caseload_transfer(
            actor=actor_for(manager),
            from_referent=leaving.user,
            person_ids=[p.pk for p in people],
            to_referent=colleague.user,
            reason="départ",
        )
    assert [_current(person).referent for person in people[:2]] == [leaving.user, leaving.user]


def test_the_screen_lists_the_people_and_transfers_them(team, login_as):
    manager, leaving, colleague, _, people = team
    client = login_as(manager)
    caseload = client.get(reverse("orientation:caseload")).content.decode()
    url = reverse("orientation:caseload_transfer", kwargs={"referent_pk": leaving.user_id})
    assert url in caseload
    page = client.get(url).content.decode()
    assert "BERNARD Anne" in page and "checked" in page
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, data__screen="transfert de portefeuille").get()
    assert sorted(event.data["persons"]) == sorted(p.pk for p in people)
    # A référent of the organisation does not transfer; another organisation's manager finds nothing there.
    assert login_as(colleague).get(url).status_code == 404
    stranger = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="sdsei")
    assert login_as(stranger).get(url).status_code == 404
    client = login_as(manager)
    refused = client.post(url, {"persons": [people[0].pk], "reason": "départ"})
    assert refused.status_code == 200 and "Choisissez le référent" in refused.content.decode()
    done = client.post(url, {"persons": [p.pk for p in people], "to_referent": colleague.user_id, "reason": "départ"})
    assert done.status_code == 302
    assert all(_current(person).referent == colleague.user for person in people)
