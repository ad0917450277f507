"""The Brevo SMS backend against a real HTTP server on the loopback interface."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.services import message_send
from tests.conftest import actor_for
from tests.messaging.factories import reachable_person
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


class FakeBrevo(ThreadingHTTPServer):
    """Answers every POST with `status` and `answer`, and keeps what it received."""

    def __init__(self, status: int, answer: dict):
        super().__init__(("127.0.0.1", 0), BrevoHandler)
        self.status, self.answer = status, answer
        self.received: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v3/transactionalSMS/sms"


class BrevoHandler(BaseHTTPRequestHandler):
    server: FakeBrevo

    def do_POST(self):
        length = int(self.headers["content-length"])
        self.server.received.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": json.loads(self.rfile.read(length)),
            }
        )
        payload = json.dumps(self.server.answer).encode()
        self.send_response(self.server.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def brevo(settings):
    servers = []

    def start(status=201, answer=None):
        server = FakeBrevo(status, answer or {})
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        settings.JALON_BREVO_SMS_URL = server.url
        return server

    settings.JALON_BREVO_API_KEY = "xkeysib-test-key"
    settings.JALON_SMS_SENDER = "Landes"
    settings.JALON_MESSAGE_BACKENDS = {
        **settings.JALON_MESSAGE_BACKENDS,
        "sms": "jalon.messaging.backends.BrevoSmsBackend",
    }
    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def actor():
    return actor_for(MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd"))


def _send(actor, body="Bonjour, rendez-vous le 3/12 à 9h30 au CMS de Mont-de-Marsan."):
    return message_send(
        actor=actor,
        person=reachable_person(phone="06 12 34 56 78"),
        channel=MessageChannel.SMS,
        kind=MessageKind.CONVOCATION,
        subject="Convocation",
        body=body,
    )


def test_sms_is_posted_to_brevo_with_the_key_and_the_provider_reference_is_kept(brevo, actor):
    server = brevo(201, {"reference": "ab1cde2fgh3i4jklmno", "messageId": 1511882900176220, "smsCount": 1})
    message = _send(actor)
    assert len(server.received) == 1
    request = server.received[0]
    assert request["path"] == "/v3/transactionalSMS/sms"
    assert request["headers"]["api-key"] == "xkeysib-test-key"
    assert request["headers"]["content-type"] == "application/json"
    assert request["body"] == {
        "type": "transactional",
        "sender": "Landes",
        "recipient": "33612345678",
        "content": "Bonjour, rendez-vous le 3/12 à 9h30 au CMS de Mont-de-Marsan.",
        "unicodeEnabled": True,
        "tag": "jalon-convocation",
    }
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == "ab1cde2fgh3i4jklmno"
    assert message.backend == "jalon.messaging.backends.BrevoSmsBackend"
    assert message.sent_at is not None


def test_a_plain_ascii_sms_is_not_sent_as_unicode(brevo, actor):
    server = brevo(201, {"reference": "r1"})
    _send(actor, body="Rendez-vous le 3/12 a 9h30.")
    assert server.received[0]["body"]["unicodeEnabled"] is False


def test_a_provider_refusal_is_stored_as_failed_with_its_reason(brevo, actor):
    server = brevo(402, {"code": "not_enough_credits", "message": "Not enough credits"})
    message = _send(actor)
    assert len(server.received) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error == "Brevo a refusé le SMS (HTTP 402) : Not enough credits"
    assert message.sent_at is None
    event = AuditEvent.objects.get(code=AuditCode.MESSAGE_SENT)
    assert event.data["new"]["status"] == "failed"


def test_an_unreachable_provider_is_stored_as_failed(brevo, actor, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.JALON_BREVO_SMS_URL = f"http://127.0.0.1:{port}/v3/transactionalSMS/sms"
    message = _send(actor)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error.startswith("Brevo est injoignable")
