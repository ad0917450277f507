"""The job offer and training indicators (L61, J20-J24, P43) on a small case built by hand; the expected values are
counted by hand in the comments, never produced by the engine."""

import datetime

import pytest

from jalon.employment.services import (
    job_offer_update,
    positioning_advance,
    positioning_create,
    training_outcome_record,
    training_record,
)
from jalon.observatory.engine import computations, evaluate, value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.periods import Period
from tests.conftest import actor_for
from tests.employment.conftest import TODAY, followed_person, world  # noqa: F401  (the employment world)


pytestmark = pytest.mark.django_db
D = datetime.date
NOVEMBER = Period(PeriodKind.MONTH, D(2026, 11, 1))
YEAR = Period(PeriodKind.YEAR, D(2026, 1, 1))


def cell(built, code, period, level=TerritoryLevel.DEPARTEMENT, place="40"):
    spec = computations()[code]
    found = evaluate(spec, built.departement.code, period).get((level, place, Dimension.ALL, ""))
    if found is None:
        return (0, 0, None)
    return (found.numerator, found.denominator, value_of(spec.unit, found.numerator, found.denominator))


def test_employment_indicators_by_hand(world):  # noqa: F811
    actor = world.actor
    marc = followed_person(
        (world.departement, world.agency, world.referent),
        commune=world.dax,
        project=world.magasinier,
        first_name="Marc",
    )
    omar = followed_person((world.departement, world.agency, world.referent), commune=world.dax, first_name="Omar")
    # Offers: A and B of the same company (SIRET 1), C of company 2 closed in October, D of company 3 in December.
    a = world.offer(published_on=D(2026, 11, 2))  # Dax
    b = world.offer(appellation=world.magasinier, commune=world.mdm, published_on=D(2026, 10, 15))
    c = world.offer(appellation=world.aide_soignant, employer_siret="35600000000048", published_on=D(2026, 9, 1))
    job_offer_update(actor=actor_for(world.cd_admin), offer=c, status="close", today=D(2026, 10, 20))
    world.offer(employer_siret="40483304800022", published_on=D(2026, 12, 1))

    # L61: offers present in November: A and B (C closed on 20 October, D published in December).
    assert cell(world, "L61", NOVEMBER)[0] == 2
    # ... by commune: A in Dax, B in Mont-de-Marsan.
    assert cell(world, "L61", NOVEMBER, TerritoryLevel.COMMUNE, "40088")[0] == 1
    assert cell(world, "L61", NOVEMBER, TerritoryLevel.COMMUNE, "40192")[0] == 1
    # In 2026 all four were present at some point.
    assert cell(world, "L61", YEAR)[0] == 4
    # J20: companies with an offer present: November, SIRET 1 only (A and B); 2026: three SIRET.
    assert cell(world, "J20", NOVEMBER)[0] == 1
    assert cell(world, "J20", YEAR)[0] == 3
    # J21: offers published: November, A; 2026, four.
    assert cell(world, "J21", NOVEMBER)[0] == 1
    assert cell(world, "J21", YEAR)[0] == 4

    # Positionings: Léa on A, hired on 20 November; Marc on B, not retained.
    lea_on_a = positioning_create(actor=actor, offer=a, person=world.person, today=D(2026, 11, 3))
    for status, day in (("candidature", 5), ("entretien", 12), ("embauche", 20)):
        positioning_advance(actor=actor, positioning=lea_on_a, status=status, on=D(2026, 11, day), today=TODAY)
    marc_on_b = positioning_create(actor=actor, offer=b, person=marc, today=D(2026, 11, 3))
    positioning_advance(actor=actor, positioning=marc_on_b, status="non_retenu", on=D(2026, 11, 10), today=TODAY)
    # J22: two positionings made in November; J23: one hire.
    assert cell(world, "J22", NOVEMBER)[0] == 2
    assert cell(world, "J23", NOVEMBER)[0] == 1
    assert cell(world, "J23", Period(PeriodKind.MONTH, D(2026, 10, 1)))[0] == 0

    # Trainings: Léa, a certifying one from September certified on 15 November and a short one from 2 November;
    # Marc, a certifying one from 5 November abandoned on 25 November; Omar, a certifying one from October, under way.
    def train(person, starts_on, certifying=True):
        return training_record(
            actor=actor,
            person=person,
            provider="AFPA",
            title="Formation",
            certifying=certifying,
            level="3" if certifying else "",
            starts_on=starts_on,
            funding="region",
        )

    t1 = train(world.person, D(2026, 9, 1))
    training_outcome_record(actor=actor, training=t1, outcome="certifiee", outcome_on=D(2026, 11, 15), today=TODAY)
    train(world.person, D(2026, 11, 2), certifying=False)
    t3 = train(marc, D(2026, 11, 5))
    training_outcome_record(actor=actor, training=t3, outcome="abandonnee", outcome_on=D(2026, 11, 25), today=TODAY)
    train(omar, D(2026, 10, 1))
    # P43: people entering training in November: Léa and Marc (2); in 2026: Léa (twice, counted once), Marc, Omar.
    assert cell(world, "P43", NOVEMBER)[0] == 2
    assert cell(world, "P43", YEAR)[0] == 3
    # J24: certifying trainings ended in November: t1 certified, t3 abandoned: 1 / 2.
    assert cell(world, "J24", NOVEMBER) == (1, 2, 0.5)
    # Nothing ended in October: no value, not 0 %.
    assert cell(world, "J24", Period(PeriodKind.MONTH, D(2026, 10, 1)))[2] is None
