"""Sending: who can be reached on which channel, what is recorded, what goes out."""

import socket

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging import selectors
from jalon.messaging.backends import MemoryBackend, MessageBackend
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.models import Message
from jalon.messaging.recipients import mobile_phone_normalise
from jalon.messaging.rendering import render_message
from jalon.messaging.services import REDACTED_SECRET, SECRET_PLACEHOLDER, MessageDraft, message_send, message_send_bulk
from tests.conftest import actor_for
from tests.messaging.factories import reachable_person
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return actor_for(MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd"))


def _send(actor, person, channel, **kwargs):
    values = {
        "actor": actor,
        "person": person,
        "channel": channel,
        "kind": MessageKind.INVITATION,
        "subject": "Invitation à une séance d'orientation",
        "body": "Bonjour,\n\nVous êtes invitée le 3 décembre à 9 h 30.",
    }
    values.update(kwargs)
    return message_send(**values)


@pytest.mark.parametrize(
    ("channel", "overrides", "expected"),
    [
        (
            MessageChannel.EMAIL,
            {"email": ""},
            "DUPONT Marie n'a pas d'adresse e-mail : l'e-mail ne peut pas être envoyé.",
        ),
        (
            MessageChannel.SMS,
            {"phone": ""},
            "DUPONT Marie n'a pas de numéro de téléphone mobile : le SMS ne peut pas être envoyé.",
        ),
        (
            MessageChannel.SMS,
            {"phone": "05 58 12 34 56"},
            "DUPONT Marie : le numéro « 05 58 12 34 56 » est un numéro de téléphone fixe, "
            "le SMS ne peut pas être envoyé.",
        ),
        (
            MessageChannel.SMS,
            {"phone": "06 12 34"},
            "DUPONT Marie : « 06 12 34 » n'est pas un numéro de téléphone français valide, "
            "le SMS ne peut pas être envoyé.",
        ),
        (
            MessageChannel.LETTER,
            {"address": "", "address_complement": "", "postal_code": "", "city": ""},
            "DUPONT Marie n'a pas d'adresse postale : le courrier ne peut pas être produit.",
        ),
        (
            MessageChannel.LETTER,
            {"address": "", "address_complement": "", "postal_code": "", "city": "", "homeless": True},
            "DUPONT Marie (sans domicile stable) n'a pas d'adresse postale : le courrier ne peut pas être produit.",
        ),
        (
            MessageChannel.LETTER,
            {"postal_code": ""},
            "DUPONT Marie n'a pas d'adresse postale complète (manque : code postal) : "
            "le courrier ne peut pas être produit.",
        ),
    ],
    ids=["no-email", "no-phone", "landline", "invalid-phone", "no-address", "homeless", "incomplete-address"],
)
def test_an_unreachable_person_is_refused_and_nothing_is_written(actor, channel, overrides, expected):
    person = reachable_person(**overrides)
    with pytest.raises(ValidationError) as error:
        _send(actor, person, channel)
    assert error.value.messages == [expected]
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.MESSAGE_SENT).exists()
    assert mail.outbox == []


def test_a_homeless_person_with_a_domiciliation_address_gets_the_letter(actor):
    person = reachable_person(homeless=True, address="CCAS, 2 place Saint-Roch", address_complement="")
    message = _send(actor, person, MessageChannel.LETTER)
    assert message.status == MessageStatus.SENT
    assert message.recipient == "Mme Marie DUPONT\nCCAS, 2 place Saint-Roch\n40000 MONT-DE-MARSAN"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.81.23.45.67", "+33781234567"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)7 12 34 56 78", "+33712345678"),
        ("0033612345678", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),
        ("+262 692 12 34 56", "+262692123456"),
        ("0696 12 34 56", "+596696123456"),
    ],
)
def test_french_mobile_numbers_are_normalised(raw, expected):
    assert mobile_phone_normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("01 23 45 67 89", "Le numéro « 01 23 45 67 89 » est un numéro de téléphone fixe."),
        ("09 70 12 34 56", "Le numéro « 09 70 12 34 56 » est un numéro de téléphone fixe."),
        ("08 00 12 34 56", "Le numéro « 08 00 12 34 56 » n'est pas un numéro de téléphone mobile."),
        ("+44 7911 123456", "« +44 7911 123456 » n'est pas un numéro de téléphone français valide."),
        ("06 12 34 56 78 9", "« 06 12 34 56 78 9 » n'est pas un numéro de téléphone français valide."),
        ("06-12-AB-56-78", "« 06-12-AB-56-78 » n'est pas un numéro de téléphone français valide."),
    ],
)
def test_landlines_and_invalid_numbers_are_refused(raw, message):
    with pytest.raises(ValidationError) as error:
        mobile_phone_normalise(raw)
    assert error.value.messages == [message]


