"""Who is acting and from where, for the duration of a request or command, so services can audit without a request."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None


_current = contextvars.ContextVar("jalon_request_context", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def set_current(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a proxy, the deployment sets AXES_IPWARE_PROXY_COUNT; REMOTE_ADDR is the honest default.
    return request.META.get("REMOTE_ADDR") or None
