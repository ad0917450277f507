"""The exit indicators (J04, L18, P61, P59, J03, J09, J13) on small cases built by hand; the expected values are
counted by hand in the comments, never produced by the engine."""

import datetime

import pytest

from jalon.exits.services import checkpoint_record, employer_feedback_record, exit_record, exit_reopen
from jalon.observatory.engine import computations, evaluate, value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.periods import Period
from tests.exits.conftest import TODAY, oriented_person, world  # noqa: F401  (the exits' world)


pytestmark = pytest.mark.django_db
EXITED = datetime.date(2026, 3, 2)
YEAR = Period(PeriodKind.YEAR, datetime.date(2026, 1, 1))
LAST_YEAR = Period(PeriodKind.YEAR, datetime.date(2025, 1, 1))


def whole(built, code, period=YEAR):
    """(numerator, denominator, value) of an indicator for the whole Département."""
    spec = computations()[code]
    code_dep = built.departement.code
    cell = evaluate(spec, code_dep, period)[(TerritoryLevel.DEPARTEMENT, code_dep, Dimension.ALL, "")]
    return (cell.numerator, cell.denominator, value_of(spec.unit, cell.numerator, cell.denominator))


def test_exit_indicators_by_hand(world):  # noqa: F811
    people = [
        oriented_person(departement=world.departement, agency=world.agency, referent=world.referent)[0]
        for _ in range(6)
    ]
    actor = world.actor

    def out(person, code, employer="Conserverie Lafitte"):
        return exit_record(
            actor=actor,
            person=person,
            exit_type=world.type(code),
            exited_on=EXITED,
            employer_name=employer,
            today=TODAY,
        )

    def point(exit, months, employed, **fields):
        done = datetime.date(2026, 3, 2) + datetime.timedelta(days=30 * months)
        extra = {"same_employer": True} if employed else {"rupture_on": done, "rupture_reason": "démission"}
        return checkpoint_record(
            actor=actor,
            exit=exit,
            months=months,
            done_on=done,
            still_employed=employed,
            today=TODAY,
            **extra,
            **fields,
        )

    a = out(people[0], "cdi")  # employed at 1 and 6 months
    point(a, 1, True)
    point(a, 6, True)
    b = out(people[1], "cdd_less_6")  # rupture at 3 months (trial), not employed at 6
    point(b, 3, False, in_trial_period=True)
    point(b, 6, False)
    c = out(people[2], "pec")  # employed at 6 months
    point(c, 6, True)
    out(people[3], "siae")  # no point done yet: neither retention nor rupture counts it
    out(people[4], "formation", employer="")  # positive, not to employment
    out(people[5], "perdu_de_vue", employer="")  # other
    reopened = out(world.person, "cdi")  # reopened: out of every figure
    point(reopened, 1, False)
    exit_reopen(actor=actor, exit=reopened, reason="retour", today=TODAY)

    # J04: 6 exits in force (the reopened one is out of every figure).
    assert whole(world, "J04")[0] == 6
    # L18: positive under the Landes rule (IAE « sorties dynamiques »): cdi, cdd<6, pec, siae, formation = 5 of 6.
    assert whole(world, "L18") == (5, 6, 5 / 6)
    # P61: the same 5 positive exits, counted.
    assert whole(world, "P61")[0] == 5
    # P59: 6-month points done: a (employed), b (not), c (employed) → 2 of 3.
    assert whole(world, "P59") == (2, 3, 2 / 3)
    # J03: exits to employment with a point done: a, b, c; with a rupture: b → 1 of 3.
    assert whole(world, "J03") == (1, 3, 1 / 3)
    # Another year: no exit, and no rate rather than 0 %.
    assert whole(world, "J04", LAST_YEAR)[0] == 0
    assert whole(world, "L18", LAST_YEAR)[2] is None and whole(world, "P59", LAST_YEAR)[2] is None


def test_follow_up_at_two_years_and_the_employers_side_by_hand(world):  # noqa: F811
    exited = datetime.date(2024, 1, 10)
    people = [
        oriented_person(
            departement=world.departement,
            agency=world.agency,
            referent=world.referent,
            decided_on=datetime.date(2023, 6, 1),
        )[0]
        for _ in range(4)
    ]
    actor = world.actor

    def out(person, code, employer="Conserverie Lafitte"):
        return exit_record(
            actor=actor,
            person=person,
            exit_type=world.type(code),
            exited_on=exited,
            employer_name=employer,
            today=TODAY,
        )

    def two_years(exit, employed):
        done = datetime.date(2026, 1, 15)
        extra = (
            {"same_employer": True} if employed else {"rupture_on": datetime.date(2025, 6, 1), "rupture_reason": "fin"}
        )
        return checkpoint_record(
            actor=actor, exit=exit, months=24, done_on=done, still_employed=employed, today=TODAY, **extra
        )

    a = out(people[0], "cdi")  # still employed two years on; the employer was heard
    two_years(a, True)
    employer_feedback_record(
        actor=actor, exit=a, given_on=datetime.date(2024, 2, 1), assessment="good", supports=["sponsor"], today=TODAY
    )
    b = out(people[1], "pec")  # no longer employed two years on
    two_years(b, False)
    out(people[2], "cdi")  # its point at two years not done: out of J09
    out(people[3], "formation", employer="")  # not to employment: out of both
    year_2024 = Period(PeriodKind.YEAR, datetime.date(2024, 1, 1))

    # J09: points at two years done: a (employed), b (not) → 1 of 2.
    assert whole(world, "J09", year_2024) == (1, 2, 1 / 2)
    # J13: exits to employment a, b, c; the employer heard for a → 1 of 3.
    assert whole(world, "J13", year_2024) == (1, 3, 1 / 3)
    # Another year: no rate rather than 0 %.
    assert whole(world, "J09", YEAR)[2] is None and whole(world, "J13", LAST_YEAR)[2] is None
