"""Every URL pattern × every persona (role × organisation kind × own/other département): who gets what.

A persona outside an entry's `allowed` set gets exactly the 404 of a missing page, and writes nothing; a
persona inside it gets the page. Any page a persona opens must not show the target person unless that
persona may see her. A new URL pattern without an entry in `spec.ENTRIES` fails here.
"""

import os

import pytest
from django.urls import reverse

from jalon.core.models import AuditEvent
from tests.access.probe import ANONYMOUS, Prober, url_names
from tests.access.spec import ENTRIES
from tests.access.world import PERSONAS, TARGET_SURNAME, TARGET_VIEWERS


pytestmark = pytest.mark.django_db

BACK_OFFICE = "admin:"


def test_every_url_pattern_has_an_entry_and_every_entry_a_pattern():
    names = [name for name in url_names() if not name.startswith(BACK_OFFICE)]
    missing = sorted(set(names) - set(ENTRIES))
    stale = sorted(set(ENTRIES) - set(names))
    assert not missing, "URL sans entrée dans la matrice d'accès (tests/access/spec.py) : " + ", ".join(missing)
    assert not stale, "entrées de la matrice sans URL : " + ", ".join(stale)


def _written_events() -> int:
    # Sign-in events (1xx) are the session's own; any other event means the request did something.
    return AuditEvent.objects.filter(code__gte=200).count()


def _check_case(prober, name, case, world):
    failures = []
    for persona in PERSONAS:
        events_before = _written_events()
        answer = prober.ask(persona, name, **case.request(world))
        label = f"{name} [{case.label}] {persona}"
        if answer.status >= 500:
            failures.append(f"{label}: erreur {answer.status}")
        elif persona in case.allowed:
            if answer.status == 404:
                failures.append(f"{label}: 404 alors que l'accès est permis")
        elif answer.status != 404:
            failures.append(f"{label}: {answer.status} au lieu de 404")
        elif _written_events() != events_before:
            failures.append(f"{label}: 404 mais un événement a été écrit")
        may_see_target = persona in TARGET_VIEWERS or persona in case.shows_target_to
        if answer.status == 200 and not may_see_target and TARGET_SURNAME.encode() in answer.body.upper():
            failures.append(f"{label}: la page montre la personne {TARGET_SURNAME}")
    return failures


@pytest.mark.parametrize("app", sorted({name.split(":")[0] for name in ENTRIES}))
def test_access_matrix(world, app):
    prober = Prober(world)
    failures = []
    for name, entry in ENTRIES.items():
        if name.split(":")[0] != app:
            continue
        for case in entry.cases:
            failures += _check_case(prober, name, case, world)
    if os.environ.get("JALON_ACCESS_REPORT"):
        print("\n".join(failures))
    assert not failures, f"{len(failures)} écarts :\n" + "\n".join(failures)


@pytest.mark.parametrize("name", [name for name, entry in ENTRIES.items() if not entry.public])
def test_anonymous_visitors_are_sent_to_the_login(world, name):
    prober = Prober(world)
    for case in ENTRIES[name].cases:
        answer = prober.ask(ANONYMOUS, name, **case.request(world))
        if name.startswith("api:"):
            assert answer.status in (401, 403), f"{name}: {answer.status}"
        else:
            assert answer.status == 302 and reverse("accounts:login") in answer.location, f"{name}: {answer.status}"
        assert TARGET_SURNAME.encode() not in answer.body.upper()


def test_the_back_office_is_for_platform_staff_only(world):
    prober = Prober(world)
    for persona in [*PERSONAS, ANONYMOUS]:
        answer = prober.ask(persona, "admin:index")
        assert answer.status == 302 and "/login/" in answer.location, f"{persona}: {answer.status}"


def test_menus_offer_only_pages_that_open(world):
    from jalon.core.navigation import navigation_for

    prober = Prober(world)
    failures = []
    for persona in PERSONAS:
        items = navigation_for(world.actor(persona))
        assert items, persona
        for item in items:
            answer = prober.ask(persona, item.url_name)
            if answer.status != 200:
                failures.append(f"{persona}: « {item.label} » répond {answer.status}")
    assert not failures, "\n".join(failures)


def test_no_link_on_a_home_leads_to_a_missing_page(world):
    """Every link a persona sees on its home (menus, panels, shortcuts) opens for that persona."""
    import re

    prober = Prober(world)
    failures = []
    for persona in PERSONAS:
        home = prober.ask(persona, "workspace:home").body.decode()
        links = {href for href in re.findall(r'href="(/[^"#?]*)', home) if not href.startswith("/static/")}
        client = prober.client(persona)
        for href in sorted(links):
            status = client.get(href).status_code
            if status == 404 or status >= 500:
                failures.append(f"{persona}: {href} répond {status}")
    assert not failures, "\n".join(failures)


CRAWL_PAGES = 45  # per persona: one page of each shape (ids masked), breadth first from the home
NOT_CRAWLED = ("/static/", "/media/", "/admin/", "/compte/deconnexion")


def test_a_crawl_from_each_home_finds_no_dead_link(world):
    """Every persona follows the links of the pages it reaches (one page per URL shape, a bounded number): none
    answers 404 or a server error. The page that offered the link is named in the failure."""
    import re

    from django.db import transaction

    prober = Prober(world)
    failures = []
    for persona in PERSONAS:
        client = prober.client(persona)
        queue, shapes, offered_by = ["/"], set(), {"/": "(accueil)"}
        visited = 0
        # What a persona's visits write (a carnet opened on a first visit) stays for its next pages, as it would
        # in real life, and is rolled back before the next persona.
        persona_visit = transaction.atomic()
        persona_visit.__enter__()
        while queue and visited < CRAWL_PAGES:
            url = queue.pop(0)
            shape = re.sub(r"\d+", "N", url.split("?")[0])
            if shape in shapes:
                continue
            shapes.add(shape)
            visited += 1
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code == 404 or response.status_code >= 500:
                failures.append(f"{persona}: {url} répond {response.status_code} (lien de {offered_by[url]})")
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)"', body.decode()):
                href = href.replace("&amp;", "&")
                if href.startswith(NOT_CRAWLED) or href in offered_by:
                    continue
                offered_by[href] = url
                queue.append(href)
        transaction.set_rollback(True)
        persona_visit.__exit__(None, None, None)
    assert not failures, "\n".join(failures)
