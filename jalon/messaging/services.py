"""Sending messages to persons. Every message is recorded, whatever the channel and whether it went out."""

import copy
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.messaging.backends import MessageBackend, backend_for
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.models import Message
from jalon.messaging.recipients import recipient_for


logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = Message._meta.get_field("subject").max_length or 255
# A secret (a one-time code) goes to the sender only: the body names its place with this mark, the stored and
# shown text has REDACTED_SECRET there instead.
SECRET_PLACEHOLDER = "[[secret]]"  # noqa: S105 — a mark, not a secret
REDACTED_SECRET = "••••••"  # noqa: S105


@dataclass(frozen=True)
class MessageDraft:
    """One message of a batch: to whom, what, and what it is about (optional)."""

    person: models.Model
    subject: str
    body: str
    about: models.Model | None = None


def _check_secret(*, channel: str, kind: str, body: str, secret: str) -> None:
    """Programming errors, not bad input: a code must never be stored in clear by mistake."""
    if kind == MessageKind.ACCESS_CODE and not secret:
        raise ValueError("A one-time code message carries its code as `secret`, never in the body.")
    if secret and SECRET_PLACEHOLDER not in body:
        raise ValueError(f"A message with a secret names its place in the body with {SECRET_PLACEHOLDER}.")
    if secret and channel == MessageChannel.LETTER:
        # A letter's PDF is made again from the stored text: it could never carry the secret.
        raise ValueError("A secret cannot be sent by letter.")


def _check(*, person, channel: str, kind: str, subject: str, body: str, about) -> str:
    """Everything that would make the message impossible; returns the recipient snapshot."""
    if channel not in MessageChannel.values:
        raise ValidationError(f"Canal d'envoi inconnu : « {channel} ».")
    if kind not in MessageKind.values:
        raise ValidationError(f"Nature de message inconnue : « {kind} ».")
    if getattr(person, "merged_into_id", None):
        raise ValidationError(
            f"Le dossier de {person} a été fusionné dans un autre : envoyez le message depuis le dossier conservé."
        )
    if not body.strip():
        raise ValidationError("Le texte du message est vide.")
    if channel != MessageChannel.SMS and not subject.strip():
        raise ValidationError("L'objet du message est obligatoire pour un e-mail ou un courrier.")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(f"L'objet du message dépasse {SUBJECT_MAX_LENGTH} caractères.")
    if about is not None and getattr(about, "pk", None) is None:
        raise ValidationError("L'objet auquel le message se rapporte doit être enregistré.")
    return recipient_for(person, channel)


def _send(
    *,
    actor,
    actor_label: str,
    organisation,
    person,
    channel: str,
    kind: str,
    subject: str,
    body: str,
    about,
    backend: tuple[str, MessageBackend],
    secret: str = "",
) -> Message:
    recipient = _check(person=person, channel=channel, kind=kind, subject=subject, body=body, about=about)
    _check_secret(channel=channel, kind=kind, body=body, secret=secret)
    path, sender = backend
    message = Message(
        person=person,
        channel=channel,
        kind=kind,
        subject=subject.strip(),
        body=body.replace(SECRET_PLACEHOLDER, REDACTED_SECRET).strip("\n").rstrip(),
        recipient=recipient,
        status=MessageStatus.QUEUED,
        backend=path,
        created_by=actor.user if actor is not None and actor.user is not None else None,
        organisation=organisation if organisation is not None else (actor.organisation if actor else None),
        about=about,
    )
    # Foreign keys come from the caller's objects: no need for a query each to check they exist.
    message.full_clean(exclude=["person", "created_by", "organisation", "about_type"], validate_constraints=False)
    message.save()
    outgoing = message
    if secret:
        # An unsaved copy with the secret in its text, for the sender only; the saved row keeps the redacted text.
        outgoing = copy.copy(message)
        outgoing.body = body.replace(SECRET_PLACEHOLDER, secret).strip("\n").rstrip()
    try:
        delivery = sender.send(outgoing)
    except Exception as error:  # a provider's failure is recorded on the message, not raised
        error_text = str(error) or error.__class__.__name__
        if secret:
            # A provider's error may quote the text it was given: no secret in the record, no traceback in the log.
            error_text = error_text.replace(secret, REDACTED_SECRET)
            logger.warning("Message %s (%s) not sent: %s", message.pk, channel, error_text)
        else:
            logger.warning("Message %s (%s) not sent: %s", message.pk, channel, error, exc_info=True)
        message.status = MessageStatus.FAILED
        message.error = error_text
    else:
        message.status = delivery.status
        message.provider_reference = delivery.provider_reference
        if delivery.status == MessageStatus.SENT:
            message.sent_at = timezone.now()
    message.save(update_fields=["status", "error", "provider_reference", "sent_at", "updated_at"])
    audit_event_record(
        code=AuditCode.MESSAGE_SENT,
        actor=actor.user if actor is not None else None,
        actor_label=actor_label,
        organisation=message.organisation,
        subject=message,
        person_id=person.pk,
        new={"channel": channel, "kind": kind, "status": message.status},
        extra={"about": f"{about._meta.label_lower}:{about.pk}"} if about is not None else None,
    )
    return message


@transaction.atomic
def message_send(
    *,
    actor=None,
    actor_label: str = "",
    person,
    channel: str,
    kind: str,
    subject: str,
    body: str,
    about: models.Model | None = None,
    organisation=None,
    secret: str = "",
) -> Message:
    """Send one message to a person through the channel's backend and record it.

    Refused with a French `ValidationError`, nothing written, when the person cannot be reached on the channel
    (no e-mail, no mobile phone, no postal address…). A backend's failure does not raise: the message is stored
    with status "échec" and the error. `actor` is the acting `Actor` (None for automatic sends, then give
    `actor_label`); `organisation` is the sender, the actor's organisation by default; `about` is what the
    message is about (a session participant, an appointment). The caller has fetched `person` through a scoped
    selector. `secret` (a one-time code) takes the place of `SECRET_PLACEHOLDER` in the text handed to the
    backend only: the stored text, hence every screen, the API, the back-office and the letters, shows
    `REDACTED_SECRET` there.
    """
    return _send(
        actor=actor,
        actor_label=actor_label,
        organisation=organisation,
        person=person,
        channel=channel,
        kind=kind,
        subject=subject,
        body=body,
        about=about,
        backend=backend_for(channel),
        secret=secret,
    )


@transaction.atomic
def message_send_bulk(
    *,
    actor=None,
    actor_label: str = "",
    channel: str,
    kind: str,
    drafts: Iterable[MessageDraft],
    organisation=None,
) -> tuple[list[Message], list[tuple[models.Model, str]]]:
    """Send one message per draft. A person who cannot be reached does not stop the batch: the answer is the
    messages recorded (sent, recorded or failed) and the refusals as (person, reason in French)."""
    backend = backend_for(channel)
    messages: list[Message] = []
    refused: list[tuple[models.Model, str]] = []
    for draft in drafts:
        try:
            with transaction.atomic():
                messages.append(
                    _send(
                        actor=actor,
                        actor_label=actor_label,
                        organisation=organisation,
                        person=draft.person,
                        channel=channel,
                        kind=kind,
                        subject=draft.subject,
                        body=draft.body,
                        about=draft.about,
                        backend=backend,
                    )
                )
        except ValidationError as error:
            refused.append((draft.person, " ".join(error.messages)))
    return messages, refused
