import csv
import datetime
import io

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.delays.services import delay_alerts_raise
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert, DelayThresholds
from tests.organisations.factories import MembershipFactory
from tests.orientation.delays.conftest import on, orient, person_in_path
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def people(landes, communes, territories, france_travail):
    """Late people in Mont-de-Marsan and Dax, one followed by France Travail, and one of another Département."""
    agency, referent, _ = france_travail
    late = {
        "mdm": person_in_path(
            landes, last_name="Montois", commune=communes["mdm"], requested=datetime.date(2026, 8, 1)
        ),
        "dax": person_in_path(
            landes, last_name="Dacquois", commune=communes["dax"], requested=datetime.date(2026, 9, 1)
        ),
        "nowhere": person_in_path(landes, last_name="Ailleurs", commune=communes["other"]),
        "recent": person_in_path(landes, last_name="Recent", commune=communes["mdm"], requested=TODAY),
    }
    late["followed"] = person_in_path(landes, last_name="Suivi", commune=communes["dax"])
    orient(late["followed"], organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 8, 1))
    bearn = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    late["bearn"] = person_in_path(
        bearn, last_name="Bearnais", commune=CommuneFactory(code="64445", departement=bearn)
    )
    return late


def _row(person):
    return f'href="{reverse("people:detail", args=[person.pk])}"'


def test_the_delays_screen_counts_by_territory_and_lists_the_late(login_as, orientation_team, people, territories):
    client = login_as(orientation_team)
    with on(TODAY):
        page = client.get(reverse("orientation:delays")).content.decode()
    assert "<caption>Personnes en retard par territoire et par étape</caption>" in page
    # Orientation step (the default): Montois (oldest request) before Dacquois; the recent and the oriented not.
    assert page.index(_row(people["mdm"])) < page.index(_row(people["dax"]))
    for absent in ("recent", "followed", "bearn"):
        assert _row(people[absent]) not in page
    assert f'?etape=orientation&amp;territoire={territories["dax"].pk}">1</a>' in page
    assert '?etape=premier_rdv&amp;territoire={}">1</a>'.format(territories["dax"].pk) in page
    assert "Hors territoire" in page  # Ailleurs lives in a commune of no territory

    with on(TODAY):
        first_appointment = client.get(
            reverse("orientation:delays"), {"etape": DelayStep.FIRST_APPOINTMENT, "territoire": territories["dax"].pk}
        ).content.decode()
    assert _row(people["followed"]) in first_appointment and _row(people["mdm"]) not in first_appointment
    assert "France Travail — Mont-de-Marsan" in first_appointment
    # Decided on 1 August, due on 31 August: 63 days late on 2 November.
    assert "31/08/2026" in first_appointment and "63 jours" in first_appointment


def test_a_territory_limited_manager_sees_only_their_territory(login_as, landes, people, territories):
    manager = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="sdsei", organisation__departement=landes
    )
    manager.territories.set([territories["dax"]])
    with on(TODAY):
        page = login_as(manager).get(reverse("orientation:delays")).content.decode()
    assert _row(people["dax"]) in page and _row(people["mdm"]) not in page
    assert "Territoire de Dax" in page and "Territoire de Mont-de-Marsan" not in page
    assert "Hors territoire" not in page


def test_roles_without_the_screen_get_a_404(login_as, landes, france_travail):
    _, referent, _ = france_travail
    analyst = MembershipFactory(role=Role.ANALYST, organisation__kind="cd", organisation__departement=landes)
    for membership in (referent, analyst):
        assert login_as(membership).get(reverse("orientation:delays")).status_code == 404
    assert login_as(analyst).get(reverse("orientation:alerts")).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("orientation:delays"),
        reverse("orientation:delays") + "?etape=invitation",
        reverse("orientation:delays") + "?etape=contrat",
        reverse("orientation:alerts"),
    ],
)
def test_the_screens_answer_with_a_constant_number_of_queries(
    login_as, landes, communes, orientation_team, france_travail, django_assert_max_num_queries, url
):
    agency, referent, _ = france_travail
    client = login_as(orientation_team)

    def add_people(count):
        for index in range(count):
            person = person_in_path(landes, commune=communes["mdm" if index % 2 else "dax"])
            if index % 3 == 0:
                orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 5, 1))
        delay_alerts_raise(departement_id="40", today=TODAY, notify=False)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx, on(TODAY):
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_people(3)
    few = count_queries()
    add_people(30)
    with django_assert_max_num_queries(few), on(TODAY):
        response = client.get(url)
    assert response.status_code == 200 and "jour" in response.content.decode()


