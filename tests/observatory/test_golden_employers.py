"""The employer and immersion indicators (L56, P50, J11, L63, L62, J10, P54, J12) on a small case built by hand; the
expected values are counted by hand in the comments, never produced by the engine."""

import datetime

import pytest

from jalon.employers.models import Employer
from jalon.employers.services import (
    commitment_record,
    employer_create,
    employer_group_create,
    immersion_review,
    immersion_transition,
    interaction_record,
)
from jalon.exits.services import checkpoint_record, exit_record
from jalon.observatory.enums import PeriodKind
from jalon.observatory.periods import Period
from tests.employers.conftest import OTHER_SIRET, place  # noqa: F401  (the employers' place)
from tests.exits.conftest import oriented_person, world  # noqa: F401
from tests.observatory.test_golden_exits import whole
from tests.territories.factories import CommuneFactory


pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)
YEAR = Period(PeriodKind.YEAR, datetime.date(2026, 1, 1))
LAST_YEAR = Period(PeriodKind.YEAR, datetime.date(2025, 1, 1))
OCTOBER = Period(PeriodKind.MONTH, datetime.date(2026, 10, 1))
NOVEMBER = Period(PeriodKind.MONTH, datetime.date(2026, 11, 1))
D = datetime.date


def test_employer_indicators_by_hand(place):  # noqa: F811
    w = place.world
    referent, admin = place.referent, place.admin
    people = [w.person, w.other_person] + [
        oriented_person(departement=w.departement, agency=w.agency, referent=w.referent)[0] for _ in range(5)
    ]
    a = place.employer
    b = employer_create(
        actor=referent,
        siret=OTHER_SIRET,
        name="Clinique des Pins",
        naf_code="86.10Z",
        commune=CommuneFactory(departement=w.departement, code="40088", name="Dax"),
    )
    c = employer_create(
        actor=referent, siret="80123456700015", name="Scierie Labat", naf_code="16.10A", commune=place.commune
    )

    def immersion(person, employer, start, end, *, validate=True):
        made = place.immersion(person=person, employer=employer, starts_on=start, days=(end - start).days + 1)
        if not validate:
            return made
        for action, extra in (
            ("submit", {}),
            ("sign_person", {"signed_on": TODAY}),
            ("sign_employer", {"signed_on": TODAY}),
        ):
            made = immersion_transition(actor=referent, immersion=made, action=action, today=TODAY, **extra)
        return immersion_transition(actor=admin, immersion=made, action="validate", today=TODAY)

    def review(made, outcome, job=False, last_day=None):
        hire = {"hire_contract": "cdi", "hire_starts_on": D(2026, 11, 20)} if job else {}
        immersion_review(
            actor=referent,
            immersion=made,
            outcome=outcome,
            led_to_job=job,
            last_day_present=last_day,
            today=TODAY,
            **hire,
        )

    i1 = immersion(people[0], a, D(2026, 11, 2), D(2026, 11, 11))  # 10 days, led to a job
    review(i1, "completed", job=True)
    i2 = immersion(people[1], b, D(2026, 10, 20), D(2026, 11, 8))  # left on 25 October: 6 days
    review(i2, "partial", last_day=D(2026, 10, 25))
    i3 = immersion(people[2], a, D(2026, 11, 20), D(2026, 11, 29))  # did not show
    review(i3, "not_done")
    immersion(people[3], a, D(2026, 11, 2), D(2026, 11, 6), validate=False)  # a draft: counts nowhere
    i5 = immersion(people[4], c, D(2026, 12, 10), D(2026, 12, 12))  # validated, then cancelled
    immersion_transition(actor=referent, immersion=i5, action="cancel", reason="entreprise fermée", today=TODAY)

    interaction_record(actor=referent, employer=a, occurred_on=D(2026, 3, 4), kind="visite", today=TODAY)
    interaction_record(actor=referent, employer=a, occurred_on=D(2026, 5, 4), kind="appel", today=TODAY)
    interaction_record(actor=referent, employer=b, occurred_on=D(2025, 9, 1), kind="forum", today=TODAY)

    employer_group_create(actor=admin, name="GE Agri", commune=place.commune, created_on=D(2024, 3, 1), today=TODAY)
    dissolved = employer_group_create(
        actor=admin, name="GE Saison", commune=place.commune, created_on=D(2025, 1, 1), today=TODAY
    )
    dissolved.dissolved_on = D(2026, 6, 30)
    dissolved.save()

    commitment_record(actor=admin, employer=a, year=2026, immersions_offered=3, today=TODAY)  # member from 1/1/2026
    Employer.objects.filter(pk=c.pk).update(engaged_since=D(2023, 1, 1), engaged_until=D(2026, 6, 30))

    def out(person, **employer):
        return exit_record(
            actor=referent,
            person=person,
            exit_type=w.type("cdi"),
            exited_on=D(2026, 10, 1),
            today=TODAY,
            **employer,
        )

    at_a = out(people[5], employer_siret=a.siret, employer_name="Conserverie")  # linked by its SIRET
    checkpoint_record(
        actor=referent,
        exit=at_a,
        months=1,
        done_on=D(2026, 11, 2),
        still_employed=True,
        same_employer=True,
        today=TODAY,
    )
    out(people[6], employer=b)  # linked, no point done yet
    extra = oriented_person(departement=w.departement, agency=w.agency, referent=w.referent)[0]
    out(extra, employer_name="Boulangerie hors annuaire")  # not in the directory

    # L56: validated in 2026 and still validated: i1, i2, i3 (the draft and the cancelled one are out) → 3.
    assert whole(place.world, "L56")[0] == 3
    # P50: days in companies, not-done left out: i1 10 + i2 6 (20 to 25 October) = 16; October 6; November 10.
    assert whole(place.world, "P50")[0] == 16
    assert whole(place.world, "P50", OCTOBER)[0] == 6
    assert whole(place.world, "P50", NOVEMBER)[0] == 10
    # J11: reviewed in 2026 and done (i1 job, i2 no job; i3 did not show) → 1 of 2.
    assert whole(place.world, "J11") == (1, 2, 0.5)
    # L63: employers with an exchange: 2026 → a (twice, counted once); 2025 → b.
    assert whole(place.world, "L63")[0] == 1 and whole(place.world, "L63", LAST_YEAR)[0] == 1
    # L62: groupements on 31/12: 2026 → GE Agri (GE Saison dissolved in June); 2025 → both.
    assert whole(place.world, "L62")[0] == 1 and whole(place.world, "L62", LAST_YEAR)[0] == 2
    # J10: members on 31/12: 2026 → a (c left in June); 2025 → c.
    assert whole(place.world, "J10")[0] == 1 and whole(place.world, "J10", LAST_YEAR)[0] == 1
    # P54: employers whose hire had a point of follow-up done in the year: a only → 1; none in 2025.
    assert whole(place.world, "P54")[0] == 1 and whole(place.world, "P54", LAST_YEAR)[0] == 0
    # J12: exits to employment at a directory employer: a (by SIRET) and b → 2 (the bakery is not in it).
    assert whole(place.world, "J12")[0] == 2
    # Nothing reviewed last year: no rate rather than 0 %.
    assert whole(place.world, "J11", LAST_YEAR)[2] is None
