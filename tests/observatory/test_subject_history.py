"""Who was subject to rights and duties on a past day, when the flux has since cleared the flag. The CAF/MSA stops
flagging a person once her right is closed: the stocks of the months she was in the RSA, the cohort she entered and
the year's individual histories keep her. Every expected value is counted by hand in the comment beside it.

Six applicants, each alone in a household whose right opened on 01/03/2025 (Landes):
- A: closed 30/06; the flux cleared her flag on 05/07 (a « plus soumis » event); first received 05/03, open.
- B: closed 31/05; first received 10/06, already closed: Jalon never saw her flag while the right was open.
- C: open; never flagged (received open 05/03, the flux says « non soumis »).
- D: closed 31/05; never flagged while Jalon received the right open (05/03): not subject before the closure either.
- E: open; flagged.
- F: open; flagged until the flux cleared it on 20/04 (activity income, the right goes on)."""

import datetime

import pytest

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.observatory import cohorts
from jalon.observatory.engine import computations, evaluate, whole
from jalon.observatory.enums import PeriodKind
from jalon.observatory.oarsa_history import history_population
from jalon.observatory.periods import Period
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent, RsaRight
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import PARIS
from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

D = datetime.date
OPENED = D(2025, 3, 1)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 8, tzinfo=PARIS)


@pytest.fixture
def people():
    landes = DepartementFactory(code="40")
    mdm = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes)
    found = {}

    def applicant(name, *, received, flagged, closed=None, cleared=None):
        household = HouseholdFactory(departement=landes)
        right = RsaRightFactory(
            household=household,
            state=RightState.CLOSED if closed else RightState.OPEN,
            request_date=OPENED,
            opening_date=OPENED,
            closure_date=closed,
        )
        RsaRight.objects.filter(pk=right.pk).update(created_at=at(received))
        person = PersonFactory(departement=landes, commune=mdm)
        HouseholdMemberFactory(household=household, person=person, subject_to_rights_and_duties=flagged)
        if cleared:
            ChangeEvent.objects.create(
                kind=ChangeKind.NO_LONGER_SUBJECT, household=household, person=person, occurred_at=at(cleared)
            )
        found[name] = person

    applicant("A", received=D(2025, 3, 5), flagged=False, closed=D(2025, 6, 30), cleared=D(2025, 7, 5))
    applicant("B", received=D(2025, 6, 10), flagged=None, closed=D(2025, 5, 31))
    applicant("C", received=D(2025, 3, 5), flagged=False)
    applicant("D", received=D(2025, 3, 5), flagged=False, closed=D(2025, 5, 31))
    applicant("E", received=D(2025, 3, 5), flagged=True)
    applicant("F", received=D(2025, 3, 5), flagged=False, cleared=D(2025, 4, 20))
    found["cd"] = OrganisationFactory(kind="cd", departement=landes, name="CD")
    return found


def month(number: int) -> Period:
    return Period(PeriodKind.MONTH, D(2025, number, 1))


@pytest.mark.parametrize("segmented", [True, False], ids=["segment batch", "per-row subqueries"])
def test_the_stock_of_a_past_month_keeps_who_was_subject_then(people, segmented):
    spec = computations()["L69"]
    counts = {
        number: whole(evaluate(spec, "40", month(number), segmented=segmented)).numerator for number in (3, 4, 5, 6)
    }
    # 31/03: A (cleared after), B (received closed), E (flagged), F (cleared on 20/04, after) = 4.
    # 30/04: A, B, E (F cleared on 20/04) = 3. 31/05: A, E (B's right closed on 31/05) = 2. 30/06: E = 1.
    # C and D never: the flux said « non soumis » while their rights were open.
    assert counts == {3: 4, 4: 3, 5: 2, 6: 1}


def test_the_cohort_keeps_the_entrants_who_left(people):
    march = cohorts.cohort("40", month(3), D(2026, 6, 1))
    # Entrants of March 2025: A, B, E, F (subject at some point while the right was open); not C nor D.
    found = cohorts.entrants("40", month(3).start, month(3).end)
    assert {p.pk for p in found} == {people[name].pk for name in "ABEF"}
    assert march.size == 4
    exited = [row for row in march.rows if row.code == "exited"][0]
    # Out of the RSA: B on 31/05 (day 91), A on 30/06 (day 121): none by 15, 30, 60 or 90 days, both by 180 and 365.
    assert [(cell.numerator, cell.denominator) for cell in exited.cells] == [
        (0, 4),
        (0, 4),
        (0, 4),
        (0, 4),
        (2, 4),
        (2, 4),
    ]


def test_the_year_s_individual_histories_keep_who_was_subject_on_one_day(people):
    analyst = MembershipFactory(role=Role.ANALYST, organisation=people["cd"])
    actor = Actor(user=analyst.user, membership=analyst, memberships=(analyst,))
    found = history_population(actor=actor, departement_id="40", year=2025)
    # Subject on one day of 2025 at least: A, B, E, F.
    assert {p.pk for p in found} == {people[name].pk for name in "ABEF"}
    # Nobody in 2026: A's and B's rights closed in 2025, and the flux cleared F's flag then.
    assert {p.pk for p in history_population(actor=actor, departement_id="40", year=2026)} == {people["E"].pk}
