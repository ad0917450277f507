"""The Landes PTI 2021-2025 data file: its counts, checked by hand against the document, and its references.

No database: the file is read as the loader will read it."""

import json
from pathlib import Path

import pytest
import yaml

import jalon


DATA = Path(jalon.__file__).parent / "programme" / "data" / "landes-pti-2021-2025.yaml"
CATALOGUE = Path(jalon.__file__).parent / "observatory" / "catalogue.json"

SHEETS = [
    "A.1", "A.2", "A.3", "A.5",
    "B.10", "B.11", "B.12", "B.13", "B.14", "B.16", "B.17", "B.18", "B.20", "B.21", "B.22", "B.24", "B.25",
    "B.26", "B.27", "B.29",
    "C.30", "C.32", "C.35",
]  # fmt: skip
# Numbers the document never writes (no fiche, no cross-reference): deduced from the order of the tables' rows.
INFERRED = ["A.4", "A.6", "A.7", "A.8", "B.9", "B.15", "B.19", "B.23", "B.28", "C.31", "C.33", "C.34"]
FIRST_CIRCLE = {"cd40", "etat", "pole_emploi", "region", "caf", "msa"}
SECOND_CIRCLE = {
    "udaf", "ud_ccas", "aml", "mission_locale", "cbe_seignanx", "ars", "mlph", "cap_emploi", "cci",
    "chambre_agriculture", "cma", "bge",
}  # fmt: skip


@pytest.fixture(scope="module")
def plan():
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def landes_codes():
    return {item["code"] for item in json.loads(CATALOGUE.read_text(encoding="utf-8")) if item["seed"] == "landes"}


def _actions(plan):
    return {action["code"]: action for action in plan["actions"]}


def test_programme(plan):
    programme = plan["programme"]
    assert programme["code"] == "landes-pti-2021-2025"
    assert programme["departement"] == "40"
    assert str(programme["start"]) == "2021-01-01"
    assert str(programme["end"]) == "2025-12-31"
    assert programme["voted_on"] is None  # the document does not give it


def test_thirty_five_actions_in_order(plan):
    codes = [action["code"] for action in plan["actions"]]
    expected = [f"A.{n}" for n in range(1, 9)] + [f"B.{n}" for n in range(9, 30)] + [f"C.{n}" for n in range(30, 36)]
    assert codes == expected
    assert [action["number"] for action in plan["actions"]] == list(range(1, 36))
    assert all(action["axis"] == action["code"][0] for action in plan["actions"])


def test_axes_and_objectives(plan):
    assert [axis["code"] for axis in plan["axes"]] == ["A", "B", "C"]
    per_axis = {axis["code"]: [objective["code"] for objective in axis["objectives"]] for axis in plan["axes"]}
    assert per_axis == {
        "A": ["A-O1", "A-O2", "A-O3"],
        "B": [f"B-O{n}" for n in range(1, 10)],
        "C": ["C-O1"],
    }
    assert sum(len(codes) for codes in per_axis.values()) == 13


def test_actions_per_objective(plan):
    counts = {}
    for action in plan["actions"]:
        counts[action["objective"]] = counts.get(action["objective"], 0) + 1
    assert counts == {
        "A-O1": 2, "A-O2": 3, "A-O3": 3,
        "B-O1": 2, "B-O2": 1, "B-O3": 2, "B-O4": 2, "B-O5": 1, "B-O6": 3, "B-O7": 4, "B-O8": 3, "B-O9": 3,
        "C-O1": 6,
    }  # fmt: skip


def test_fiches_2021(plan):
    assert [action["code"] for action in plan["actions"] if action["sheet"]] == SHEETS


def test_inferred_numbers_say_so(plan):
    actions = _actions(plan)
    for code in INFERRED:
        assert "numéro déduit de l'ordre des tableaux" in actions[code]["notes"], code
    assert not set(INFERRED) & set(SHEETS)
    assert len(INFERRED) + len(SHEETS) == 35


def test_signatories_by_circle(plan):
    organisations = plan["organisations"]
    by_circle = {1: set(), 2: set(), None: set()}
    for organisation in organisations:
        by_circle[organisation["circle"]].add(organisation["key"])
        assert organisation["signatory"] is (organisation["circle"] is not None)
    assert by_circle[1] == FIRST_CIRCLE
    assert by_circle[2] == SECOND_CIRCLE
    assert len(by_circle[None]) == 12
    assert len({organisation["key"] for organisation in organisations}) == len(organisations) == 30
    pole_emploi = next(o for o in organisations if o["key"] == "pole_emploi")
    assert (pole_emploi["name"], pole_emploi["kind"]) == ("Pôle Emploi", "france_travail")


