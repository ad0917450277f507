"""The surveys' services: versioned questionnaires, campaigns refused below the threshold, single-use answers,
closed campaigns, thresholded results (through filters too), reviewed free texts, reminders and the report to the
observatory."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.models import Message
from jalon.observatory.entered.models import EnteredValue
from jalon.observatory.models import Indicator
from jalon.observatory.services import catalogue_load
from jalon.surveys import selectors, services
from jalon.surveys.enums import InvitationChannel, Population, QuestionKind, ResponseChannel, TextReview
from jalon.surveys.models import Answer, Campaign, Invitation, Response
from tests.surveys.factories import SCALE, TODAY, actor_of, build_questionnaire, build_world, launch


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_today():
    # The services take `today`; the rows they write are stamped with the clock's time: both on the same day, or
    # a delay counted from `created_at` (the reminders) depends on the day the suite runs.
    with time_machine.travel(datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def world():
    return build_world(present=6)


@pytest.fixture
def questionnaire(world):
    return build_questionnaire(world.actor)


def answer(launched, index, choice, *, extra=None, today=TODAY, from_space=False):
    version = launched.campaign.version
    questions = {q.position: q for q in version.questions.all()}
    values = {questions[1].pk: choice}
    values.update({questions[pos].pk: value for pos, value in (extra or {}).items()})
    token = list(launched.tokens.values())[index]
    services.response_submit(token=token, answers=values, today=today, from_space=from_space)


def test_a_frozen_version_is_copied_when_edited_and_the_campaign_keeps_its_questions(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    assert launched.campaign.version.frozen and launched.campaign.version.number == 1
    first = launched.campaign.version.questions.get(position=3)
    services.question_save(
        actor=world.actor, questionnaire=questionnaire, question=first, text="Un dernier mot ?", kind=QuestionKind.TEXT
    )
    versions = list(questionnaire.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].questions.get(position=3).text == "Voulez-vous ajouter quelque chose ?"
    assert versions[1].questions.get(position=3).text == "Un dernier mot ?"
    # The copy keeps the condition, pointed at the copied question.
    conditional = versions[1].questions.get(position=2)
    assert conditional.condition_question == versions[1].questions.get(position=1)
    assert versions[1].satisfaction_question.satisfied_choices == SCALE[2:]


def test_bad_questions_are_refused_in_french(world, questionnaire):
    with pytest.raises(ValidationError) as error:
        services.question_save(
            actor=world.actor,
            questionnaire=questionnaire,
            text="Une seule réponse ?",
            kind=QuestionKind.SINGLE,
            choices=["Oui"],
        )
    assert "au moins deux réponses" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.question_save(
            actor=world.actor,
            questionnaire=questionnaire,
            text="Satisfait ?",
            kind=QuestionKind.TEXT,
            is_satisfaction=True,
        )
    assert "question de satisfaction" in str(error.value)
    assert questionnaire.versions.get().questions.count() == 3


def test_a_campaign_below_the_threshold_is_refused_and_nothing_is_saved(world, questionnaire):
    with pytest.raises(ValidationError) as error:
        launch(world.actor, questionnaire, threshold=7)
    assert "compte 6 personnes, moins que le seuil d'anonymat (7)" in str(error.value)
    assert not Campaign.objects.exists() and not Invitation.objects.exists() and not Message.objects.exists()
    assert not questionnaire.versions.get().frozen


def test_the_threshold_defaults_to_statistical_secrecy_and_cannot_go_below(world, questionnaire):
    with pytest.raises(ValidationError) as error:
        launch(world.actor, questionnaire, threshold=2)
    assert "au moins 5 réponses" in str(error.value)
    assert launch(world.actor, questionnaire).campaign.threshold == 5


def test_launch_invites_the_people_present_and_sends_each_a_link_whose_secret_is_not_stored(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    invitations = Invitation.objects.filter(campaign=launched.campaign)
    assert {i.person_id for i in invitations} == {p.pk for p in world.persons}
    # A mobile: SMS; else the e-mail address.
    assert sorted(i.channel for i in invitations) == ["email"] * 3 + ["sms"] * 3
    for message in Message.objects.all():
        assert all(token not in message.body for token in launched.tokens.values())
        assert "••••••" in message.body
    assert AuditEvent.objects.filter(code=AuditCode.SURVEY_CAMPAIGN_LAUNCHED).count() == 1


def test_an_absent_person_is_not_invited(world, questionnaire):
    from tests.people.factories import PersonFactory
    from tests.surveys.factories import cell

    absent = PersonFactory(departement=world.persons[0].departement)
    session = world.persons[0].session_participations.get().session
    cell(session.departement, session.organisation, world.territory, [absent], present=False)
    launched = launch(world.actor, questionnaire)
    assert not launched.campaign.invitations.filter(person=absent).exists()


def test_a_used_link_refuses_a_second_answer(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    answer(launched, 0, "Satisfait")
    with pytest.raises(ValidationError) as error:
        answer(launched, 0, "Peu satisfait")
    assert "déjà répondu" in str(error.value)
    assert Response.objects.count() == 1
    assert Answer.objects.get().choices == ["Satisfait"]


def test_an_answer_after_the_close_is_refused(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    with pytest.raises(ValidationError) as error:
        answer(launched, 0, "Satisfait", today=launched.campaign.closes_on + datetime.timedelta(days=1))
    assert "fermé depuis le" in str(error.value)
    services.campaign_close(actor=world.actor, campaign=launched.campaign, today=TODAY)
    with pytest.raises(ValidationError):
        answer(launched, 1, "Satisfait")
    assert not Response.objects.exists() and not Invitation.objects.filter(used=True).exists()


def test_an_unknown_link_is_a_missing_page():
    with pytest.raises(Http404):
        services.response_submit(token="inconnu", answers={}, today=TODAY)


def test_a_required_answer_is_asked_and_a_hidden_conditional_answer_is_dropped(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    with pytest.raises(ValidationError) as error:
        answer(launched, 0, "")
    assert "Répondez à la question 1" in str(error.value)
    # « Satisfait » does not open question 2: its answer is not kept.
    answer(launched, 0, "Satisfait", extra={2: ["Le lieu"]})
    assert list(Answer.objects.values_list("question__position", flat=True)) == [1]
    answer(launched, 1, "Peu satisfait", extra={2: ["Le lieu", "L'horaire"]})
    assert Answer.objects.filter(question__position=2).get().choices == ["Le lieu", "L'horaire"]


def test_results_stay_hidden_below_the_threshold_then_show(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    for index, choice in enumerate(["Satisfait", "Très satisfait", "Peu satisfait", "Satisfait"]):
        answer(launched, index, choice)
    results = selectors.campaign_results(campaign=launched.campaign)
    assert results.hidden and results.message == selectors.TOO_FEW and not results.questions
    assert results.satisfaction is None
    answer(launched, 4, "Pas du tout satisfait")
    results = selectors.campaign_results(campaign=launched.campaign)
    assert not results.hidden
    first = results.questions[0]
    assert [(row.label, row.count) for row in first.rows] == list(zip(SCALE, [1, 1, 2, 1], strict=True))
    assert results.satisfaction == pytest.approx(3 / 5)
    assert results.rate == pytest.approx(5 / 6)
    # Question 2 was asked to two people only: its counts stay hidden.
    assert results.questions[1].hidden and not results.questions[1].rows


def test_a_filter_that_would_isolate_a_small_group_shows_nothing(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    for index in range(5):
        answer(launched, index, "Satisfait")
    # One paper questionnaire: the paper group (1) is below the threshold…
    services.paper_response_enter(
        actor=world.actor,
        campaign=launched.campaign,
        answers={launched.campaign.version.questions.get(position=1).pk: "Peu satisfait"},
        today=TODAY,
    )
    results = selectors.campaign_results(campaign=launched.campaign)
    assert not results.hidden and results.responses == 6
    assert results.filters["canal"] == []  # …so no channel filter is offered (the link group would give it away)
    for channel in (ResponseChannel.PAPER, ResponseChannel.LINK):
        filtered = selectors.campaign_results(campaign=launched.campaign, channel=channel)
        assert filtered.hidden and filtered.message == selectors.TOO_FEW and not filtered.questions
    filtered = selectors.campaign_results(campaign=launched.campaign, territory=str(world.territory.pk))
    assert filtered.hidden


def test_free_texts_are_shown_only_once_reviewed(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    texts = ["Merci", "Très clair", "Bien reçu", "Madame X de Dax m'a mal reçu", "Rien à dire"]
    for index, text in enumerate(texts):
        answer(launched, index, "Satisfait", extra={3: text})
    results = selectors.campaign_results(campaign=launched.campaign)
    assert results.questions[2].texts == []
    pending = list(selectors.pending_texts(campaign=launched.campaign))
    assert {a.review for a in pending} == {TextReview.PENDING}
    for item in pending:
        services.text_review(actor=world.actor, answer=item, approve="Madame" not in item.text)
    results = selectors.campaign_results(campaign=launched.campaign)
    assert sorted(results.questions[2].texts) == sorted(t for t in texts if "Madame" not in t)


def test_paper_entry_is_for_the_departement_staff_and_chooses_no_person(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    first = launched.campaign.version.questions.get(position=1).pk
    services.paper_response_enter(
        actor=actor_of(world.referent), campaign=launched.campaign, answers={first: "Satisfait"}, today=TODAY
    )
    assert Response.objects.get().channel == ResponseChannel.PAPER
    assert not Invitation.objects.filter(used=True).exists()
    with pytest.raises(ValidationError):
        services.paper_response_enter(
            actor=actor_of(world.partner_admin), campaign=launched.campaign, answers={first: "Satisfait"}, today=TODAY
        )
    with pytest.raises(Http404):
        services.paper_response_enter(
            actor=actor_of(world.other_pilot), campaign=launched.campaign, answers={first: "Satisfait"}, today=TODAY
        )


def test_reminders_go_once_after_the_delay_with_a_new_link(world, questionnaire):
    launched = launch(world.actor, questionnaire)
    answer(launched, 0, "Satisfait")
    assert services.invitations_remind(today=TODAY + datetime.timedelta(days=6)) == 0
    assert services.invitations_remind(today=TODAY + datetime.timedelta(days=7)) == 5
    assert services.invitations_remind(today=TODAY + datetime.timedelta(days=8)) == 0
    assert Message.objects.filter(kind="reminder").count() == 5
    # The first link of a reminded invitation no longer works.
    with pytest.raises(Http404):
        answer(launched, 1, "Satisfait", today=TODAY + datetime.timedelta(days=8))


def test_professionals_are_invited_by_e_mail(world, questionnaire):
    for index in range(4):
        membership = world.referent.__class__.objects.create(
            user=world.referent.user.__class__.objects.create(email=f"ref{index}@landes.fr", first_name="R"),
            organisation=world.referent.organisation,
            role=Role.REFERENT,
        )
        assert membership.pk
    launched = launch(
        world.actor, questionnaire, population=Population.PROFESSIONALS, roles=[Role.REFERENT], period_start=None
    )
    assert launched.campaign.invitations.count() == 5
    assert set(launched.campaign.invitations.values_list("channel", flat=True)) == {InvitationChannel.EMAIL}
    assert len(mail.outbox) == 5


@pytest.fixture
def catalogue():
    catalogue_load()
    return Indicator.objects.get(code="L06")


def test_a_closed_campaign_reports_its_satisfaction_to_the_observatory_as_a_draft(world, questionnaire, catalogue):
    from jalon.observatory.entered.models import EntrySetup

    EntrySetup.objects.create(
        indicator=catalogue, departement_id="40", period_kind="mois", starts_on=TODAY.replace(day=1, month=1)
    )
    launched = launch(world.actor, questionnaire, indicator=catalogue)
    for index, choice in enumerate(["Satisfait", "Très satisfait", "Peu satisfait", "Satisfait"]):
        answer(launched, index, choice)
    campaign = launched.campaign
    with pytest.raises(ValidationError) as error:
        services.satisfaction_report(actor=world.actor, campaign=campaign, today=TODAY)
    assert "encore ouverte" in str(error.value)
    services.campaign_close(actor=world.actor, campaign=campaign, today=TODAY)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.satisfaction_report(actor=world.actor, campaign=campaign, today=TODAY)
    assert "Trop peu de réponses" in str(error.value)
    assert not EnteredValue.objects.exists()
    # A fifth answer had come before the close (the test reopens the campaign to give it).
    Campaign.objects.filter(pk=campaign.pk).update(closed_on=None)
    answer(launched, 4, "Très satisfait")
    services.campaign_close(actor=world.actor, campaign=campaign, today=TODAY)
    campaign.refresh_from_db()
    entry = services.satisfaction_report(actor=world.actor, campaign=campaign, today=TODAY)
    assert entry.value == 80.0 and entry.status == "brouillon"
    assert (entry.indicator.code, entry.period_kind, entry.period_start) == ("L06", "mois", datetime.date(2026, 11, 1))
    assert Indicator.objects.get(code="L06").source == "saisi"


def test_only_the_observatorys_enterers_report_the_satisfaction(world, questionnaire, catalogue):
    from tests.organisations.factories import MembershipFactory

    launched = launch(world.actor, questionnaire, indicator=catalogue)
    for index in range(5):
        answer(launched, index, "Satisfait")
    campaign = services.campaign_close(actor=world.actor, campaign=launched.campaign, today=TODAY)
    admin = MembershipFactory(organisation=world.pilot.organisation, role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as error:
        services.satisfaction_report(actor=actor_of(admin), campaign=campaign, today=TODAY)
    assert "Seuls le pilote et l'analyste du Département saisissent L06" in str(error.value)
    assert not EnteredValue.objects.exists()
