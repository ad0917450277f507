"""The participation panel on the pilot's and the Département administrator's homes: the committees' proposals
waiting for the Département's answer and their next meetings."""

from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.participation import access


def home_panels(*, actor: Actor) -> dict:
    from jalon.participation import selectors

    if not access.may_edit_any(actor):
        return {}
    return {"participation": selectors.home_items(actor=actor, now=timezone.now())}
