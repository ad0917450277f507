"""No query path joins an answer back to a person (decision 0037).

A join identifies the author of an answer only through « to-one » steps: from an answer to one row, from that row
to one row… (an answer → its response → its campaign is fine: the campaign is everybody's). So:

1. From `Answer` and `Response`, every model reachable through to-one relations (forward foreign keys and
   one-to-ones, in both directions) is listed, and none is a person, a user, an invitation, a message or an
   audit event.
2. The direct neighbours of `Answer` and `Response` are exactly the expected ones (adding a foreign key to them
   fails here, to be thought about).
3. Neither model has a date or a sequence: their keys are random UUIDs; the invitation has no date of use nor
   modification time.
4. Behaviour: after people answered, nothing stored (responses, answers, the invitation, audit events, messages)
   carries a value that links a response to an invitation or a person.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.messaging.models import Message
from jalon.surveys import services
from jalon.surveys.models import Answer, Invitation, Response
from tests.surveys.factories import TODAY, build_questionnaire, build_world, launch


IDENTIFYING = {
    "people.person",
    settings.AUTH_USER_MODEL.lower(),
    "surveys.invitation",
    "messaging.message",
    "core.auditevent",
    "organisations.membership",
}


def _to_one_neighbours(model) -> set:
    result = set()
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.is_relation or relation.related_model is None:
            continue
        # Forward FK / one-to-one, or the reverse side of a one-to-one: each gives one row per row.
        if relation.many_to_one or relation.one_to_one:
            result.add(relation.related_model)
    return result


def _to_one_closure(start) -> set:
    seen, stack = set(start), list(start)
    while stack:
        model = stack.pop()
        for neighbour in _to_one_neighbours(model):
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def test_an_answer_leaves_its_own_rows_only_towards_the_groups_rows():
    """From an answer, the to-one steps lead to its response, then only to rows shared by a whole group (its
    campaign, its question, its territory): whatever lies beyond is the same for every answer of the group."""
    own = {Answer, Response}
    exits = set().union(*(_to_one_neighbours(model) for model in own)) - own
    assert {model._meta.label_lower for model in exits} == {
        "surveys.campaign",
        "surveys.question",
        "territories.territory",
    }
    # Beyond the group's rows, no to-one path reaches an invitation, a person, a message or an audit event (the
    # campaign's creator, a user, is the same for every answer).
    beyond = {model._meta.label_lower for model in _to_one_closure(exits)}
    assert not beyond & (IDENTIFYING - {settings.AUTH_USER_MODEL.lower()}), beyond & IDENTIFYING


def test_no_to_one_path_leads_from_a_person_an_invitation_or_a_message_to_an_answer():
    """The other way: from a person, a user, an invitation, a message or an audit event, to-one steps never reach
    a response or an answer, and none of those models has a relation that ends on one."""
    for label in IDENTIFYING:
        model = apps.get_model(label)
        reachable = _to_one_closure([model])
        assert Answer not in reachable and Response not in reachable, label
        for relation in model._meta.get_fields(include_hidden=True):
            assert not (relation.is_relation and relation.related_model in (Answer, Response)), (label, relation)


def test_the_answers_direct_neighbours_are_the_expected_ones():
    def neighbours(model):
        return {
            relation.related_model._meta.label_lower
            for relation in model._meta.get_fields(include_hidden=True)
            if relation.is_relation and relation.related_model is not None
        }

    assert neighbours(Response) == {"surveys.campaign", "territories.territory", "surveys.answer"}
    assert neighbours(Answer) == {"surveys.response", "surveys.question"}
    assert "response" not in {f.name for f in Invitation._meta.get_fields()}


def test_no_date_and_no_sequence_on_the_answers_nor_a_date_of_use_on_the_invitation():
    for model in (Response, Answer):
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField | models.AutoField)]
    dated = {f.name for f in Invitation._meta.concrete_fields if isinstance(f, models.DateField)}
    assert dated == {"created_at"}  # when it was sent (the launch), never when it was used
    assert not any(f.auto_now for f in Invitation._meta.concrete_fields if isinstance(f, models.DateField))


@pytest.mark.django_db
def test_nothing_stored_links_a_response_to_its_author():
    world = build_world(present=6)
    questionnaire = build_questionnaire(world.actor)
    launched = launch(world.actor, questionnaire)
    first = launched.campaign.version.questions.get(position=1).pk
    invitations = list(Invitation.objects.filter(campaign=launched.campaign).order_by("pk"))
    snapshot = {i.pk: (i.created_at, i.token_hash) for i in invitations}
    before_pk = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for invitation in invitations[:3]:
        services.response_submit(token=launched.tokens[invitation.pk], answers={first: "Satisfait"}, today=TODAY)
    responses = list(Response.objects.all())
    assert len(responses) == 3
    # The invitation changed only its boolean: same creation time, same link, no trace of the response.
    for invitation in Invitation.objects.filter(pk__in=[i.pk for i in invitations[:3]]):
        assert invitation.used
        assert (invitation.created_at, invitation.token_hash) == snapshot[invitation.pk]
    identifiers = {str(r.pk) for r in responses} | {str(a.pk) for a in Answer.objects.all()}
    person_ids = {i.person_id for i in invitations}
    # The answers' audit events name the campaign only: no person, no actor, no response.
    answered = AuditEvent.objects.filter(pk__gt=before_pk, code=AuditCode.SURVEY_ANSWERED)
    assert answered.count() == 3
    for event in answered:
        assert event.person_id is None and event.actor_id is None
        assert event.subject_type == "surveys.campaign"
        assert not identifiers & {event.subject_id, *map(str, event.data.values())}
    # A response holds its random key, its campaign, its channel and the group's territory: nothing else, so no
    # identifier of an invitation or a person (compared by field, as small keys of other tables may be equal).
    assert {f.attname for f in Response._meta.concrete_fields} == {"id", "campaign_id", "channel", "territory_id"}
    for response in responses:
        assert response.campaign_id == launched.campaign.pk
        assert response.territory_id == world.territory.pk
        assert str(response.pk) not in {str(i.pk) for i in invitations} | {str(p) for p in person_ids}
    assert not Message.objects.filter(body__contains=str(responses[0].pk)).exists()
    assert AuditEvent.objects.filter(subject_type__in=["surveys.response", "surveys.answer"]).count() == 0
