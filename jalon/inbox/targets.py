"""Whether a notification's target still opens for the actor, asked of the apps that own the targets.

The inbox knows no domain app: each app registers, in its `AppConfig.ready`, a check for the URL names its
notifications lead to. A target the actor can no longer open (the person changed référent, the referral went to
another structure) is explained in French instead of ending on a « page introuvable »."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from jalon.core.scoping import Actor


TargetCheck = Callable[[Actor, dict], bool]
_CHECKS: dict[str, TargetCheck] = {}


def target_check_register(url_name: str, check: TargetCheck) -> None:
    _CHECKS[url_name] = check


def target_opens(*, actor: Actor, url: str) -> bool:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    may_open = getattr(match.func, "may_open", None)
    if may_open is not None and not may_open(actor):
        return False
    check = _CHECKS.get(match.view_name)
    return check is None or check(actor, match.kwargs)