def test_the_csv_export_lists_every_late_person_and_is_audited(login_as, orientation_team, people):
    client = login_as(orientation_team)
    with on(TODAY):
        response = client.get(reverse("orientation:delays_csv"), {"etape": DelayStep.ORIENTATION})
        content = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Prénom", "Né(e) le", "Commune"]
    # The longest overdue first; same request date: in the order the files were created.
    assert [row[0] for row in rows[1:]] == ["MONTOIS", "DACQUOIS", "AILLEURS"]
    montois = rows[1]
    # Requested on 1 August, due on 31 August (30 days): 63 days late on 2 November.
    assert montois[3:8] == ["Mont-de-Marsan", "orientation", "01/08/2026", "31/08/2026", "63"]
    assert montois[8] == "Plateforme d'orientation"
    event = AuditEvent.objects.get(code=AuditCode.PERSON_SEARCHED, actor=orientation_team.user)
    assert event.data["export"] == "personnes en retard" and event.data["step"] == "orientation"


def test_the_late_people_sort_by_a_column_and_the_export_follows(login_as, orientation_team, people):
    client = login_as(orientation_team)
    late = [people[name] for name in ("mdm", "dax", "nowhere")]

    def screen(**query) -> list[str]:
        with on(TODAY):
            page = client.get(reverse("orientation:delays"), query).content.decode()
        return [person.last_name for person in sorted(late, key=lambda person: page.index(_row(person)))]

    def export(**query) -> list[str]:
        with on(TODAY):
            response = client.get(reverse("orientation:delays_csv"), {"etape": DelayStep.ORIENTATION, **query})
            content = b"".join(response.streaming_content).decode()
        return [row[0] for row in list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))[1:]]

    assert screen() == ["Montois", "Dacquois", "Ailleurs"]  # the longest overdue first
    assert screen(tri="nom") == ["Ailleurs", "Dacquois", "Montois"]
    assert screen(tri="-echeance") == ["Ailleurs", "Dacquois", "Montois"]
    assert export(tri="nom") == ["AILLEURS", "DACQUOIS", "MONTOIS"]
    assert export(tri="-nom") == ["MONTOIS", "DACQUOIS", "AILLEURS"]
    with on(TODAY):
        page = client.get(reverse("orientation:delays"), {"etape": "orientation", "tri": "nom"}).content.decode()
    assert 'aria-sort="ascending"' in page and 'name="tri" value="nom"' in page
    assert f'href="{reverse("orientation:delays_csv")}?etape=orientation&amp;tri=nom"' in page


def test_the_alerts_sort_by_a_column(login_as, orientation_team, people):
    with on(TODAY):
        delay_alerts_raise(departement_id="40", notify=False)
    client = login_as(orientation_team)
    late = [people[name] for name in ("mdm", "dax", "nowhere")]

    def screen(**query) -> list[str]:
        page = client.get(reverse("orientation:alerts"), {"etape": "orientation", **query}).content.decode()
        return [person.last_name for person in sorted(late, key=lambda person: page.index(_row(person)))]

    assert screen(tri="nom") == ["Ailleurs", "Dacquois", "Montois"]
    assert screen(tri="-nom") == ["Montois", "Dacquois", "Ailleurs"]


def test_the_alerts_screen_and_closing_an_alert(login_as, orientation_team, france_travail, people, landes):
    agency, referent, _ = france_travail
    with on(TODAY):
        delay_alerts_raise(departement_id="40", notify=False)
    officer = login_as(orientation_team)
    page = officer.get(reverse("orientation:alerts")).content.decode()
    assert _row(people["mdm"]) in page and "toute l'équipe" in page
    assert _row(people["followed"]) not in page  # addressed to France Travail's référent

    referent_page = login_as(referent).get(reverse("orientation:alerts")).content.decode()
    assert _row(people["followed"]) in referent_page and _row(people["mdm"]) not in referent_page

    alert = DelayAlert.objects.get(person=people["mdm"], step=DelayStep.ORIENTATION)
    url = reverse("orientation:alert_close", args=[alert.pk])
    assert login_as(referent).get(url).status_code == 404  # not theirs
    officer = login_as(orientation_team)
    refused = officer.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Ce champ est obligatoire." in refused.content.decode()
    done = officer.post(url, {"reason": "rendez-vous fixé"})
    assert done["Location"] == reverse("orientation:alerts")
    alert.refresh_from_db()
    assert alert.closed_by == orientation_team.user and alert.close_reason == "rendez-vous fixé"
    assert officer.get(url).status_code == 404  # closed: no longer in the open alerts

    # The Département's manager sees every alert, and can narrow to those of their organisation.
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=landes)
    manager_page = login_as(manager).get(reverse("orientation:alerts")).content.decode()
    assert _row(people["followed"]) in manager_page and _row(people["dax"]) in manager_page
    narrowed = login_as(manager).get(reverse("orientation:alerts"), {"destinataire": "structure"}).content.decode()
    assert _row(people["dax"]) not in narrowed


def test_the_alerts_api_is_scoped(orientation_team, france_travail, people):
    from rest_framework.test import APIClient

    _, referent, _ = france_travail
    with on(TODAY):
        delay_alerts_raise(departement_id="40", notify=False)
    api = APIClient(REMOTE_ADDR="127.0.0.1")
    api.force_authenticate(referent.user)
    mine = api.get("/api/v1/orientation/alertes/").json()
    assert {row["person"] for row in mine["results"]} == {people["followed"].pk}
    assert {row["step"] for row in mine["results"]} == {"premier_rdv", "contrat"}
    api.force_authenticate(orientation_team.user)
    team = api.get("/api/v1/orientation/alertes/", {"etape": "orientation"}).json()
    assert {row["person"] for row in team["results"]} == {people["mdm"].pk, people["dax"].pk, people["nowhere"].pk}


