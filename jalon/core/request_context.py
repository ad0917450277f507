"""Who is acting and from where, for the duration of a request or command, so services can audit without a request."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None


_NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("jalon_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _NO_REQUEST


def set_current(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a proxy, the deployment sets AXES_IPWARE_PROXY_COUNT; REMOTE_ADDR is the honest default.
    return request.META.get("REMOTE_ADDR") or None
