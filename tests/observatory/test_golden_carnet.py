"""The carnet indicators behind « Chiffres des carnets » (J05–J08) on the hand-built dataset of that page's test;
the expected values are counted by hand in the comments."""

import datetime

import pytest

from jalon.observatory.engine import computations, evaluate
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.periods import Period
from tests.notebook.conftest import freins_referentiel  # noqa: F401  (the frein categories the dataset uses)
from tests.notebook.test_figures import dataset  # noqa: F401  (three carnets, January–February 2026)


pytestmark = pytest.mark.django_db

JANUARY = Period(PeriodKind.MONTH, datetime.date(2026, 1, 1))
FEBRUARY = Period(PeriodKind.MONTH, datetime.date(2026, 2, 1))


def count(code, period, level=TerritoryLevel.DEPARTEMENT, territory="40"):
    cell = evaluate(computations()[code], "40", period, segmented=False).get((level, territory, Dimension.ALL, ""))
    return cell.numerator if cell else 0


@pytest.mark.usefixtures("freins_referentiel")
def test_carnet_indicators_by_hand(dataset):  # noqa: F811
    # J05: contacts of January: the first carnet's 10/01 and 20/01 → 2 over 2 carnets; February: the second's 10/02.
    cell = evaluate(computations()["J05"], "40", JANUARY, segmented=False)[
        (TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, "")
    ]
    assert (cell.numerator, cell.denominator) == (2, 2)
    assert count("J05", FEBRUARY) == 1
    # J06: on 31/01 the second carnet's last contact is 15/11 (more than 8 weeks) → 1; on 28/02 it was met on 10/02
    # and the third is too new → 0.
    assert count("J06", JANUARY) == 1 and count("J06", FEBRUARY) == 0
    # J07: the first carnet's CER signed on 10/01 → January 1, February 0 (the third's is not signed).
    assert count("J07", JANUARY) == 1 and count("J07", FEBRUARY) == 0
    # J08: on 31/01 the first's (10/01–09/07) and the second's (ends 31/01) → 2; on 28/02 the first's only.
    assert count("J08", JANUARY) == 2 and count("J08", FEBRUARY) == 1
    # In the north territory (the town): the first carnet's contract only.
    north = str(dataset["north"].pk)
    assert count("J08", JANUARY, TerritoryLevel.TERRITORY, north) == 1


@pytest.mark.usefixtures("freins_referentiel")
def test_a_computation_counts_the_contacts_from_the_set_of_carnets_that_have_some(dataset):  # noqa: F811
    """With a segment batch (a computation), a carnet's contacts are counted from the set of the carnets that have
    some (`_hashed_in_a_computation`), and not probed carnet by carnet: the same hand-counted values as above."""

    def batched(code, period):
        cell = evaluate(computations()[code], "40", period).get((TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, ""))
        return (cell.numerator, cell.denominator) if cell else (0, 0)

    # J05: January 2 contacts over 2 carnets, February 1; J06: 1 lost from view on 31/01, none on 28/02.
    assert batched("J05", JANUARY) == (2, 2) and batched("J05", FEBRUARY)[0] == 1
    assert batched("J06", JANUARY)[0] == 1 and batched("J06", FEBRUARY)[0] == 0
