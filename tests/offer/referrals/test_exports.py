"""Exports of the referrals received and sent: the rows of the screen with its status filter, every page, no
person's name (as on the screens, so no audit event), the same rows as a workbook, 404 for whoever may not see the
lists."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.models import AuditEvent
from jalon.offer.referrals import services
from jalon.offer.referrals.models import ReferralStatus
from tests.exports import csv_rows, xlsx_rows
from tests.offer.factories import ServiceFactory
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HEADER = [
    "N°",
    "Service",
    "Structure du service",
    "Structure prescriptrice",
    "Envoyée par",
    "Envoyée le",
    "Statut",
    "Réponse le",
    "Commencée le",
    "Close le",
    "Motif",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def on(day: int):
    return time_machine.travel(datetime.datetime(2026, 10, day, 10, tzinfo=PARIS), tick=False)


def _send(world, service):
    world.notebook.refresh_from_db()
    return services.referral_send(
        actor=world.sender,
        notebook=world.notebook,
        version=world.notebook.version,
        service=service,
        consent_given=True,
    )


@pytest.fixture
def referrals(world):
    """France Travail sends three: to Mobilité 40's permit workshop (accepted), to its CV workshop (refused, no
    place), to the Épicerie du Marsan (without Jalon account, not answered)."""
    cv_workshop = ServiceFactory(structure=world.service.structure, name="Atelier CV", eligibility_zone=["40"])
    with on(5):
        permit = _send(world, world.service)
    with on(6):
        services.referral_status_change(action="accept", actor=world.receiver, referral=permit)
    with on(12):
        cv = _send(world, cv_workshop)
    with on(13):
        services.referral_status_change(action="refuse", actor=world.receiver, referral=cv, reason="pas_de_place")
    with on(20):
        grocery = _send(world, world.external_service)
    return {"permit": permit, "cv": cv, "grocery": grocery}


def _rows(referrals):
    permit, cv, grocery = referrals["permit"].pk, referrals["cv"].pk, referrals["grocery"].pk
    sender = ["France Travail Mont-de-Marsan", "Léa Roux"]
    return {
        "grocery": [str(grocery), "Épicerie solidaire", "Épicerie du Marsan", *sender, "20/10/2026", "envoyée"]
        + ["", "", "", ""],
        "cv": [str(cv), "Atelier CV", "Mobilité 40", *sender, "12/10/2026", "refusée", "13/10/2026", "", "13/10/2026"]
        + ["pas de place disponible"],
        "permit": [str(permit), "Atelier permis de conduire", "Mobilité 40", *sender, "05/10/2026", "acceptée"]
        + ["06/10/2026", "", "", ""],
    }


def _listed(page: str, referrals) -> set[str]:
    return {
        name for name, referral in referrals.items() if reverse("offer:referral_detail", args=[referral.pk]) in page
    }


def test_the_received_export_holds_the_screens_rows_with_its_filter(world, login_as, referrals):
    client = login_as(world.member)
    rows = _rows(referrals)
    everything = csv_rows(client.get(reverse("offer:referrals_received_csv")))
    assert everything == [HEADER, rows["cv"], rows["permit"]]  # the newest first, as on the screen
    assert _listed(client.get(reverse("offer:referrals_received")).content.decode(), referrals) == {"cv", "permit"}

    refused = {"status": ReferralStatus.REFUSED}
    assert csv_rows(client.get(reverse("offer:referrals_received_csv"), refused)) == [HEADER, rows["cv"]]
    page = client.get(reverse("offer:referrals_received"), {**refused, "page": "1"}).content.decode()
    assert _listed(page, referrals) == {"cv"}
    export = f"{reverse('offer:referrals_received_csv')}?status=refusee"  # the filter, not the page
    assert f'href="{export}"' in page and f'href="{export}&amp;format=xlsx"' in page


def test_the_sent_export_holds_the_screens_rows_with_its_filter(world, login_as, referrals):
    client = login_as(world.referent)
    rows = _rows(referrals)
    everything = csv_rows(client.get(reverse("offer:referrals_sent_csv")))
    assert everything == [HEADER, rows["grocery"], rows["cv"], rows["permit"]]
    assert _listed(client.get(reverse("offer:referrals_sent")).content.decode(), referrals) == set(referrals)

    waiting = {"status": ReferralStatus.SENT}
    assert csv_rows(client.get(reverse("offer:referrals_sent_csv"), waiting)) == [HEADER, rows["grocery"]]
    page = client.get(reverse("offer:referrals_sent"), waiting).content.decode()
    assert _listed(page, referrals) == {"grocery"}
    assert f'href="{reverse("offer:referrals_sent_csv")}?status=envoyee&amp;format=xlsx"' in page


@pytest.mark.parametrize("url_name", ["offer:referrals_received_csv", "offer:referrals_sent_csv"])
def test_the_exports_name_no_person_and_so_write_no_audit_event(world, login_as, referrals, url_name):
    client = login_as(world.member if "received" in url_name else world.referent)
    before = AuditEvent.objects.count()
    content = "\n".join(";".join(row) for row in csv_rows(client.get(reverse(url_name))))
    assert world.person.last_name not in content and world.person.first_name not in content
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("url_name", ["offer:referrals_received_csv", "offer:referrals_sent_csv"])
def test_the_workbooks_hold_the_same_rows(world, login_as, referrals, url_name):
    client = login_as(world.member if "received" in url_name else world.referent)
    rows = csv_rows(client.get(reverse(url_name)))
    assert xlsx_rows(client.get(reverse(url_name), {"format": "xlsx"})) == rows and len(rows) > 1


@pytest.mark.parametrize("url_name", ["offer:referrals_received_csv", "offer:referrals_sent_csv"])
def test_the_exports_stay_in_reach(world, login_as, referrals, url_name):
    # An analyst has no referral list: not found.
    analyst = MembershipFactory(role=Role.ANALYST, organisation=world.member.organisation)
    assert login_as(analyst).get(reverse(url_name)).status_code == 404
    # A partner of another organisation has the lists, empty of the others' referrals.
    assert csv_rows(login_as(world.outsider).get(reverse(url_name))) == [HEADER]


@pytest.mark.parametrize("url_name", ["offer:referrals_received_csv", "offer:referrals_sent_csv"])
def test_the_exports_take_a_constant_number_of_queries(world, login_as, referrals, url_name):
    client = login_as(world.member if "received" in url_name else world.referent)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get(reverse(url_name)).streaming_content)
        return len(ctx.captured_queries)

    few = count()
    for index in range(5):
        _send(world, ServiceFactory(structure=world.service.structure, name=f"Atelier {index}"))
    assert count() == few


def test_the_sent_list_sorts_by_a_column_and_its_exports_follow(world, login_as, referrals):
    client = login_as(world.referent)
    rows = _rows(referrals)

    def screen(**query) -> list[str]:
        page = client.get(reverse("offer:referrals_sent"), query).content.decode()
        urls = {name: reverse("offer:referral_detail", args=[referral.pk]) for name, referral in referrals.items()}
        return sorted((name for name in urls if urls[name] in page), key=lambda name: page.index(urls[name]))

    def export(**query) -> list[list[str]]:
        return csv_rows(client.get(reverse("offer:referrals_sent_csv"), query))[1:]

    assert screen() == ["grocery", "cv", "permit"]  # the newest first by default
    assert screen(tri="envoi") == ["permit", "cv", "grocery"]
    assert screen(tri="service") == ["cv", "permit", "grocery"]  # Atelier CV, Atelier permis, Épicerie
    assert screen(tri="-service") == ["grocery", "permit", "cv"]
    assert export(tri="statut") == [rows["permit"], rows["grocery"], rows["cv"]]  # acceptée, envoyée, refusée
    workbook = xlsx_rows(client.get(reverse("offer:referrals_sent_csv"), {"tri": "statut", "format": "xlsx"}))
    assert workbook[1:] == export(tri="statut")
    page = client.get(reverse("offer:referrals_sent"), {"status": "envoyee", "tri": "service"}).content.decode()
    assert (
        'aria-sort="ascending"' in page
        and f'href="{reverse("offer:referrals_sent_csv")}?status=envoyee&amp;tri=service"' in page
    )
    assert 'name="tri" value="service"' in page  # filtering again keeps the order


def test_the_received_list_sorts_by_the_sending_structure(world, login_as, referrals):
    client = login_as(world.member)
    page = client.get(reverse("offer:referrals_received"), {"tri": "-numero"}).content.decode()
    cv, permit = (reverse("offer:referral_detail", args=[referrals[name].pk]) for name in ("cv", "permit"))
    assert page.index(cv) < page.index(permit)
    assert 'aria-sort="descending"' in page and "Envoyée par" in page
