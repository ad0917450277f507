"""Senders of messages, one per channel, chosen by `settings.JALON_MESSAGE_BACKENDS`.

A backend receives the message already checked and saved (recipient snapshotted) and answers with a
`Delivery`: the status to store and, for a provider, its reference. It raises `DeliveryError` (or anything else)
when the message could not be sent: `message_send` stores that as a failed message rather than losing the batch.
Backends write nothing to the database themselves.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from jalon.messaging.enums import MessageChannel, MessageStatus


logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message could not be sent; the text (French) is stored on the message and shown to professionals."""


@dataclass(frozen=True)
class Delivery:
    status: MessageStatus
    provider_reference: str = ""


class MessageBackend:
    channels: tuple[str, ...] = ()

    def send(self, message) -> Delivery:
        raise NotImplementedError


class RecordingBackend(MessageBackend):
    """Sends nothing: the message is kept as "enregistré (non envoyé)" with what would have been sent."""

    channels = tuple(MessageChannel.values)

    def send(self, message) -> Delivery:
        logger.info("Message %s recorded, not sent (%s to %s)", message.pk, message.channel, message.recipient)
        return Delivery(status=MessageStatus.RECORDED)


class MemoryBackend(RecordingBackend):
    """For tests, as Django's locmem e-mail backend: records like `RecordingBackend` and keeps in memory, in
    `MemoryBackend.outbox`, what was handed over (the text as sent, one-time codes included)."""

    outbox: list[dict] = []

    def send(self, message) -> Delivery:
        MemoryBackend.outbox.append(
            {
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body,
            }
        )
        return super().send(message)


class EmailBackend(MessageBackend):
    """Through Django's e-mail backend (SMTP in production, the console in development)."""

    channels = (MessageChannel.EMAIL,)

    def send(self, message) -> Delivery:
        sent = send_mail(
            subject=message.subject,
            message=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[message.recipient],
            fail_silently=False,
        )
        if not sent:
            raise DeliveryError("Le serveur d'envoi n'a accepté aucun e-mail.")
        return Delivery(status=MessageStatus.SENT)


class LetterBackend(MessageBackend):
    """A letter is "sent" once its printable PDF can be produced; the PDF is made again on each download."""

    channels = (MessageChannel.LETTER,)

    def send(self, message) -> Delivery:
        from jalon.messaging.letters import letter_pdf

        letter_pdf(message)
        return Delivery(status=MessageStatus.SENT)


BREVO_SMS_URL = "https://api.brevo.com/v3/transactionalSMS/sms"


class BrevoSmsBackend(MessageBackend):
    """Transactional SMS through Brevo's API (`JALON_BREVO_API_KEY`, sender `JALON_SMS_SENDER`)."""

    channels = (MessageChannel.SMS,)
    timeout_seconds = 15

    def __init__(self):
        self.api_key = getattr(settings, "JALON_BREVO_API_KEY", "")
        self.url = getattr(settings, "JALON_BREVO_SMS_URL", "") or BREVO_SMS_URL
        self.sender = getattr(settings, "JALON_SMS_SENDER", "")
        if not self.api_key:
            raise ImproperlyConfigured("JALON_BREVO_API_KEY est requis pour envoyer des SMS par Brevo.")
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("JALON_BREVO_SMS_URL doit être une adresse http(s).")

    def payload(self, message) -> dict:
        return {
            "type": "transactional",
            "sender": self.sender,
            # International number without the "+", as in Brevo's examples.
            "recipient": message.recipient.lstrip("+"),
            "content": message.body,
            "unicodeEnabled": not message.body.isascii(),
            "tag": f"jalon-{message.kind}",
        }

    def send(self, message) -> Delivery:
        request = urllib.request.Request(  # noqa: S310 — the URL scheme is checked in __init__
            self.url,
            data=json.dumps(self.payload(message)).encode(),
            method="POST",
            headers={"api-key": self.api_key, "content-type": "application/json", "accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise DeliveryError(
                f"Brevo a refusé le SMS (HTTP {error.code}) : {_provider_message(error.read())}"
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DeliveryError(f"Brevo est injoignable : {getattr(error, 'reason', error)}") from error
        except ValueError as error:
            raise DeliveryError("Brevo a répondu dans un format inattendu.") from error
        reference = answer.get("reference") or answer.get("messageId") or ""
        return Delivery(status=MessageStatus.SENT, provider_reference=str(reference)[:100])


def _provider_message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:500] or "pas de détail"
    if isinstance(data, dict):
        return str(data.get("message") or data.get("code") or data)[:500]
    return str(data)[:500]


DEFAULT_BACKENDS = {
    MessageChannel.EMAIL: "jalon.messaging.backends.EmailBackend",
    MessageChannel.SMS: "jalon.messaging.backends.RecordingBackend",
    MessageChannel.LETTER: "jalon.messaging.backends.LetterBackend",
}


def backend_path(channel: str) -> str:
    configured = getattr(settings, "JALON_MESSAGE_BACKENDS", {}) or {}
    return configured.get(channel) or DEFAULT_BACKENDS[MessageChannel(channel)]


def backend_for(channel: str) -> tuple[str, MessageBackend]:
    """The dotted path and an instance of the backend configured for the channel."""
    path = backend_path(channel)
    backend = import_string(path)()
    if backend.channels and channel not in backend.channels:
        raise ImproperlyConfigured(f"{path} ne sait pas envoyer de messages par {MessageChannel(channel).label}.")
    return path, backend
