"""The Pyrénées-Atlantiques référentiel d'évaluation: loaded whole from its file, counted against the file and the
plan, refused whole on any error, and loaded once."""

import pytest

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.evaluation.enums import QuestionOrigin, Register
from jalon.evaluation.loader import framework_load
from jalon.evaluation.models import EvaluationFramework, EvaluationQuestion, EvaluativeMember, WorkItem
from tests.evaluation.factories import load_pa_plan, pa_data


pytestmark = pytest.mark.django_db


def test_the_referentiel_is_loaded_as_the_file_writes_it():
    programme, _cd = load_pa_plan()
    data = pa_data()

    result = framework_load(data=data)

    framework = result.framework
    assert result.created and framework.programme == programme and framework.from_document
    # Counts against the file: six registers, three times, fourteen questions, four members, seven work items.
    assert result.counts == {
        "registers": len(data["registers"]),
        "times": len(data["times"]),
        "questions": len(data["questions"]),
        "members": len(data["instance"]["members"]),
        "work_items": len(data["instance"]["work_programme"]),
    }
    assert [r["code"] for r in framework.registers] == list(Register.values)
    assert [t["code"] for t in framework.times] == ["continu", "in_itinere", "ex_post"]
    # The fourteen questions are the plan's: those of fiches 1 (4), 2 (3), 4 (4) and 9 (3), in the plan's words.
    questions = EvaluationQuestion.objects.filter(framework=framework)
    assert questions.count() == 14 and set(questions.values_list("origin", flat=True)) == {QuestionOrigin.DOCUMENT}
    by_fiche = {
        code: [q.text for q in questions.filter(action__code=code)]
        for code in ("Fiche 1", "Fiche 2", "Fiche 4", "Fiche 9")
    }
    assert {code: len(texts) for code, texts in by_fiche.items()} == {
        "Fiche 1": 4,
        "Fiche 2": 3,
        "Fiche 4": 4,
        "Fiche 9": 3,
    }
    for code, texts in by_fiche.items():
        assert texts == programme.actions.get(code=code).evaluation_questions
    first = questions.get(number=1)
    assert first.text == "la trame de diagnostic utilisée est-elle adaptée/pertinente ?"
    assert first.source == "AXE 1 - FICHE 1 — Participation des usagers à son évaluation"
    assert list(first.indicators.values_list("code", flat=True)) == ["P10"]
    # The instance: its members (SDSEI referents and the MVD among them) and its undated work programme.
    assert framework.body.code == "instance-evaluative"
    kinds = set(EvaluativeMember.objects.filter(framework=framework).values_list("kind", flat=True))
    assert {"central", "referent_sdsei", "mvd"} <= kinds
    assert not WorkItem.objects.filter(framework=framework, due_on__isnull=False).exists()  # the plan dates none
    assert AuditEvent.objects.filter(code=AuditCode.EVALUATION_FRAMEWORK_LOADED).count() == 1


def test_loading_twice_leaves_the_living_referentiel_as_it_is():
    load_pa_plan()
    first = framework_load(data=pa_data()).framework
    first.questions.filter(number=1).update(criteria=["ajouté par l'instance"])

    again = framework_load(data=pa_data())

    assert not again.created and again.framework == first
    assert EvaluationFramework.objects.count() == 1 and EvaluationQuestion.objects.count() == 14
    assert EvaluationQuestion.objects.get(number=1).criteria == ["ajouté par l'instance"]


def _reword(data):
    data["questions"][0]["text"] = "la trame est-elle bonne ?"


def _drop(data):
    del data["questions"][13]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["registers"].append({"code": "equite"}), "Registre « equite » inconnu."),
        (lambda d: d["questions"][2].update(register="beaute"), "Question 3 : registre « beaute » inconnu."),
        (lambda d: d["questions"][1].update(number=1), "En double parmi les numéros de questions : « 1 »."),
        (
            lambda d: d["questions"][0].update(indicators=["Z99"]),
            "Question 1 : indicateur « Z99 » absent du catalogue.",
        ),
        (lambda d: d["questions"][0].update(action="Fiche 99"), "Question 1 : fiche « Fiche 99 » absente du plan."),
        (
            _reword,
            "Fiche « Fiche 1 » : la question « la trame est-elle bonne ? » n'est pas écrite ainsi dans le plan.",
        ),
        (_drop, "manque au référentiel."),
        (
            lambda d: d["instance"]["members"][0].update(organisation="inconnue"),
            "organisation « inconnue » inconnue du plan.",
        ),
        (lambda d: d["instance"]["work_programme"][0].update(due="demain"), "date illisible « demain »"),
        (lambda d: d["framework"].update(programme="autre-plan"), "le programme « autre-plan » n'est pas chargé"),
        (lambda d: d["instance"].update(body="copil-fantome"), "« copil-fantome » n'est pas une instance du plan."),
    ],
)
def test_a_file_with_an_error_loads_nothing_and_says_why_in_french(change, message):
    load_pa_plan()
    data = pa_data()
    change(data)

    with pytest.raises(Exception) as refused:
        framework_load(data=data)

    assert any(message in text for text in refused.value.messages)
    assert not EvaluationFramework.objects.exists() and not EvaluationQuestion.objects.exists()
    assert not EvaluativeMember.objects.exists() and not WorkItem.objects.exists()