def test_recording_backend_keeps_what_would_have_been_sent(actor):
    person = reachable_person(phone="07 81 23 45 67")
    message = _send(actor, person, MessageChannel.SMS, subject="", body="Rendez-vous le 3/12 à 9h30, Mont-de-Marsan.")
    message.refresh_from_db()
    assert message.status == MessageStatus.RECORDED
    assert message.recipient == "+33781234567"
    assert message.body == "Rendez-vous le 3/12 à 9h30, Mont-de-Marsan."
    assert message.backend == "jalon.messaging.backends.MemoryBackend"
    assert message.sent_at is None
    assert message.created_by == actor.user
    assert message.organisation == actor.organisation
    event = AuditEvent.objects.get(code=AuditCode.MESSAGE_SENT)
    assert event.person_id == person.pk
    assert event.subject_id == str(message.pk)
    assert event.data == {"new": {"channel": "sms", "kind": "invitation", "status": "recorded"}}


def test_email_goes_out_through_django(actor, settings):
    settings.DEFAULT_FROM_EMAIL = "Département des Landes <rsa@landes.test>"
    person = reachable_person()
    message = _send(actor, person, MessageChannel.EMAIL)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["marie.dupont@exemple.test"]
    assert sent.from_email == "Département des Landes <rsa@landes.test>"
    assert sent.subject == "Invitation à une séance d'orientation"
    assert "Vous êtes invitée le 3 décembre à 9 h 30." in sent.body
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert message.error == ""


def test_a_mail_server_failure_is_stored_as_failed_not_raised(actor, settings):
    # A real SMTP connection to a port nobody listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    message = _send(actor, reachable_person(), MessageChannel.EMAIL)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "refused" in message.error.lower() or "refus" in message.error.lower()
    assert message.sent_at is None
    assert AuditEvent.objects.get(code=AuditCode.MESSAGE_SENT).data["new"]["status"] == "failed"


@pytest.mark.parametrize("channel", [MessageChannel.EMAIL, MessageChannel.SMS])
def test_a_secret_goes_to_the_sender_only_and_is_redacted_in_the_record(actor, channel, caplog):
    caplog.set_level("DEBUG")
    person = reachable_person(phone="07 81 23 45 67")
    message = _send(
        actor,
        person,
        channel,
        kind=MessageKind.ACCESS_CODE,
        body=f"Votre code : {SECRET_PLACEHOLDER}.",
        secret="731904",
    )
    sent = mail.outbox[0].body if channel == MessageChannel.EMAIL else MemoryBackend.outbox[0]["body"]
    assert sent == "Votre code : 731904."
    message.refresh_from_db()
    assert message.body == f"Votre code : {REDACTED_SECRET}."
    assert "731904" not in caplog.text
    assert "731904" not in str(AuditEvent.objects.get(code=AuditCode.MESSAGE_SENT).data)


class QuotingFailureBackend(MessageBackend):
    """A provider whose refusal quotes the text it was given."""

    def send(self, message):
        raise RuntimeError(f"Contenu refusé : {message.body}")


