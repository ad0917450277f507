"""Reads of messages, scoped through the person they were sent to; opening them is audited."""

from django.db import models

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.core.services import audit_event_record
from jalon.messaging.enums import MessageChannel
from jalon.messaging.models import Message, MessageQuerySet
from jalon.people.models import Person


MESSAGE_READER_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER)


def person_messages_open(*, actor: Actor, person_pk) -> tuple[Person, MessageQuerySet]:
    """Every message sent to a person the actor may see, newest first. Records who looked."""
    person = get_visible_or_404(Person.objects.visible_to(actor), pk=person_pk)
    messages = Message.objects.for_person(person).select_related("created_by", "organisation")
    audit_event_record(
        code=AuditCode.MESSAGES_VIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
    )
    return person, messages


def letter_open(*, actor: Actor, pk) -> Message:
    """A letter, to print it again; out of the actor's scope it does not exist. Records the download."""
    message = get_visible_or_404(
        Message.objects.visible_to(actor)
        .filter(channel=MessageChannel.LETTER)
        .select_related("person", "organisation__commune", "created_by"),
        pk=pk,
    )
    audit_event_record(
        code=AuditCode.LETTER_DOWNLOADED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=message,
        person_id=message.person_id,
    )
    return message


def message_list_about(*, actor: Actor, about: models.Model | list) -> MessageQuerySet:
    """Messages about an object (or a list of objects of one model) — e.g. a session's participants — limited to
    the persons the actor may see. The caller's screen audits its own opening."""
    qs = Message.objects.visible_to(actor)
    qs = qs.about_any(about) if isinstance(about, list) else qs.about(about)
    return qs.select_related("person", "created_by")
