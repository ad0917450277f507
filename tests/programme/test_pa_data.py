"""The Pyrénées-Atlantiques PDI/PTI 2024-2028 data file: referential integrity and the counts transcribed from the
document (checked by hand against it). No database: the file is read as plain YAML."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

import jalon


PACKAGE = Path(jalon.__file__).parent
PLAN = PACKAGE / "programme" / "data" / "pyrenees-atlantiques-pdi-pti-2024-2028.yaml"
CATALOGUE = PACKAGE / "observatory" / "catalogue.json"

# Fiche number -> axis code, as in « 4.1 Le synoptique du plan d'actions ».
FICHE_AXIS = {1: "1", 2: "2", 3: "2", 4: "3", 5: "3", 6: "3", 7: "4", 8: "4", 9: "4"}


@pytest.fixture(scope="module")
def plan():
    return yaml.safe_load(PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue():
    return {item["code"]: item for item in json.loads(CATALOGUE.read_text(encoding="utf-8"))}


def fiches(plan):
    return {action["number"]: action for action in plan["actions"] if action["sheet"]}


def test_programme(plan):
    meta = plan["programme"]
    assert meta["code"] == "pyrenees-atlantiques-pdi-pti-2024-2028"
    assert (meta["departement"], meta["kind"]) == ("64", "pdi_pti")
    assert (meta["start"], meta["end"]) == (date(2024, 1, 1), date(2028, 12, 31))
    assert meta["voted_on"] is None  # no vote date is written


def test_axes(plan):
    axes = {axis["code"]: axis for axis in plan["axes"]}
    assert list(axes) == ["1", "2", "3", "4", "T1", "T2", "T3"]
    assert [axes[code]["kind"] for code in axes] == ["path"] * 4 + ["transversal"] * 3
    # Objectives of each axis as stated in its « Présentation des objectifs » (5: the table of part 5).
    axis_level = {
        code: [o for o in axis["objectives"] if not o["code"].startswith("F")] for code, axis in axes.items()
    }
    assert {code: len(items) for code, items in axis_level.items()} == {
        "1": 4, "2": 4, "3": 3, "4": 3, "T1": 2, "T2": 2, "T3": 1,
    }  # fmt: skip
    assert all(o["level"] == "strategic" for axis in plan["axes"] for o in axis["objectives"])


def test_fiches(plan):
    sheets = fiches(plan)
    assert sorted(sheets) == list(range(1, 10))
    for number, action in sheets.items():
        assert action["code"] == f"Fiche {number}"
        assert action["axis"] == FICHE_AXIS[number]
    assert {n: len(a["objectives"]) for n, a in sheets.items()} == {
        1: 2,
        2: 1,
        3: 6,
        4: 3,
        5: 2,
        6: 2,
        7: 2,
        8: 1,
        9: 2,
    }
    assert {n: len(a["steps"]) for n, a in sheets.items()} == {1: 3, 2: 4, 3: 4, 4: 4, 5: 3, 6: 3, 7: 3, 8: 2, 9: 4}
    # The fiches' own strategic objectives sit under their axis, coded F<n>-OS<k>.
    strategic = {}
    for axis in plan["axes"]:
        for objective in axis["objectives"]:
            match = re.fullmatch(r"F(\d)-OS\d", objective["code"])
            if match:
                assert axis["code"] == FICHE_AXIS[int(match[1])]
                strategic[int(match[1])] = strategic.get(int(match[1]), 0) + 1
    assert strategic == {1: 3, 2: 3, 3: 3, 4: 3, 5: 2, 6: 1, 7: 2, 8: 2, 9: 2}


def test_transversal_work_items(plan):
    others = [action for action in plan["actions"] if not action["sheet"]]
    assert [a["code"] for a in others] == ["T1.1", "T1.2", "T1.3", "T1.4", "T3.1", "T2.1", "T2.2", "T2.3"]
    assert all(a["axis"] == a["code"].split(".")[0] for a in others)
    numbers = [a["number"] for a in plan["actions"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_pilots(plan):
    pilots = {n: set(a["pilots"]) for n, a in fiches(plan).items()}
    assert pilots == {
        1: {"cd64"},
        2: {"cd64"},
        3: {"cd64", "dsi", "mvd"},
        4: {"cd64"},
        5: {"cd64"},
        6: {"cd64", "region"},
        7: {"region", "cd64"},
        8: {"cd64", "etat", "france-travail"},
        9: {"cd64", "france-travail", "etat"},
    }
    assert all(action["pilots"] for action in plan["actions"])


def test_evaluation_questions(plan):
    # The 14 questions put to beneficiaries are in fiches 1, 2, 4 and 9; part 5.2 lists none of its own.
    questions = {n: len(a["evaluation_questions"]) for n, a in fiches(plan).items() if a["evaluation_questions"]}
    assert questions == {1: 4, 2: 3, 4: 4, 9: 3}
    assert sum(len(a["evaluation_questions"]) for a in plan["actions"]) == 14


def test_no_amount_nor_target_is_written(plan):
    assert all(not action["funding"]["amounts"] for action in plan["actions"])
    assert all(not indicator.get("targets") for action in plan["actions"] for indicator in action["indicators"])
    assert {source["code"] for source in plan["funding_sources"]} == {"CDI", "REGION-FORMATION", "PRIC", "FSE"}


def test_references_exist(plan):
    organisations = [item["key"] for item in plan["organisations"]]
    assert len(organisations) == len(set(organisations)) == 28
    known = set(organisations)
    funding = {item["code"] for item in plan["funding_sources"]}
    objectives = {axis["code"]: {o["code"] for o in axis["objectives"]} for axis in plan["axes"]}
    all_objectives = [o for codes in objectives.values() for o in codes]
    assert len(all_objectives) == len(set(all_objectives))
    for item in plan["funding_sources"]:
        assert item["funder"] is None or item["funder"] in known
    for action in plan["actions"]:
        assert set(action["pilots"]) | set(action["contributors"]) <= known, action["code"]
        assert set(action["funding"]["sources"]) <= funding, action["code"]
        assert action["axis"] in objectives
        assert action["objective"] is None or action["objective"] in objectives[action["axis"]]
    for body in plan["bodies"]:
        assert set(body["chairs"]) | set(body["members"]) <= known, body["code"]


def test_indicators_come_from_the_catalogue(plan, catalogue):
    attached = {}
    for action in plan["actions"]:
        for indicator in action["indicators"]:
            assert indicator["code"] in catalogue
            attached.setdefault(indicator["code"], []).append(action)
    pa_codes = {code for code, item in catalogue.items() if item.get("seed") == "pa"}
    assert set(attached) == pa_codes and len(pa_codes) == 65
    for code, actions in attached.items():
        assert len(actions) == 1, code
        action, reference = actions[0], catalogue[code]["reference"]
        fiche = re.match(r"Fiche (\d)", reference)
        axis = re.match(r"Axe (\d) objective", reference)
        if fiche:
            assert action["code"] == f"Fiche {fiche[1]}", code
        elif axis:
            assert action["sheet"] and action["axis"] == axis[1], code
        else:  # §5.1 / §5.2: a work item of a transversal axis
            assert reference.startswith("§5") and not action["sheet"], code


def test_bodies(plan):
    bodies = {body["code"]: body for body in plan["bodies"]}
    assert len(bodies) == 11
    assert [b["kind"] for b in plan["bodies"]].count("copil") == 1
    assert [b["kind"] for b in plan["bodies"]].count("cotech") == 1
    assert bodies["ctp"]["level"] == bodies["comite-usagers"]["level"] == "local"
    # Only the managers' internal meetings have a frequency written (« par exemple, sur une base mensuelle »).
    assert {code for code, body in bodies.items() if body["frequency"]} == {"points-internes"}
    assert all(body["min_meetings_per_year"] is None for body in bodies.values())
    assert all(body["notes"] for body in bodies.values() if not body["frequency"])
    assert all(not body["chairs"] for code, body in bodies.items() if code in {"copil", "cotech", "ctp"})


# A machine reference rather than a heading: a line number, a path, a file name.
NOT_A_HEADING = re.compile(r"\[L\d|\bL\d{2,4}\b|/work|seeds|\.txt\b|\.md\b|\blignes?\b")


def _sourced(plan):
    yield from plan["organisations"]
    yield from plan["funding_sources"]
    yield from plan["bodies"]
    for axis in plan["axes"]:
        yield axis
        yield from axis["objectives"]
    for action in plan["actions"]:
        yield action
        yield from action["steps"]


def test_every_item_names_its_section(plan):
    for item in _sourced(plan):
        assert item["source"], item
        # The document's own headings, never a file, a path or a line number.
        assert not NOT_A_HEADING.search(item["source"]), item["source"]
