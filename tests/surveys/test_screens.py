"""The surveys' screens: the builder, the campaign launch (refused below the threshold), the public answering
page (used link, closed campaign, unknown link), the thresholded results and their export, the review of free
texts, the paper entry and the person's space."""

import csv
import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from jalon.core.exports import CSV_DELIMITER
from jalon.notebook.models import Notebook
from jalon.surveys import services
from jalon.surveys.enums import ResponseChannel
from jalon.surveys.models import Answer, Campaign, Question, Questionnaire, Response
from tests.surveys.factories import LAST_MONTH, TODAY, build_questionnaire, build_world, launch


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world():
    return build_world(present=6)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_pilot_builds_a_questionnaire_and_launches_a_campaign(world, login_as):
    client = login_as(world.pilot)
    response = client.post(reverse("surveys:questionnaire_create"), {"title": "Avis sur la cellule"})
    questionnaire = Questionnaire.objects.get()
    assert response.url == reverse("surveys:questionnaire", args=[questionnaire.pk])
    response = client.post(
        reverse("surveys:question_create", args=[questionnaire.pk]),
        {
            "text": "Êtes-vous satisfait ?",
            "kind": "echelle",
            "choices": "Pas du tout satisfait\nPeu satisfait\nSatisfait\nTrès satisfait",
            "required": "on",
            "is_satisfaction": "on",
            "satisfied_choices": "Satisfait\nTrès satisfait",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.is_satisfaction and question.satisfied_choices == ["Satisfait", "Très satisfait"]
    page = client.get(reverse("surveys:questionnaire", args=[questionnaire.pk]))
    assert "Êtes-vous satisfait ?" in text(page)
    form = {
        "title": "Cellules de novembre",
        "opens_on": "2026-12-05",
        "closes_on": "2026-12-26",
        "population": "cellule",
        "period_start": LAST_MONTH[0].isoformat(),
        "period_end": LAST_MONTH[1].isoformat(),
        "threshold": "5",
        "remind_after_days": "7",
    }
    response = client.post(reverse("surveys:campaign_create", args=[questionnaire.pk]), form)
    campaign = Campaign.objects.get()
    assert response.url == reverse("surveys:campaign", args=[campaign.pk])
    assert campaign.invitations.count() == 6
    listing = text(client.get(reverse("surveys:home")))
    assert "Cellules de novembre" in listing and "Avis sur la cellule" in listing


def test_a_campaign_below_the_threshold_is_refused_on_the_form(world, login_as):
    questionnaire = build_questionnaire(world.actor)
    client = login_as(world.pilot)
    form = {
        "title": "Cellules de novembre",
        "opens_on": "2026-12-05",
        "closes_on": "2026-12-26",
        "population": "cellule",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "threshold": "10",
    }
    response = client.post(reverse("surveys:campaign_create", args=[questionnaire.pk]), form)
    assert response.status_code == 200
    assert "moins que le seuil d'anonymat (10)" in text(response)
    assert not Campaign.objects.exists()


def _first(campaign):
    return campaign.version.questions.get(position=1)


def test_the_person_answers_once_through_the_link(world, client):
    launched = launch(world.actor, build_questionnaire(world.actor))
    token = next(iter(launched.tokens.values()))
    url = reverse("surveys:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    content = text(page)
    assert "C'est anonyme : personne ne saura ce que vous avez répondu." in content
    assert '<legend class="fr-fieldset__legend fr-text--lg" id="q' in content
    # A missing required answer: the error is named and linked to its question, nothing is written.
    response = client.post(url, {})
    assert "Répondez à la question 1." in text(response)
    assert f'href="#q{_first(launched.campaign).pk}"' in text(response)
    assert not Response.objects.exists()
    response = client.post(url, {f"q{_first(launched.campaign).pk}": "Satisfait"})
    assert "Vos réponses sont bien enregistrées." in text(response)
    assert Response.objects.get().channel == ResponseChannel.LINK
    again = client.get(url)
    assert "Vous avez déjà répondu, merci" in text(again)
    client.post(url, {f"q{_first(launched.campaign).pk}": "Peu satisfait"})
    assert Response.objects.count() == 1


def test_a_closed_campaign_says_so_and_an_unknown_link_is_not_found(world, client):
    launched = launch(world.actor, build_questionnaire(world.actor))
    services.campaign_close(actor=world.actor, campaign=launched.campaign, today=TODAY)
    token = next(iter(launched.tokens.values()))
    page = client.get(reverse("surveys:answer", args=[token]))
    assert "Ce questionnaire est fermé depuis le 05/12/2026" in text(page)
    client.post(reverse("surveys:answer", args=[token]), {f"q{_first(launched.campaign).pk}": "Satisfait"})
    assert not Response.objects.exists()
    assert client.get(reverse("surveys:answer", args=["inconnu"])).status_code == 404


def test_results_show_the_too_few_message_then_the_counts_and_export_only_aggregates(world, login_as):
    launched = launch(world.actor, build_questionnaire(world.actor))
    first = _first(launched.campaign)
    tokens = list(launched.tokens.values())
    for token in tokens[:4]:
        services.response_submit(token=token, answers={first.pk: "Satisfait"}, today=TODAY)
    client = login_as(world.pilot)
    url = reverse("surveys:campaign", args=[launched.campaign.pk])
    content = text(client.get(url))
    assert "Trop peu de réponses pour les afficher sans risque d'identifier quelqu'un." in content
    assert "4 réponses pour 6 invitations" in content
    services.response_submit(token=tokens[4], answers={first.pk: "Peu satisfait"}, today=TODAY)
    content = text(client.get(url))
    assert "Trop peu de réponses pour les afficher" not in content
    assert "Satisfaits : <strong>80 %</strong> (4 sur 5)" in content
    assert "<svg" in content
    export = client.get(reverse("surveys:campaign_export", args=[launched.campaign.pk]))
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Question")
    parsed = list(csv.reader(rows, delimiter=CSV_DELIMITER))
    assert [line[1:] for line in parsed if line[0] == first.text] == [
        ["Pas du tout satisfait", "0", "0.0"],
        ["Peu satisfait", "1", "20.0"],
        ["Satisfait", "4", "80.0"],
        ["Très satisfait", "0", "0.0"],
    ]
    # Aggregates only: no row per response (four lines of counts for the scale, the hidden questions, no text).
    assert len(rows) == 1 + 4 + 1
    # A filter that would isolate a small group shows the message, never the numbers.
    filtered = text(client.get(url, {"canal": "papier"}))
    assert "Trop peu de réponses pour les afficher" in filtered


def test_free_texts_are_reviewed_before_they_show(world, login_as):
    launched = launch(world.actor, build_questionnaire(world.actor))
    questions = {q.position: q.pk for q in launched.campaign.version.questions.all()}
    for index, token in enumerate(list(launched.tokens.values())[:5]):
        services.response_submit(
            token=token, answers={questions[1]: "Satisfait", questions[3]: f"Avis numéro {index}"}, today=TODAY
        )
    client = login_as(world.pilot)
    url = reverse("surveys:campaign", args=[launched.campaign.pk])
    assert "Avis numéro 0" not in text(client.get(url))
    assert "Avis numéro 0" in text(client.get(reverse("surveys:texts", args=[launched.campaign.pk])))
    for answer in Answer.objects.filter(question_id=questions[3]):
        client.post(
            reverse("surveys:text_review", args=[launched.campaign.pk, answer.pk]),
            {"decision": "publier" if answer.text != "Avis numéro 3" else "ecarter"},
        )
    content = text(client.get(url))
    assert "« Avis numéro 0 »" in content and "Avis numéro 3" not in content


def test_a_referent_enters_a_paper_questionnaire(world, login_as):
    launched = launch(world.actor, build_questionnaire(world.actor))
    client = login_as(world.referent)
    assert launched.campaign.title in text(client.get(reverse("surveys:paper_list")))
    url = reverse("surveys:paper_entry", args=[launched.campaign.pk])
    response = client.post(
        url, {f"q{_first(launched.campaign).pk}": "Très satisfait", "territory": world.territory.pk}
    )
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.channel, saved.territory) == (ResponseChannel.PAPER, world.territory)
    # The results stay the pilot's.
    assert client.get(reverse("surveys:campaign", args=[launched.campaign.pk])).status_code == 404


def test_the_person_space_shows_the_waiting_questionnaire_and_opens_it(world, client):
    from jalon.notebook.person_space import services as space_services

    launched = launch(world.actor, build_questionnaire(world.actor))
    person = world.persons[0]
    Notebook.objects.create(person=person)
    invitation = launched.campaign.invitations.get(person=person)
    session = client.session
    session[space_services.PERSON_SESSION_KEY] = person.pk
    session.save()
    home = text(client.get(reverse("person_space:home")))
    assert "Un questionnaire vous attend" in home and launched.campaign.title in home
    response = client.post(reverse("surveys:space_start", args=[invitation.pk]))
    assert response.status_code == 302 and response.url.endswith("?depuis=espace")
    client.post(response.url, {f"q{_first(launched.campaign).pk}": "Satisfait"})
    assert Response.objects.get().channel == ResponseChannel.SPACE
    # Someone else's invitation is not found.
    other = launched.campaign.invitations.exclude(person=person).first()
    assert client.post(reverse("surveys:space_start", args=[other.pk])).status_code == 404
