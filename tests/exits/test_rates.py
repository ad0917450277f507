"""The exit figures on a small case built by hand; the expected values are counted by hand in the comments."""

import datetime

import pytest

from jalon.exits.enums import IaeCategory
from jalon.exits.models import Exit
from jalon.exits.selectors import exit_rates, retention_rate, rupture_rate
from jalon.exits.services import checkpoint_record, exit_record, exit_reopen
from tests.exits.conftest import TODAY, oriented_person


pytestmark = pytest.mark.django_db
EXITED = datetime.date(2026, 3, 2)


def test_exit_rates_by_hand(world):
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

    exits = Exit.objects.in_period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    rates = exit_rates(exits)
    # 6 exits in force; positive under the Landes rule (IAE « sorties dynamiques »): cdi, cdd<6, pec, siae,
    # formation = 5 of 6 → 83.3 %.
    assert rates.count == 6
    assert (rates.positive.numerator, rates.positive.denominator) == (5, 6)
    assert str(rates.positive.percent) == "83.3"
    assert rates.by_category == {
        IaeCategory.DURABLE: 1,
        IaeCategory.TRANSITION: 3,
        IaeCategory.POSITIVE: 1,
        IaeCategory.OTHER: 1,
    }
    # 6-month points done: a (employed), b (not), c (employed) → 2 of 3 = 66.7 %.
    retention = retention_rate(exits, months=6)
    assert (retention.numerator, retention.denominator) == (2, 3)
    assert str(retention.percent) == "66.7"
    # Exits to employment with a point done: a, b, c; with a rupture: b → 1 of 3 = 33.3 %.
    rupture = rupture_rate(exits)
    assert (rupture.numerator, rupture.denominator) == (1, 3)
    assert str(rupture.percent) == "33.3"
    # Outside the period: nothing, and no rate rather than 0 %.
    empty = Exit.objects.in_period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert exit_rates(empty).count == 0 and exit_rates(empty).positive.percent is None
    assert retention_rate(empty).percent is None
