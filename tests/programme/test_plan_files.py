"""Both plans the repository keeps load whole, and what is loaded is what their files say: counts of axes,
objectives, actions, fiches, pilots, steps, indicators and money, compared with the files themselves."""

from decimal import Decimal

import pytest

from jalon.observatory.services import catalogue_load
from jalon.programme.loader import load_file, plan_files, read_plan
from jalon.programme.models import ActionPartner, ActionStep, Objective, PlannedAmount
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def _file_counts(data: dict) -> dict:
    actions = data["actions"]
    return {
        "axes": len(data["axes"]),
        "objectives": sum(len(axis.get("objectives") or []) for axis in data["axes"]),
        "actions": len(actions),
        "sheets": sum(1 for action in actions if action.get("sheet", True)),
        "pilot links": sum(len(set(action.get("pilots") or [])) for action in actions),
        "steps": sum(len(action.get("steps") or []) for action in actions),
        "indicators": sum(len(action.get("indicators") or []) for action in actions),
        "amount": sum(
            (
                Decimal(str(a["amount_eur"]))
                for action in actions
                for a in (action.get("funding") or {}).get("amounts") or []
            ),
            Decimal(0),
        ),
        "bodies": len(data.get("bodies") or []),
        "organisations": len(data["organisations"]),
    }


def _loaded_counts(programme) -> dict:
    actions = programme.actions.all()
    return {
        "axes": programme.axes.count(),
        "objectives": Objective.objects.filter(axis__programme=programme).count(),
        "actions": actions.count(),
        "sheets": actions.filter(has_sheet=True).count(),
        "pilot links": ActionPartner.objects.filter(action__programme=programme, role="pilot").count(),
        "steps": ActionStep.objects.filter(action__programme=programme).count(),
        "indicators": sum(action.indicators.count() for action in actions),
        "amount": sum((a.amount_eur for a in PlannedAmount.objects.filter(action__programme=programme)), Decimal(0)),
        "bodies": programme.bodies.count(),
        "organisations": programme.signatories.count(),
    }


@pytest.mark.parametrize("path", plan_files(), ids=lambda path: path.stem)
def test_each_plan_file_loads_whole_and_as_written(path):
    DepartementFactory(code="40", name="Landes")
    DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    catalogue_load()
    data = read_plan(path)

    programme = load_file(path).programme

    assert _loaded_counts(programme) == _file_counts(data)
    assert all(action.source for action in programme.actions.all())  # each item traces to its seed section


def test_the_landes_plan_holds_its_35_actions_and_the_money_it_writes():
    DepartementFactory(code="40", name="Landes")
    catalogue_load()
    landes = next(path for path in plan_files() if path.stem.startswith("landes"))

    programme = load_file(landes).programme

    # Written by hand from the document: 35 actions, 23 with a 2021 fiche; 50 + 190 + 25 K€ a year and 30 K€ once.
    assert programme.actions.count() == 35 and programme.actions.filter(has_sheet=True).count() == 23
    yearly = PlannedAmount.objects.filter(action__programme=programme, per="year")
    assert sum(a.amount_eur for a in yearly) == Decimal("265000")
    assert [a.amount_eur for a in PlannedAmount.objects.filter(action__programme=programme, per="total")] == [
        Decimal("30000")
    ]
