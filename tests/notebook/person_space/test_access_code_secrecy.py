"""The one-time code goes to the person only: never stored nor shown in clear, and asking for one answers the
same, doing the same work, whether or not the contact is known."""

import importlib
import json
import logging
import re

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.messaging.backends import MemoryBackend
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.models import Message
from jalon.notebook.models import PersonAccessCode
from jalon.notebook.person_space import services
from tests.accounts.factories import UserFactory
from tests.api.factories import api_client_for
from tests.conftest import actor_for


pytestmark = pytest.mark.django_db

LOGIN = reverse("person_space:login")
VERIFY = reverse("person_space:verify")
HOME = reverse("person_space:home")
REDACTED_LINE = "Votre code pour accéder à votre carnet de bord est : ••••••"


def _code_from(text: str) -> str:
    return re.search(r"est : (\d{6})\b", text).group(1)


def _person_client():
    from django.test import Client

    return Client(REMOTE_ADDR="127.0.0.1")


def test_the_code_sent_by_email_is_only_in_the_email(carnet, caplog):
    person, _ = carnet
    caplog.set_level(logging.DEBUG)
    client = _person_client()
    client.post(LOGIN, {"contact": person.email})
    code = _code_from(mail.outbox[0].body)
    message = Message.objects.get(person=person)
    assert message.kind == MessageKind.ACCESS_CODE and message.channel == MessageChannel.EMAIL
    assert REDACTED_LINE in message.body and code not in message.body
    assert code not in caplog.text
    stored = PersonAccessCode.objects.get(person=person)
    assert stored.code_hash.startswith("hmac-sha256$") and code not in stored.code_hash
    # The person logs in with the code received, nothing else.
    assert client.post(VERIFY, {"code": code})["Location"] == HOME


def test_the_code_sent_by_sms_is_only_in_what_went_to_the_sender(carnet, caplog):
    person, _ = carnet
    caplog.set_level(logging.DEBUG)
    client = _person_client()
    client.post(LOGIN, {"contact": "06 12 34 56 78"})
    [sent] = MemoryBackend.outbox
    code = _code_from(sent["body"])
    message = Message.objects.get(person=person)
    assert message.channel == MessageChannel.SMS and message.recipient == sent["recipient"]
    assert REDACTED_LINE in message.body and code not in message.body
    assert code not in caplog.text
    assert client.post(VERIFY, {"code": code})["Location"] == HOME


def test_professionals_never_see_the_code_on_screen_in_the_api_the_back_office_or_the_audit_log(carnet, login_as):
    person, referent = carnet
    client = _person_client()
    client.post(LOGIN, {"contact": person.email})
    code = _code_from(mail.outbox[0].body)
    client.post(VERIFY, {"code": code})
    message = Message.objects.get(person=person)

    page = login_as(referent).get(reverse("messaging:person", args=[person.pk])).content.decode()
    assert REDACTED_LINE in page and "Code de connexion" in page and "codes de connexion y sont masqués" in page
    assert code not in page

    answer = api_client_for(referent).get(f"/api/v1/personnes/{person.pk}/messages/")
    [row] = answer.json()["results"]
    assert REDACTED_LINE in row["body"] and row["kind_label"] == "code de connexion"
    assert code not in answer.content.decode()

    admin = _person_client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    back_office = admin.get(reverse("admin:messaging_message_change", args=[message.pk]))
    assert back_office.status_code == 200 and REDACTED_LINE in back_office.content.decode()
    assert code not in back_office.content.decode()

    events = [json.dumps(model_to_dict(event), default=str) for event in AuditEvent.objects.all()]
    assert len(events) >= 3  # code sent, message sent, login… (and the screens opened)
    assert not any(code in event for event in events)


