"""Export of the sessions agenda: one row per session as the screen filters them (upcoming or past, mine, a kind),
every page, the persons counted but never named (so no audit event), the same rows as a workbook, 404 for whoever
may not see the agenda."""

import datetime
import zoneinfo
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import Attendance
from jalon.orientation.sessions import services
from tests.conftest import actor_for
from tests.exports import csv_rows, xlsx_rows
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HEADER = [
    "Date",
    "Début",
    "Fin",
    "Type",
    "Modalité",
    "Lieu",
    "Territoire",
    "Structure organisatrice",
    "Professionnels",
    "Statut",
    "Places",
    "Invités",
    "Présents",
]
PLATFORM = "Plateforme d'orientation des Landes"


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(16, 9), tick=False) as traveller:  # a Monday
        yield traveller


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__departement=landes,
        organisation__name=PLATFORM,
        user__first_name="Odile",
        user__last_name="Orienteuse",
    )


@pytest.fixture
def adviser(landes):
    agency = OrganisationFactory(name="France Travail — Dax", kind="france_travail", departement=landes)
    return MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="Fabien", user__last_name="Conseil"
    )


def waiting(landes, last_name):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=landes, last_name=last_name, email="personne@example.org"),
        household__departement=landes,
        subject_to_rights_and_duties=True,
    )
    RsaRightFactory(household=member.household, request_date=datetime.date(2026, 10, 1))
    return member.person


def plan(officer, *, starts, kind="cellule", mode="sur_place", place="MDS de Dax", professionals=(), **extra):
    return services.session_create(
        actor=actor_for(officer),
        kind=kind,
        mode=mode,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place=place,
        professionals=list(professionals),
        **{"capacity": 12, **extra},
    )


@pytest.fixture
def agenda(landes, officer, adviser, frozen):
    """This morning's cell (held: two present out of three), Friday's cell with the adviser (two invited), next
    Tuesday's information by phone in the Marsan, a cell cancelled on the 27th, and a session of another
    Département."""
    actor = actor_for(officer)
    marsan = TerritoryFactory(departement=landes, name="Territoire de Mont-de-Marsan")
    sessions = {
        "held": plan(officer, starts=at(16, 10), professionals=[officer.user], capacity=8),
        "friday": plan(officer, starts=at(20, 9), professionals=[officer.user, adviser.user]),
        "info": plan(officer, starts=at(24, 14), kind="info_collective", mode="telephone", place="", territory=marsan),
        "cancelled": plan(officer, starts=at(27, 9), capacity=10),
    }
    held = [waiting(landes, name) for name in ("Alpha", "Bravo", "Charlie")]
    services.session_invite(actor=actor, session=sessions["held"], persons=held)
    services.session_invite(
        actor=actor, session=sessions["friday"], persons=[waiting(landes, "Delta"), waiting(landes, "Echo")]
    )
    services.session_cancel(actor=actor, session=sessions["cancelled"], reason="salle indisponible", channels=())
    frozen.move_to(at(16, 13))
    attendance = {
        participant.pk: Attendance.ABSENT if participant.person.last_name == "Bravo" else Attendance.PRESENT
        for participant in sessions["held"].participants.select_related("person")
    }
    services.attendance_record(actor=actor, session=sessions["held"], attendance=attendance)
    bearn = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=DepartementFactory(code="64")
    )
    sessions["elsewhere"] = plan(bearn, starts=at(20, 9), place="Pau")
    return sessions


ROWS = {
    "held": ["16/11/2026", "10:00", "12:00", "cellule d'orientation", "sur place", "MDS de Dax", "", PLATFORM]
    + ["Odile Orienteuse", "préparation", "8", "3", "2"],
    "friday": ["20/11/2026", "09:00", "11:00", "cellule d'orientation", "sur place", "MDS de Dax", "", PLATFORM]
    + ["Fabien Conseil, Odile Orienteuse", "préparation", "12", "2", "0"],
    "info": ["24/11/2026", "14:00", "16:00", "information collective", "par téléphone", ""]
    + ["Territoire de Mont-de-Marsan", PLATFORM, "", "préparation", "12", "0", "0"],
    "cancelled": ["27/11/2026", "09:00", "11:00", "cellule d'orientation", "sur place", "MDS de Dax", "", PLATFORM]
    + ["", "annulée", "10", "0", "0"],
}


