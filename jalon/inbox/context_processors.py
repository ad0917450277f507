from jalon.inbox.selectors import unread_count


class _LazyCount:
    """Counted only by a template that shows it (the header), once per request."""

    def __init__(self, actor):
        self.actor = actor
        self.value = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = unread_count(actor=self.actor)
        return self.value


def inbox(request):
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None or not actor.user.is_authenticated:
        return {}
    return {"inbox_unread_count": _LazyCount(actor)}
