"""Exports of the orientation queue and of the portfolio: the rows of the screen with its filters, every page,
one audit event naming every person exported, the same rows as a workbook, 404 for whoever may not see the list."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment
from jalon.people.enums import HouseholdRole, RightState
from tests.exports import csv_rows, xlsx_rows
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def communes(landes):
    return {
        "mdm": CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes),
        "dax": CommuneFactory(code="40088", name="Dax", departement=landes),
    }


@pytest.fixture
def marsan(landes, communes):
    territory = TerritoryFactory(departement=landes, name="Territoire de Mont-de-Marsan")
    territory.communes.set([communes["mdm"]])
    return territory


@pytest.fixture
def officer(landes):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)


def waiting(departement, *, requested, commune=None, role=HouseholdRole.APPLICANT, **person):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=departement, commune=commune, **person),
        household__departement=departement,
        subject_to_rights_and_duties=True,
        role=role,
    )
    RsaRightFactory(household=member.household, state=RightState.OPEN, request_date=requested)
    return member.person


@pytest.fixture
def queue(landes, communes):
    """Who waits in Mont-de-Marsan for at least a month: Aubert and Duval; the others are filtered out."""
    mdm = communes["mdm"]
    return {
        "aubert": waiting(
            landes,
            requested=datetime.date(2026, 8, 1),
            commune=mdm,
            last_name="Aubert",
            first_name="Anne",
            birth_date=datetime.date(1985, 3, 14),
        ),
        "duval": waiting(
            landes,
            requested=datetime.date(2026, 9, 1),
            commune=mdm,
            last_name="Duval",
            first_name="Denis",
            birth_date=datetime.date(1979, 12, 1),
            role=HouseholdRole.PARTNER,
        ),
        "recent": waiting(landes, requested=datetime.date(2026, 10, 20), commune=mdm, last_name="Recent"),
        "dax": waiting(landes, requested=datetime.date(2026, 7, 1), commune=communes["dax"], last_name="Dacquois"),
    }


def _filters(marsan):
    """The screen's filters: Mont-de-Marsan, a request at least a month old."""
    return {"territory": str(marsan.pk), "min_months": "1"}


def test_the_queue_export_holds_the_screens_rows_with_its_filters(login_as, officer, marsan, queue):
    client = login_as(officer)
    page = client.get(reverse("orientation:queue"), _filters(marsan)).content.decode()
    rows = csv_rows(client.get(reverse("orientation:queue_csv"), _filters(marsan)))
    assert rows == [
        ["Nom", "Prénom", "Né(e) le", "Commune", "Demande du droit", "Attente (jours)"],
        ["AUBERT", "Anne", "14/03/1985", "Mont-de-Marsan", "01/08/2026", "93"],
        ["DUVAL", "Denis", "01/12/1979", "Mont-de-Marsan", "01/09/2026", "62"],
    ]
    # The screen links to its export with its filters, and shows the same people, none of those filtered out.
    export = f"{reverse('orientation:queue_csv')}?territory={marsan.pk}&amp;min_months=1"
    assert f'href="{export}"' in page and f'href="{export}&amp;format=xlsx"' in page
    for name in ("aubert", "duval"):
        assert reverse("people:detail", args=[queue[name].pk]) in page
    for name in ("recent", "dax"):
        assert reverse("people:detail", args=[queue[name].pk]) not in page
    # Another filter of the screen (the place in the household) narrows the export the same way.
    partners = csv_rows(
        client.get(reverse("orientation:queue_csv"), {**_filters(marsan), "role": HouseholdRole.PARTNER})
    )
    assert [row[0] for row in partners[1:]] == ["DUVAL"]


def test_the_queue_export_is_audited_once_naming_every_person_exported(login_as, officer, marsan, queue):
    client = login_as(officer)
    client.get(reverse("orientation:queue_csv"), _filters(marsan))
    event = AuditEvent.objects.get(code=AuditCode.PERSON_SEARCHED, actor=officer.user)
    assert event.data["persons"] == [queue["aubert"].pk, queue["duval"].pk]
    assert event.data["export"] == "personnes à orienter"
    assert event.data["territory_id"] == marsan.pk and event.data["min_months"] == 1


def test_the_queue_workbook_holds_the_same_rows(login_as, officer, marsan, queue):
    client = login_as(officer)
    rows = csv_rows(client.get(reverse("orientation:queue_csv"), _filters(marsan)))
    workbook = client.get(reverse("orientation:queue_csv"), {**_filters(marsan), "format": "xlsx"})
    assert xlsx_rows(workbook) == rows and len(rows) == 3


def test_the_queue_export_is_not_found_for_who_may_not_see_the_queue(login_as, landes, queue):
    referent = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    assert login_as(referent).get(reverse("orientation:queue_csv")).status_code == 404
    # The orientation platform of another Département sees its own queue: none of these people.
    bearn = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=DepartementFactory(code="64")
    )
    assert csv_rows(login_as(bearn).get(reverse("orientation:queue_csv")))[1:] == []
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED, actor=bearn.user).exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def test_the_exports_take_a_constant_number_of_queries(login_as, officer, landes, communes, queue, france_travail):
    agency, referent, dispositif = france_travail
    officer_client = login_as(officer)
    few = _queries(officer_client, reverse("orientation:queue_csv"))
    for _ in range(20):
        waiting(landes, requested=datetime.date(2026, 9, 1), commune=communes["dax"])
    assert _queries(officer_client, reverse("orientation:queue_csv")) == few

    referent_client = login_as(referent)
    follow(PersonFactory(departement=landes), agency, referent, dispositif=dispositif)
    few = _queries(referent_client, reverse("orientation:caseload_csv"))
    for _ in range(20):
        follow(PersonFactory(departement=landes, commune=communes["dax"]), agency, referent, dispositif=dispositif)
    assert _queries(referent_client, reverse("orientation:caseload_csv")) == few


