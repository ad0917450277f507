"""How the access matrix asks: every URL pattern from the resolver, one request per persona, nothing kept.

Each request runs in a transaction that is rolled back, so that an allowed write does not change what the
next persona sees, and a forbidden one is proven to answer 404 without having written anything.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse


ANONYMOUS = "anonymous"


def url_names() -> list[str]:
    """Every named URL pattern of the project, namespaced (`orientation:session_detail`)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                # The back-office's catch-all redirect is its only unnamed pattern.
                assert pattern.name or namespace == "admin:", f"motif d'URL sans nom : {pattern.pattern}"
                if pattern.name:
                    yield namespace + pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


@dataclass(frozen=True)
class Answer:
    status: int
    location: str = ""
    body: bytes = b""

    @property
    def found(self) -> bool:
        return self.status != 404


@dataclass
class Prober:
    world: object
    clients: dict = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client(REMOTE_ADDR="127.0.0.1", raise_request_exception=True)
            if persona != ANONYMOUS:
                membership = self.world.memberships[persona]
                client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
                session = client.session
                session["current_membership_id"] = membership.pk
                session.save()
            self.clients[persona] = client
        return self.clients[persona]

    def ask(self, persona: str, name: str, *, kwargs=None, method="get", data=None, query="") -> Answer:
        url = reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
        client = self.client(persona)
        with transaction.atomic():
            if method == "get":
                response = client.get(url, data=data)
            else:
                response = client.generic(
                    method.upper(),
                    url,
                    data=_encode(data),
                    content_type="application/x-www-form-urlencoded" if data is not None else "",
                )
            body = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
        return Answer(status=response.status_code, location=response.get("Location", ""), body=body)


def _encode(data) -> str:
    from urllib.parse import urlencode

    return urlencode(data or {}, doseq=True)
