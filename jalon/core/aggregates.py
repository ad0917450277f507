"""Aggregates over a whole Département — the size of the « à orienter » queue, the delays summary, the counts of a
manager's home, a figures page — count tens of thousands of people: 0.1 to 2.5 s of database time each at Nord
scale, the same for every user of the same scope. Each is kept for `JALON_AGGREGATE_SECONDS` in the cache the app
server's workers share, keyed by everything it depends on, so that a busy Département does not recount it on every
request. The page's lists and a person's own data are always read live."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.utils.functional import cached_property


T = TypeVar("T")
_MISSING = object()


def kept(name: str, key: tuple, compute: Callable[[], T]) -> T:
    """The value of `compute()` for `key`, computed at most once per `JALON_AGGREGATE_SECONDS`. `key` must hold
    everything the value depends on (the actor's scope, the filters, the day): values of one name never mix. With
    `JALON_AGGREGATE_SECONDS` at 0, every request counts (and reads nothing another process kept)."""
    if settings.JALON_AGGREGATE_SECONDS <= 0:
        return compute()
    cache = caches["aggregates"]
    cache_key = f"{name}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, settings.JALON_AGGREGATE_SECONDS)
    return value


def actor_scope(actor) -> tuple:
    """What an actor's visibility depends on: its membership (organisation and role) and the territories it is limited
    to; the platform's staff, who have no membership, by their account."""
    membership = actor.membership
    return (
        actor.user.pk if actor.is_platform_admin else None,
        membership.pk if membership is not None else None,
        actor.territory_ids,
    )


class CountedPaginator(Paginator):
    """A paginator told its count (a kept aggregate, or one the page has just computed): no second COUNT over the
    whole list. Its rows are read live: a page is always a full slice of the list (never cut at the told count), so
    a count a few minutes old moves the number of pages, never what a page shows."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)  # type: ignore[attr-defined]