def test_every_reference_exists(plan, landes_codes):
    organisations = {organisation["key"] for organisation in plan["organisations"]}
    funding = {source["code"] for source in plan["funding_sources"]}
    objectives = {objective["code"]: axis["code"] for axis in plan["axes"] for objective in axis["objectives"]}
    assert funding == {"CALPAE", "FSE+", "SPIE"}
    for source in plan["funding_sources"]:
        assert source["funder"] is None or source["funder"] in organisations
    for action in plan["actions"]:
        assert action["pilots"], action["code"]
        assert set(action["pilots"]) <= organisations, action["code"]
        assert set(action["contributors"]) <= organisations, action["code"]
        assert not set(action["pilots"]) & set(action["contributors"]), action["code"]
        assert objectives[action["objective"]] == action["axis"], action["code"]
        assert set(action["funding"]["sources"]) <= funding, action["code"]
        for amount in action["funding"]["amounts"]:
            assert amount["source_code"] is None or amount["source_code"] in funding
        for indicator in action["indicators"]:
            assert indicator["code"] in landes_codes, (action["code"], indicator["code"])
    for body in plan["bodies"]:
        assert set(body["chairs"]) <= organisations, body["code"]
        assert set(body["members"]) <= organisations, body["code"]


def test_every_landes_indicator_is_attached(plan, landes_codes):
    attached = {indicator["code"] for action in plan["actions"] for indicator in action["indicators"]}
    assert attached == landes_codes
    assert len(attached) == 72  # L01…L73 (the catalogue has no L26)


def test_every_item_names_its_source(plan):
    items = [plan["programme"], *plan["organisations"], *plan["funding_sources"], *plan["bodies"]]
    for axis in plan["axes"]:
        items += [axis, *axis["objectives"]]
    for action in plan["actions"]:
        items += [action, *action["steps"], *action["funding"]["amounts"]]
    for item in items:
        assert item["source"].strip(), item


def test_amounts(plan):
    amounts = [
        (action["code"], amount["amount_eur"], amount["per"], amount["source_code"])
        for action in plan["actions"]
        for amount in action["funding"]["amounts"]
    ]
    assert amounts == [
        ("A.2", 50000, "year", "SPIE"),
        ("A.3", 190000, "year", None),  # « 32 K€ / ETP / an, soit 190 K€ / an » for 6 ETP, as written
        ("B.29", 25000, "year", "SPIE"),
        ("C.35", 30000, "total", "SPIE"),
    ]
    assert sum(amount for _, amount, per, _ in amounts if per == "year") == 265000


def test_targets(plan):
    targets = {
        (action["code"], indicator["code"]): [(t["year"], t["value"], t["unit"]) for t in indicator["targets"]]
        for action in plan["actions"]
        for indicator in action["indicators"]
        if indicator.get("targets")
    }
    assert targets == {("A.1", "L01"): [(2021, 100, "%")], ("B.26", "L57"): [(2021, 60, "CUI-PEC supplémentaires")]}


def test_summary_table_wins_over_the_fiche(plan):
    actions = _actions(plan)
    assert actions["A.2"]["pilots"] == ["cd40", "caf", "pole_emploi"]
    assert actions["B.12"]["pilots"] == ["cd40", "etat"]
    assert actions["B.26"]["pilots"] == ["cd40", "etat", "pole_emploi"]
    assert actions["C.35"]["pilots"] == ["cd40"]
    assert actions["B.16"]["schedule"] == "2022"


def test_steps_fall_within_the_plan(plan):
    steps = [step for action in plan["actions"] for step in action["steps"]]
    assert len(steps) == 8
    for step in steps:
        for day in (step["start"], step["end"]):
            assert day is None or 2021 <= day.year <= 2025, step


def test_governance(plan):
    bodies = {body["code"]: body for body in plan["bodies"]}
    assert set(bodies) == {
        "copil", "comite_financeurs", "epl", "forum", "gt_mobilite", "gt_criteres_orientation", "gt_carnet_de_bord",
    }  # fmt: skip
    assert (bodies["copil"]["chairs"], bodies["copil"]["frequency"]) == (["cd40", "etat"], "annual")
    assert set(bodies["copil"]["members"]) == FIRST_CIRCLE | SECOND_CIRCLE
    assert bodies["comite_financeurs"]["frequency"] == "quarterly"
    assert bodies["comite_financeurs"]["min_meetings_per_year"] == 4
    assert set(bodies["comite_financeurs"]["members"]) == FIRST_CIRCLE
    assert bodies["epl"]["level"] == "local"
    assert bodies["epl"]["chairs"] == ["cd40", "etat", "pole_emploi"]
    assert (bodies["epl"]["frequency"], bodies["epl"]["min_meetings_per_year"]) == ("biannual", 2)
    assert bodies["forum"]["frequency"] == "annual"