def test_a_providers_error_quoting_the_secret_is_redacted(actor, settings, caplog):
    settings.JALON_MESSAGE_BACKENDS = {"sms": "tests.messaging.test_send.QuotingFailureBackend"}
    message = _send(
        actor,
        reachable_person(),
        MessageChannel.SMS,
        kind=MessageKind.ACCESS_CODE,
        body=f"Votre code : {SECRET_PLACEHOLDER}.",
        secret="731904",
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error == f"Contenu refusé : Votre code : {REDACTED_SECRET}."
    assert "731904" not in caplog.text


@pytest.mark.parametrize(
    ("channel", "kind", "body", "secret"),
    [
        (MessageChannel.SMS, MessageKind.ACCESS_CODE, "Votre code : 731904.", ""),  # a code in the stored text
        (MessageChannel.SMS, MessageKind.ACCESS_CODE, "Votre code.", "731904"),  # nowhere to put it
        (MessageChannel.LETTER, MessageKind.ACCESS_CODE, f"Code : {SECRET_PLACEHOLDER}", "731904"),  # reprinted
    ],
)
def test_secrets_are_refused_where_they_would_be_lost_or_stored(actor, channel, kind, body, secret):
    with pytest.raises(ValueError):
        _send(actor, reachable_person(), channel, kind=kind, body=body, secret=secret)
    assert not Message.objects.exists() and mail.outbox == [] and MemoryBackend.outbox == []


def test_empty_text_and_missing_subject_are_refused(actor):
    person = reachable_person()
    with pytest.raises(ValidationError, match="Le texte du message est vide"):
        _send(actor, person, MessageChannel.EMAIL, body="  \n ")
    with pytest.raises(ValidationError, match="L'objet du message est obligatoire"):
        _send(actor, person, MessageChannel.LETTER, subject=" ")
    assert not Message.objects.exists()


def test_bulk_goes_on_after_a_refusal_and_links_each_message_to_what_it_is_about(actor):
    reachable = [reachable_person(first_name=name) for name in ("Anne", "Bruno")]
    unreachable = reachable_person(first_name="Chloé", phone="05 58 00 00 00")
    participations = {
        person.pk: HouseholdMemberFactory(person=person, household__departement=person.departement)
        for person in [*reachable, unreachable]
    }
    drafts = [
        MessageDraft(
            person=person,
            subject="",
            body=f"Bonjour {person.first_name}, séance le 3/12 à 9h30.",
            about=participations[person.pk],
        )
        for person in [reachable[0], unreachable, reachable[1]]
    ]
    sent, refused = message_send_bulk(
        actor=actor, channel=MessageChannel.SMS, kind=MessageKind.INVITATION, drafts=drafts
    )
    assert [message.person for message in sent] == [reachable[0], reachable[1]]
    assert [message.body for message in sent] == [
        "Bonjour Anne, séance le 3/12 à 9h30.",
        "Bonjour Bruno, séance le 3/12 à 9h30.",
    ]
    assert refused == [
        (
            unreachable,
            "DUPONT Chloé : le numéro « 05 58 00 00 00 » est un numéro de téléphone fixe, "
            "le SMS ne peut pas être envoyé.",
        )
    ]
    assert Message.objects.count() == 2
    assert AuditEvent.objects.filter(code=AuditCode.MESSAGE_SENT).count() == 2
    about_anne = selectors.message_list_about(actor=actor, about=participations[reachable[0].pk])
    assert [m.body for m in about_anne] == ["Bonjour Anne, séance le 3/12 à 9h30."]
    about_all = selectors.message_list_about(actor=actor, about=list(participations.values()))
    assert about_all.count() == 2


def test_messages_about_an_object_are_limited_to_persons_the_actor_sees(actor):
    person = reachable_person()
    participation = HouseholdMemberFactory(person=person, household__departement=person.departement)
    _send(actor, person, MessageChannel.SMS, about=participation)
    outsider = actor_for(MembershipFactory(role=Role.REFERENT, organisation__kind="association"))
    assert selectors.message_list_about(actor=actor, about=participation).count() == 1
    assert selectors.message_list_about(actor=outsider, about=participation).count() == 0


def test_render_message_takes_the_subject_from_the_first_line_and_does_not_escape(settings, tmp_path):
    (tmp_path / "messaging_test").mkdir()
    (tmp_path / "messaging_test" / "invitation.txt").write_text(
        "{% load l10n %}\nInvitation : séance du {{ day }}\n\n"
        "Bonjour {{ person }},\n\nRendez-vous au {{ place }}.\n\n",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    subject, body = render_message(
        "messaging_test/invitation.txt", {"day": "3 décembre", "person": "Mme O'Neil", "place": "Centre <Ouest> & Co"}
    )
    assert subject == "Invitation : séance du 3 décembre"
    assert body == "Bonjour Mme O'Neil,\n\nRendez-vous au Centre <Ouest> & Co."


def test_backends_are_chosen_per_channel_and_must_fit_it(settings):
    from django.core.exceptions import ImproperlyConfigured

    from jalon.messaging.backends import LetterBackend, RecordingBackend, backend_for

    del settings.JALON_MESSAGE_BACKENDS
    path, backend = backend_for(MessageChannel.SMS)
    assert path == "jalon.messaging.backends.RecordingBackend" and isinstance(backend, RecordingBackend)
    assert isinstance(backend_for(MessageChannel.LETTER)[1], LetterBackend)
    settings.JALON_MESSAGE_BACKENDS = {"sms": "jalon.messaging.backends.LetterBackend"}
    with pytest.raises(ImproperlyConfigured, match="ne sait pas envoyer de messages par SMS"):
        backend_for(MessageChannel.SMS)
    settings.JALON_MESSAGE_BACKENDS = {"sms": "jalon.messaging.backends.BrevoSmsBackend"}
    settings.JALON_BREVO_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="JALON_BREVO_API_KEY"):
        backend_for(MessageChannel.SMS)


def test_automatic_sends_carry_a_label_and_the_given_sender_organisation():
    person = reachable_person()
    organisation = MembershipFactory(organisation__kind="cd").organisation
    message = message_send(
        actor_label="relance automatique",
        organisation=organisation,
        person=person,
        channel=MessageChannel.EMAIL,
        kind=MessageKind.REMINDER,
        subject="Rappel : séance du 3 décembre",
        body="Bonjour, nous vous rappelons la séance du 3 décembre.",
    )
    assert message.created_by is None
    assert message.organisation == organisation
    event = AuditEvent.objects.get(code=AuditCode.MESSAGE_SENT)
    assert event.actor is None and event.actor_label == "relance automatique"
    assert event.organisation == organisation
