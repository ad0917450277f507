"""Who is acting and from where, for the duration of a request or command, so services can audit without a request."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    # Who acts when there is no signed-in user, e.g. "commande seed_demo".
    actor_label: str = ""


_NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("jalon_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _NO_REQUEST


def set_current(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(label: str, *, ip_address: str | None = None):
    """For management commands and tasks: name the author of the audit events they write (and, for a task a
    request asked for, the address the request came from)."""
    token = set_current(RequestContext(ip_address=ip_address, actor_label=label))
    try:
        yield
    finally:
        reset(token)


def client_ip(request) -> str | None:
    # Behind a proxy, the deployment sets AXES_IPWARE_PROXY_COUNT; REMOTE_ADDR is the honest default.
    return request.META.get("REMOTE_ADDR") or None