def test_a_code_must_travel_as_a_secret():
    """The messaging door refuses an access-code message whose code would be written in the stored text."""
    from jalon.messaging.services import message_send
    from tests.messaging.factories import reachable_person
    from tests.organisations.factories import MembershipFactory

    person = reachable_person()
    with pytest.raises(ValueError, match="secret"):
        message_send(
            actor=actor_for(MembershipFactory()),
            person=person,
            channel=MessageChannel.EMAIL,
            kind=MessageKind.ACCESS_CODE,
            subject=services.CODE_SUBJECT,
            body="Votre code est : 123456",
        )
    assert not Message.objects.exists()


def test_the_migration_redacts_the_codes_already_in_the_history(carnet):
    person, referent = carnet
    old_text = (
        "Bonjour Inès,\n\nVotre code pour accéder à votre carnet de bord est : 482913\n\n"
        "Il est valable 10 minutes et ne sert qu'une fois."
    )
    old_code = Message.objects.create(
        person=person,
        channel=MessageChannel.SMS,
        kind=MessageKind.NOTIFICATION,
        subject=services.CODE_SUBJECT,
        body=old_text,
        recipient="+33612345678",
    )
    # A professional's own message that happens to quote the same subject is not touched.
    other = Message.objects.create(
        person=person,
        channel=MessageChannel.EMAIL,
        kind=MessageKind.NOTIFICATION,
        subject="Rendez-vous du 3 décembre",
        body="Rendez-vous le 3 décembre à 9h30, dossier 482913.",
        recipient=person.email,
        created_by=referent.user,
    )
    migration = importlib.import_module("jalon.notebook.migrations.0004_redact_access_codes_in_messages")
    migration.redact_codes(apps, None)
    old_code.refresh_from_db()
    other.refresh_from_db()
    assert "482913" not in old_code.body and REDACTED_LINE in old_code.body
    assert old_code.kind == MessageKind.ACCESS_CODE
    assert other.body == "Rendez-vous le 3 décembre à 9h30, dossier 482913."
    assert other.kind == MessageKind.NOTIFICATION


def test_a_code_hashed_before_the_hmac_still_works_until_it_expires(carnet):
    person, _ = carnet
    now = timezone.now()
    PersonAccessCode.objects.create(
        person=person,
        channel=MessageChannel.EMAIL,
        code_hash=make_password("246810"),
        created_at=now,
        expires_at=now + services.CODE_VALIDITY,
    )
    assert services.access_code_verify(person_ids=[person.pk], code="246810") == person


# --- known or unknown: the same answer, the same work ---------------------------------------------------------


@pytest.fixture
def enqueued():
    """The tasks enqueued (the test backend runs them at once, after recording them here)."""
    seen = []

    def record(sender, task_result, **kwargs):
        seen.append((task_result.task.module_path, sorted(task_result.kwargs)))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


@pytest.mark.parametrize(
    ("known", "unknown"),
    [("ines.martin@exemple.fr", "personne@exemple.fr"), ("06 12 34 56 78", "07 99 99 99 99")],
)
def test_known_and_unknown_contacts_get_the_same_answer_after_the_same_work(carnet, enqueued, known, unknown):
    answers = []
    for contact in (known, unknown):
        client = _person_client()
        response = client.post(LOGIN, {"contact": contact})
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"], re.sub(r'(value|nonce)="[^"]+"', "", page)))
    assert answers[0] == answers[1]
    # The slow part (making, hashing, sending the code) is handed to one background task in both cases.
    task = "jalon.notebook.person_space.tasks.access_codes_send_task"
    assert enqueued == [(task, ["channel", "ip_address", "person_ids"])] * 2
    assert PersonAccessCode.objects.count() == 1
    # Sent out of the request, the code is still audited with the address that asked for it.
    assert AuditEvent.objects.get(code=AuditCode.PERSON_SPACE_CODE_SENT).ip_address == "127.0.0.1"


def test_a_task_for_an_unknown_contact_sends_nothing(carnet):
    assert services.access_codes_send(person_ids=[], channel=MessageChannel.EMAIL) == []
    assert mail.outbox == [] and MemoryBackend.outbox == [] and not Message.objects.exists()
