"""The execution of the hand-built case (conftest.py), its expected figures worked out by hand:

line  voted    committed           paid                 committed %  paid %
L1    100 000  30 000+24 000+10 000 = 64 000   15 000+10 000 = 25 000   64   25
  Nord  60 000   54 000             15 000               90 (alerte)  25
  Sud   40 000   10 000             10 000               25           25
L2     50 000   45 000             20 000               90 (alerte)  40
L3     20 000        0                  0                0            0
Département, non réparti (L2 + L3): 70 000 / 45 000 / 20 000 → 64 % / 28 %
Consolidated: 170 000 / 109 000 / 45 000 → 64 % / 26 %
"""

from decimal import Decimal

import pytest

from jalon.programme.funding import selectors


pytestmark = pytest.mark.django_db


def _figures(group):
    f = group.figures
    return (f.voted, f.committed, f.paid, f.committed_rate, f.paid_rate, f.alert)


def _by_label(groups):
    return {g.label: _figures(g) for g in groups}


def test_each_line_and_envelope(case):
    parts = selectors.parts_of(selectors.lines_of(case.programme))
    rows = {row.lines[0].pk: _figures(row) for row in selectors.line_rows(parts)}
    assert rows[case.l1.pk] == (Decimal(100000), Decimal(64000), Decimal(25000), 64, 25, False)
    assert rows[case.l2.pk] == (Decimal(50000), Decimal(45000), Decimal(20000), 90, 40, True)
    assert rows[case.l3.pk] == (Decimal(20000), Decimal(0), Decimal(0), 0, 0, False)
    envelopes = {p.territory.name: (p.figures.voted, p.figures.committed, p.figures.paid) for p in parts if p.envelope}
    assert envelopes == {
        "Nord": (Decimal(60000), Decimal(54000), Decimal(15000)),
        "Sud": (Decimal(40000), Decimal(10000), Decimal(10000)),
    }


def test_execution_by_territory_consolidated_to_the_departement(case):
    execution = selectors.execution(parts=selectors.parts_of(selectors.lines_of(case.programme)))
    assert _by_label(execution["by_territory"]) == {
        "Nord": (Decimal(60000), Decimal(54000), Decimal(15000), 90, 25, True),
        "Sud": (Decimal(40000), Decimal(10000), Decimal(10000), 25, 25, False),
        "Département (non réparti)": (Decimal(70000), Decimal(45000), Decimal(20000), 64, 28, False),
    }
    assert _figures(execution["total"]) == (Decimal(170000), Decimal(109000), Decimal(45000), 64, 26, False)
    # Each total names the lines behind it.
    nord = next(g for g in execution["by_territory"] if g.label == "Nord")
    assert [line.pk for line in nord.lines] == [case.l1.pk]
    assert {line.pk for line in execution["total"].lines} == {case.l1.pk, case.l2.pk, case.l3.pk}


def test_execution_by_action_source_and_year(case):
    execution = selectors.execution(parts=selectors.parts_of(selectors.lines_of(case.programme)))
    assert _by_label(execution["by_year"]) == {
        "2023": (Decimal(150000), Decimal(109000), Decimal(45000), 72, 30, False),
        "2024": (Decimal(20000), Decimal(0), Decimal(0), 0, 0, False),
    }
    by_source = _by_label(execution["by_source"])
    assert by_source["Service public de l'insertion et de l'emploi"] == (
        Decimal(120000),
        Decimal(64000),
        Decimal(25000),
        53,
        20,
        False,
    )
    assert by_source["Convention d'appui à la lutte contre la pauvreté"][:3] == (
        Decimal(50000),
        Decimal(45000),
        Decimal(20000),
    )
    by_action = {g.lines[0].action.code: _figures(g)[:3] for g in execution["by_action"]}
    assert by_action == {
        "A.1": (Decimal(150000), Decimal(109000), Decimal(45000)),
        "C.2": (Decimal(20000), Decimal(0), Decimal(0)),
    }


def test_a_territory_filter_keeps_that_territorys_envelopes(case):
    lines = selectors.filtered_lines(programme=case.programme, territory=case.south)
    execution = selectors.execution(parts=selectors.parts_of(lines, territory_id=case.south.pk))
    assert _figures(execution["total"]) == (Decimal(40000), Decimal(10000), Decimal(10000), 25, 25, False)