# -- the portfolio -----------------------------------------------------------------------------------------------


@pytest.fixture
def france_travail(landes):
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)
    return agency, referent, dispositif


def follow(person, agency, referent, *, dispositif=None, decided_on=datetime.date(2026, 9, 1), **orientation):
    """A current orientation to the agency and its référent, written directly."""
    Orientation.objects.create(
        person=person,
        orientation_type=orientation.pop("orientation_type", OrientationType.PROFESSIONAL),
        organisation=agency,
        referent=referent.user,
        dispositif=dispositif,
        decided_on=decided_on,
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=decided_on
    )
    return person


@pytest.fixture
def portfolio(landes, communes, france_travail):
    """The référent follows Bastide and Arnaud; Colin is followed by a colleague; Dupré's follow-up has ended."""
    agency, referent, dispositif = france_travail
    colleague = MembershipFactory(role=Role.REFERENT, organisation=agency)
    people = {
        "bastide": follow(
            PersonFactory(
                departement=landes,
                commune=communes["dax"],
                last_name="Bastide",
                first_name="Bruno",
                birth_date=datetime.date(1990, 5, 2),
            ),
            agency,
            referent,
            orientation_type=OrientationType.SOCIO_PROFESSIONAL,
            decided_on=datetime.date(2026, 6, 15),
        ),
        "arnaud": follow(
            PersonFactory(
                departement=landes,
                commune=communes["mdm"],
                last_name="Arnaud",
                first_name="Alice",
                birth_date=datetime.date(1982, 1, 30),
            ),
            agency,
            referent,
            dispositif=dispositif,
        ),
        "colin": follow(PersonFactory(departement=landes, last_name="Colin"), agency, colleague),
    }
    ended = follow(PersonFactory(departement=landes, last_name="Dupré"), agency, referent)
    ReferentAssignment.objects.filter(person=ended).update(ended_on=datetime.date(2026, 10, 1))
    Orientation.objects.filter(person=ended).update(ended_on=datetime.date(2026, 10, 1))
    people["ended"] = ended
    return people


def test_the_portfolio_export_holds_the_screens_rows(login_as, france_travail, portfolio):
    _, referent, _ = france_travail
    client = login_as(referent)
    page = client.get(reverse("orientation:caseload")).content.decode()
    rows = csv_rows(client.get(reverse("orientation:caseload_csv")))
    assert rows == [
        ["Nom", "Prénom", "Né(e) le", "Commune", "Orientation", "Dispositif", "Orientée le"],
        [
            "ARNAUD",
            "Alice",
            "30/01/1982",
            "Mont-de-Marsan",
            "professionnelle",
            "Accompagnement professionnel",
            "01/09/2026",
        ],
        ["BASTIDE", "Bruno", "02/05/1990", "Dax", "socio-professionnelle", "", "15/06/2026"],
    ]
    assert f'href="{reverse("orientation:caseload_csv")}?format=xlsx"' in page
    for name in ("arnaud", "bastide"):
        assert reverse("people:detail", args=[portfolio[name].pk]) in page
    for name in ("colin", "ended"):
        assert reverse("people:detail", args=[portfolio[name].pk]) not in page


def test_the_portfolio_export_is_audited_once_naming_every_person_exported(login_as, france_travail, portfolio):
    _, referent, _ = france_travail
    login_as(referent).get(reverse("orientation:caseload_csv"))
    event = AuditEvent.objects.get(code=AuditCode.PERSON_SEARCHED, actor=referent.user)
    assert event.data["persons"] == [portfolio["arnaud"].pk, portfolio["bastide"].pk]
    assert event.data["export"] == "portefeuille"


def test_the_portfolio_workbook_holds_the_same_rows(login_as, france_travail, portfolio):
    _, referent, _ = france_travail
    client = login_as(referent)
    rows = csv_rows(client.get(reverse("orientation:caseload_csv")))
    assert xlsx_rows(client.get(reverse("orientation:caseload_csv"), {"format": "xlsx"})) == rows and len(rows) == 3


def test_the_portfolio_export_is_not_found_for_who_may_not_see_the_portfolio(login_as, officer, portfolio):
    assert login_as(officer).get(reverse("orientation:caseload_csv")).status_code == 404


def test_the_queue_sorts_by_a_column_and_keeps_its_filters(login_as, officer, marsan, queue):
    client = login_as(officer)
    url = reverse("orientation:queue")

    def names(**query):
        page = client.get(url, {**_filters(marsan), **query}).content.decode()
        order = ["AUBERT", "DUVAL", "RECENT", "DACQUOIS"]
        return sorted((name for name in order if name in page), key=page.index)

    assert names() == ["AUBERT", "DUVAL"]  # by default the oldest request first (1 August, then 1 September)
    assert names(tri="-demande") == ["DUVAL", "AUBERT"]
    assert names(tri="naissance") == ["DUVAL", "AUBERT"]  # born 1979, then 1985
    page = client.get(url, {**_filters(marsan), "tri": "nom"}).content.decode()
    assert 'aria-sort="ascending"' in page and f"territory={marsan.pk}" in page.split('aria-sort="ascending"')[1][:200]
