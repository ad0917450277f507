"""The open campaigns on the pilot's and analyst's homes: answers so far and closing date."""

from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.surveys import access


def home_panels(*, actor: Actor) -> dict:
    from jalon.surveys.selectors import open_campaigns

    if not access.may_manage(actor):
        return {}
    return {"surveys": {"campaigns": list(open_campaigns(actor=actor, today=timezone.localdate())[:5])}}
