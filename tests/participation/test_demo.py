"""The demo's participation on a small Département, built twice: the second run creates nothing."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from jalon.core.enums import Role
from jalon.orientation.models import EplMeeting
from jalon.participation import demo
from jalon.participation.models import Attendance, Body, EplAttendance, Expense, Meeting, Member, Proposal
from jalon.participation.selectors import participation_counts
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.participation.factories import volunteer
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def _counts():
    return [model.objects.count() for model in (Body, Member, Meeting, Attendance, Expense, Proposal, EplAttendance)]


@time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC), tick=False)
def test_the_demo_builds_a_committee_per_sdsei_and_the_epl_seats_once():
    departement = DepartementFactory()
    cd = OrganisationFactory(name="Département", kind="cd", departement=departement)
    sdsei = [OrganisationFactory(name=f"SDSEI {n}", kind="sdsei", departement=departement) for n in ("Nord", "Sud")]
    MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)
    for index in range(24):
        volunteer(departement, last_name=f"VOLONTAIRE{index}")
    for days in (10, 24, 38):
        EplMeeting.objects.create(
            departement=departement, organisation=cd, held_at=timezone.now() - datetime.timedelta(days=days)
        )
    ctx = SimpleNamespace(
        config=SimpleNamespace(code="40", organisations=[]),
        departement=departement,
        organisations={"cd": cd, "tas_nord": sdsei[0], "tas_sud": sdsei[1]},
        territories={},
        log=lambda _message: None,
    )
    demo.build(ctx)
    first = _counts()
    demo.build(ctx)
    assert _counts() == first

    assert Body.objects.committees().count() == 2 and Body.objects.epl().count() == 1
    committee = Body.objects.committees().first()
    assert set(committee.members.values_list("seat", flat=True)) == {"titulaire", "suppleant"}
    assert committee.members.filter(left_on__isnull=False).count() == 1
    assert committee.meetings.filter(held_at__lte=timezone.now()).count() == 4
    assert committee.meetings.filter(held_at__gt=timezone.now()).count() == 1
    assert set(committee.proposals.values_list("status", flat=True)) == {
        "etude",
        "acceptee",
        "en_cours",
        "realisee",
        "refusee",
    }
    assert Expense.objects.filter(meeting__body=committee).exists()
    assert EplAttendance.objects.filter(status="present").exists()
    counts = participation_counts(departement_id=departement.code, year=2026)
    assert counts["committee_members"] == 16 and counts["epl_users"] == 4
