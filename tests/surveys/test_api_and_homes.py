"""The surveys' read-only API (thresholded like the screens), the open campaigns on the pilot's home, and the daily
reminders command."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from jalon.messaging.models import Message
from jalon.surveys import services
from tests.api.factories import api_client_for
from tests.surveys.factories import TODAY, build_questionnaire, build_world, launch


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def launched():
    world = build_world(present=6)
    return world, launch(world.actor, build_questionnaire(world.actor))


def test_the_api_lists_the_campaigns_and_gives_thresholded_results(launched):
    world, launch_ = launched
    client = api_client_for(world.pilot)
    listing = client.get(reverse("api:survey_campaigns")).json()
    assert [(item["title"], item["invitations"], item["responses"]) for item in listing] == [
        (launch_.campaign.title, 6, 0)
    ]
    url = reverse("api:survey_results", args=[launch_.campaign.pk])
    first = launch_.campaign.version.questions.get(position=1).pk
    tokens = list(launch_.tokens.values())
    for token in tokens[:4]:
        services.response_submit(token=token, answers={first: "Satisfait"}, today=TODAY)
    hidden = client.get(url).json()
    assert hidden["hidden"] and hidden["questions"] == [] and hidden["satisfaction"] is None
    assert "Trop peu de réponses" in hidden["message"]
    services.response_submit(token=tokens[4], answers={first: "Peu satisfait"}, today=TODAY)
    shown = client.get(url).json()
    assert not shown["hidden"] and shown["satisfaction"] == pytest.approx(0.8)
    assert shown["questions"][0]["rows"][2] == {"label": "Satisfait", "count": 4, "share": 0.8}
    assert client.get(url, {"canal": "papier"}).json()["hidden"]
    # Another Département's pilot does not find it; a référent has no survey API.
    assert api_client_for(world.other_pilot).get(url).status_code == 404
    assert api_client_for(world.referent).get(reverse("api:survey_campaigns")).status_code == 404


def test_the_pilots_home_shows_the_open_campaigns(launched, login_as):
    world, launch_ = launched
    services.response_submit(
        token=next(iter(launch_.tokens.values())),
        answers={launch_.campaign.version.questions.get(position=1).pk: "Satisfait"},
        today=TODAY,
    )
    content = " ".join(login_as(world.pilot).get(reverse("workspace:home")).content.decode().split())
    assert "Enquêtes en cours" in content
    assert "1 réponse sur 6 invitations, clôture le 26/12/2026" in content


def test_the_daily_command_reminds_once(launched):
    out = StringIO()
    call_command("surveys_remind", "--date", "2026-12-12", stdout=out)
    assert "12/12/2026 : 6 relance(s) d'enquête envoyée(s)." in out.getvalue()
    call_command("surveys_remind", "--date", "2026-12-13", stdout=StringIO())
    assert Message.objects.filter(kind="reminder").count() == 6
