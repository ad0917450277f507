"""Aggregates over a whole Département are kept a few minutes in the shared cache (`jalon.core.aggregates`): computed
once per key, shared by every user of the same scope, recomputed when they expire; lists stay live. The other tests
run with the cache off (settings.test), so that they see every write at once."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.aggregates import CountedPaginator, actor_scope, kept
from jalon.core.enums import Role
from jalon.core.templatetags.jalon import kept_freshness
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.test_orientation import _waiting_person
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "aggregates": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aggregates-test"},
}


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = SHARED
    settings.JALON_AGGREGATE_SECONDS = 120
    caches["aggregates"].clear()
    yield caches["aggregates"]
    caches["aggregates"].clear()


def test_a_kept_value_is_computed_once_per_key_until_it_expires(shared_cache):
    calls = []

    def compute(value):
        calls.append(value)
        return value

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        assert kept("count", ("a",), lambda: compute(1)) == 1
        assert kept("count", ("a",), lambda: compute(2)) == 1  # kept
        assert kept("count", ("b",), lambda: compute(3)) == 3  # another key
        assert kept("other", ("a",), lambda: compute(4)) == 4  # another name, same key
        assert kept("zero", ("a",), lambda: compute(0)) == 0
        assert kept("zero", ("a",), lambda: compute(5)) == 0  # a falsy value is kept too
        clock.shift(119)
        assert kept("count", ("a",), lambda: compute(6)) == 1
        clock.shift(2)
        assert kept("count", ("a",), lambda: compute(7)) == 7  # expired: counted again
    assert calls == [1, 3, 4, 0, 7]


def test_with_no_seconds_every_request_counts_and_reads_nothing_kept(shared_cache, settings):
    assert kept("count", ("a",), lambda: 1) == 1
    settings.JALON_AGGREGATE_SECONDS = 0
    assert kept("count", ("a",), lambda: 2) == 2
    assert kept("count", ("a",), lambda: 3) == 3


def test_the_scope_tells_memberships_and_territories_apart():
    landes = DepartementFactory()
    one = MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)
    other = MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation=one.organisation)
    assert actor_scope(actor_for(one)) == actor_scope(actor_for(one))
    assert actor_scope(actor_for(one)) != actor_scope(actor_for(other))


def test_a_counted_paginator_trusts_its_count_and_still_reads_the_rows():
    paginator = CountedPaginator(list(range(30)), 25, count=27)
    assert paginator.count == 27 and paginator.num_pages == 2
    assert list(paginator.page(2)) == [25, 26, 27, 28, 29]


def test_the_queue_size_is_kept_and_the_rows_stay_live(shared_cache, login_as):
    landes = DepartementFactory()
    officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes
    )
    client = login_as(officer)
    first = _waiting_person(landes, last_name="Premier", requested=datetime.date(2026, 8, 1))
    home = client.get(reverse("workspace:home")).context["queue_count"]
    assert home == 1
    second = _waiting_person(landes, last_name="Second", requested=datetime.date(2026, 9, 1))
    # The home's count and the queue's page count are kept; the queue's rows are read live.
    assert client.get(reverse("workspace:home")).context["queue_count"] == 1
    response = client.get(reverse("orientation:queue"))
    assert response.context["page_obj"].paginator.count == 1
    rows = {person.pk for person in response.context["page_obj"]}
    assert rows == {first.pk, second.pk}
    # Another officer of the Département has a scope of their own: counted for them, with both people.
    colleague = MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation=officer.organisation)
    assert login_as(colleague).get(reverse("workspace:home")).context["queue_count"] == 2
    shared_cache.clear()  # expired
    assert login_as(officer).get(reverse("workspace:home")).context["queue_count"] == 2


@pytest.mark.parametrize("page", ["observatory:orientation_figures", "notebook:figures", "offer:figures"])
def test_a_figures_page_is_computed_once_for_every_user_of_the_departement(shared_cache, login_as, page):
    landes = DepartementFactory()
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    colleague = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=pilot.organisation)
    _waiting_person(landes)
    url = reverse(page)

    def queries(membership) -> tuple[int, str]:
        client = login_as(membership)
        client.get(reverse("workspace:home"))  # the session's own first queries are not the page's
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["figures"]

    computed, figures = queries(pilot)
    read, kept_figures = queries(colleague)
    assert read < computed
    assert kept_figures == figures


@pytest.mark.parametrize(
    ("page", "shown", "shared"),
    [
        # Cohorts and trajectories count the Département's entrants: the same for its staff.
        ("observatory:cohort", "successive", True),
        ("observatory:cohort_trajectories", "data", True),
        # The data-quality panel counts the persons the actor may see: kept for the same scope only.
        ("observatory:quality", "completeness", False),
    ],
)
def test_the_cohorts_trajectories_and_data_quality_are_kept_for_the_scope(shared_cache, login_as, page, shown, shared):
    landes = DepartementFactory()
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    colleague = MembershipFactory(role=Role.ANALYST, organisation=pilot.organisation)
    _waiting_person(landes)
    url = reverse(page)

    def queries(membership):
        client = login_as(membership)
        client.get(reverse("workspace:home"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context[shown]

    computed, value = queries(pilot)
    if not shared:
        assert queries(colleague)[0] == computed  # another scope: counted again
    read, kept_value = queries(colleague if shared else pilot)
    # What the first request counted is read back (unpickled: equal, not the same object).
    assert read < computed
    assert kept_value == value


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(120, "Compté il y a 2 minutes au plus"), (30, "Compté il y a 1 minute au plus"), (0, "Compté à l'instant")],
)
def test_a_page_says_how_old_its_kept_counts_may_be(settings, seconds, said):
    settings.JALON_AGGREGATE_SECONDS = seconds
    assert kept_freshness() == said