def _listed(page: str, sessions) -> set[str]:
    return {
        name for name, session in sessions.items() if reverse("orientation:session_detail", args=[session.pk]) in page
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["friday", "info", "cancelled"]),
        ({"type": "info_collective"}, ["info"]),
        ({"periode": "passees"}, ["held"]),
        ({"mes": "1"}, ["friday"]),  # where the officer is mobilised
        ({"periode": "passees", "mes": "1", "page": "2"}, ["held"]),  # every page, whatever the one shown
    ],
)
def test_the_agenda_export_holds_the_screens_sessions_with_its_filters(login_as, officer, agenda, query, expected):
    client = login_as(officer)
    rows = csv_rows(client.get(reverse("orientation:sessions_csv"), query))
    assert rows == [HEADER, *(ROWS[name] for name in expected)]
    page = client.get(reverse("orientation:sessions"), query).content.decode()
    assert _listed(page, agenda) == set(expected)
    filters = urlencode({name: value for name, value in query.items() if name != "page"}).replace("&", "&amp;")
    export = f"{reverse('orientation:sessions_csv')}?{filters}"
    assert f'href="{export}"' in page and f'href="{export}&amp;format=xlsx"' in page


def test_a_referent_exports_the_sessions_they_are_mobilised_on(login_as, adviser, agenda):
    client = login_as(adviser)
    assert csv_rows(client.get(reverse("orientation:sessions_csv"))) == [HEADER, ROWS["friday"]]
    assert _listed(client.get(reverse("orientation:sessions")).content.decode(), agenda) == {"friday"}


def test_the_agenda_export_names_no_person_and_writes_no_audit_event(login_as, officer, agenda):
    client = login_as(officer)
    before = AuditEvent.objects.count()
    rows = csv_rows(client.get(reverse("orientation:sessions_csv"), {"periode": "passees"}))
    content = "\n".join(";".join(row) for row in rows)
    for name in ("ALPHA", "Alpha", "Bravo", "Charlie"):
        assert name not in content
    assert AuditEvent.objects.count() == before


def test_the_agenda_workbook_holds_the_same_rows(login_as, officer, agenda):
    client = login_as(officer)
    rows = csv_rows(client.get(reverse("orientation:sessions_csv")))
    assert xlsx_rows(client.get(reverse("orientation:sessions_csv"), {"format": "xlsx"})) == rows and len(rows) == 4


def test_the_agenda_export_is_not_found_for_who_may_not_see_the_agenda(login_as, landes, agenda):
    partner = MembershipFactory(role=Role.PARTNER, organisation__kind="association", organisation__departement=landes)
    assert login_as(partner).get(reverse("orientation:sessions_csv")).status_code == 404


def test_the_agenda_export_takes_a_constant_number_of_queries(login_as, officer, adviser, agenda):
    client = login_as(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get(reverse("orientation:sessions_csv")).streaming_content)
        return len(ctx.captured_queries)

    few = count()
    for day in (21, 22, 23):
        plan(officer, starts=at(day, 9), professionals=[officer.user, adviser.user])
    assert count() == few


def test_the_agenda_sorts_by_a_column_and_its_export_follows(login_as, officer, agenda):
    client = login_as(officer)

    def screen(**query) -> list[str]:
        page = client.get(reverse("orientation:sessions"), query).content.decode()
        urls = {name: reverse("orientation:session_detail", args=[agenda[name].pk]) for name in ROWS}
        return sorted((name for name in ROWS if urls[name] in page), key=lambda name: page.index(urls[name]))

    def export(**query) -> list[list[str]]:
        return csv_rows(client.get(reverse("orientation:sessions_csv"), query))[1:]

    assert screen() == ["friday", "info", "cancelled"]  # upcoming: the soonest first
    assert screen(tri="-date") == ["cancelled", "info", "friday"]
    assert screen(tri="territoire") == ["info", "friday", "cancelled"]  # the sessions without territory last
    assert screen(tri="places") == ["cancelled", "info", "friday"]  # 0 invited of 10, 0 of 12, then 2 of 12
    assert export(tri="-date") == [ROWS["cancelled"], ROWS["info"], ROWS["friday"]]
    xlsx = xlsx_rows(client.get(reverse("orientation:sessions_csv"), {"tri": "-date", "format": "xlsx"}))
    assert xlsx[1:] == export(tri="-date")
    page = client.get(reverse("orientation:sessions"), {"periode": "passees", "tri": "type"}).content.decode()
    assert 'aria-sort="ascending"' in page and "periode=passees" in page.split('aria-sort="ascending"')[1][:200]
    export_link = f"{reverse('orientation:sessions_csv')}?periode=passees&amp;tri=type"
    assert f'href="{export_link}"' in page


def test_the_past_sessions_are_listed_the_latest_first(login_as, officer, agenda, frozen):
    frozen.move_to(at(30, 9))
    page = login_as(officer).get(reverse("orientation:sessions"), {"periode": "passees"}).content.decode()
    assert 'aria-sort="descending"' in page
    urls = [reverse("orientation:session_detail", args=[agenda[name].pk]) for name in ("info", "friday", "held")]
    positions = [page.index(url) for url in urls]
    assert positions == sorted(positions)
