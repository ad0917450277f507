"""Reads of the inbox: the actor's own notifications only (another's answers 404, like a missing page)."""

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.inbox.enums import ReadState
from jalon.inbox.models import InboxPreference, Notification


def unread_count(*, actor: Actor) -> int:
    """The header's counter: one count on the partial index of unread notifications."""
    return Notification.objects.for_actor(actor).unread().count()


def notification_list(*, actor: Actor, kind: str = "", state: str = ""):
    notifications = Notification.objects.for_actor(actor)
    if kind:
        notifications = notifications.filter(kind=kind)
    if state == ReadState.UNREAD:
        notifications = notifications.unread()
    elif state == ReadState.READ:
        notifications = notifications.read()
    return notifications.order_by("-created_at", "-id")


def notification_get(*, actor: Actor, pk) -> Notification:
    return get_visible_or_404(Notification.objects.for_actor(actor), pk=pk)


def preference_for(*, actor: Actor) -> InboxPreference:
    return InboxPreference.objects.filter(user=actor.user).first() or InboxPreference(user=actor.user)