def test_the_administrator_sets_the_thresholds(login_as, landes, cd_admin):
    client = login_as(cd_admin)
    url = reverse("orientation:delay_thresholds")
    page = client.get(url).content.decode()
    assert "Les valeurs ci-dessous sont celles par défaut." in page
    values = {
        "invitation_days": 20,
        "orientation_days": 15,
        "first_appointment_days": 30,
        "contract_days": 60,
        "joint_diagnostic_days": 183,
        "joint_diagnostic_extended_days": 365,
        "transition_days": 730,
        "reminder_days_before": 2,
    }
    refused = client.post(url, values).content.decode()
    assert "ne peut pas être plus court que celui de la première invitation" in refused
    assert client.post(url, {**values, "invitation_days": 0}).status_code == 200
    assert not DelayThresholds.objects.exists()  # nothing saved on bad input

    client.post(url, {**values, "invitation_days": 10, "orientation_days": 45})
    thresholds = DelayThresholds.objects.get(departement=landes)
    assert (thresholds.invitation_days, thresholds.orientation_days) == (10, 45)
    event = AuditEvent.objects.get(code=AuditCode.THRESHOLDS_CHANGED)
    assert event.data["old"] == {"invitation_days": 15, "orientation_days": 30}
    assert event.data["new"] == {"invitation_days": 10, "orientation_days": 45}

    page = client.get(url).content.decode()
    assert 'data-testid="legal-orientation_days"' not in page  # 45 days: not the legal one
    assert "art. D. 262-65-2 CASF" not in client.get(reverse("orientation:delays")).content.decode()
    client.post(reverse("orientation:delay_thresholds_legal"))
    thresholds.refresh_from_db()
    # The décret's six weeks and one month; the earlier steps kept, being within them.
    assert (thresholds.invitation_days, thresholds.orientation_days, thresholds.contract_days) == (10, 42, 30)
    assert AuditEvent.objects.filter(code=AuditCode.THRESHOLDS_CHANGED).count() == 2
    page = client.get(url).content.decode()
    assert 'data-testid="legal-orientation_days"' in page and 'data-testid="legal-contract_days"' in page
    overview = client.get(reverse("orientation:delays")).content.decode()
    assert "art. D. 262-65-2 CASF" in overview


def test_only_the_departements_administrator_sets_the_thresholds(login_as, landes, orientation_team):
    association_admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="association", organisation__departement=landes
    )
    url = reverse("orientation:delay_thresholds")
    assert login_as(association_admin).get(url).status_code == 404
    assert login_as(association_admin).post(reverse("orientation:delay_thresholds_legal")).status_code == 404
    assert login_as(orientation_team).get(url).status_code == 404
    assert not DelayThresholds.objects.exists()


def test_a_platform_superuser_without_membership_sees_the_instances_departement(client, people):
    from tests.accounts.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    with on(TODAY):
        page = client.get(reverse("orientation:delays")).content.decode()
    assert "MONTOIS" in page and "BEARNAIS" not in page


def test_the_figures_screen_answers_with_a_constant_number_of_queries(
    login_as, landes, communes, territories, orientation_team, france_travail, django_assert_max_num_queries
):
    agency, referent, _ = france_travail
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    client = login_as(pilot)
    url = reverse("observatory:orientation_figures")
    query = {"debut": "2026-01-01", "fin": "2026-12-31"}

    def add(count):
        for index in range(count):
            person = person_in_path(landes, commune=communes["mdm" if index % 2 else "dax"])
            orient(
                person, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 1 + index % 12, 3)
            )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add(2)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    add(24)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(url, query).content.decode()
    assert "Décembre 2026" in page


def test_the_threshold_service_refuses_bad_values_and_writes_nothing(landes, cd_admin):
    from django.core.exceptions import PermissionDenied, ValidationError

    from jalon.orientation.delays.services import delay_thresholds_update
    from tests.conftest import actor_for

    actor = actor_for(cd_admin)
    for data, message in (
        ({"orientation_days": 0}, "entre 1 et 730"),
        ({"orientation_days": "30"}, "entre 1 et 730"),
        ({"contract_days": 20}, "premier rendez-vous"),
    ):
        with pytest.raises(ValidationError, match=message):
            delay_thresholds_update(actor=actor, departement_id="40", data=data)
    assert not DelayThresholds.objects.exists() and not AuditEvent.objects.filter(code=AuditCode.THRESHOLDS_CHANGED)
    bearn = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    with pytest.raises(PermissionDenied):
        delay_thresholds_update(actor=actor, departement_id=bearn.code, data={"orientation_days": 15})
