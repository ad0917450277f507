"""A survey source of an evaluation question names a campaign of the surveys room: the report prints its results,
and only what the campaign's own screen shows (nothing under its anonymity threshold)."""

import pytest
import time_machine

from jalon.evaluation.report import survey_lines
from jalon.surveys.selectors import TOO_FEW
from tests.surveys.factories import SCALE, TODAY, build_questionnaire, build_world, launch
from tests.surveys.test_services import answer


pytestmark = pytest.mark.django_db


def test_the_report_prints_a_campaigns_results_above_its_threshold():
    with time_machine.travel(TODAY, tick=False):
        world = build_world(present=6)
        launched = launch(world.actor, build_questionnaire(world.actor))
        for index, choice in enumerate([SCALE[3], SCALE[2], SCALE[2], SCALE[0], SCALE[3]]):
            answer(launched, index, choice)
        lines = survey_lines(launched.campaign)
    # 5 answers out of 6 invited; satisfied: 4 of 5 (« Satisfait » or « Très satisfait »).
    assert "5 réponses pour 6 personnes invitées (taux de réponse 83 %)" in lines[0]
    assert "Satisfaction : 80 % des 5 répondants." in lines
    assert any(line.startswith("Êtes-vous satisfait de la cellule d'orientation ? — ") for line in lines)
    # The conditional question was answered by fewer people than the threshold: not printed.
    assert not any(line.startswith("Qu'est-ce qui n'allait pas ?") for line in lines)


def test_below_the_threshold_the_report_says_so_and_shows_no_share():
    with time_machine.travel(TODAY, tick=False):
        world = build_world(present=6)
        launched = launch(world.actor, build_questionnaire(world.actor))
        for index in range(2):
            answer(launched, index, SCALE[3])
        lines = survey_lines(launched.campaign)
    assert lines[1:] == [TOO_FEW]
