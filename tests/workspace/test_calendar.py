"""« Mon agenda »: a professional's orientation sessions and carnet appointments, week by week, as the viewer may see
them; a manager or an administrator opens a colleague's of the same organisation."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.models import Appointment, Notebook
from jalon.orientation.enums import OrientationType, SessionKind
from jalon.orientation.models import Orientation, OrientationSession
from jalon.workspace.calendar import Period, period_from
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
URL = reverse("workspace:calendar")
# Week 49 of 2026: Monday 30 November to Sunday 6 December.
WEEK = "2026-W49"


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


class Team:
    """An SDSEI of the Landes: its manager, a référent, an analyst, a former référent; a France Travail référent."""

    def __init__(self):
        self.landes = DepartementFactory()
        self.sdsei = OrganisationFactory(kind="sdsei", departement=self.landes, name="SDSEI de Mont-de-Marsan")
        self.cd = OrganisationFactory(kind="cd", departement=self.landes, name="Département des Landes")
        self.manager = MembershipFactory(
            role=Role.TERRITORY_MANAGER, organisation=self.sdsei, user__last_name="Arrieta", user__first_name="Maïté"
        )
        self.referent = MembershipFactory(
            role=Role.REFERENT, organisation=self.sdsei, user__last_name="Bordes", user__first_name="Jean"
        )
        self.analyst = MembershipFactory(role=Role.ANALYST, organisation=self.sdsei)
        self.former = MembershipFactory(role=Role.REFERENT, organisation=self.sdsei, is_active=False)
        self.agency = OrganisationFactory(kind="france_travail", departement=self.landes, name="France Travail Dax")
        self.ft_referent = MembershipFactory(role=Role.REFERENT, organisation=self.agency)
        self.person = self.followed(last_name="Lasserre", first_name="Odile", organisation=self.sdsei)

    def followed(self, *, last_name, first_name, organisation, referent=None):
        person = PersonFactory(departement=self.landes, last_name=last_name, first_name=first_name)
        Orientation.objects.create(
            person=person,
            orientation_type=OrientationType.PROFESSIONAL,
            organisation=organisation,
            referent=(referent or self.referent).user,
            decided_on=datetime.date(2026, 1, 5),
        )
        Notebook.objects.create(person=person)
        return person

    def session(self, starts_at, *, professionals=(), created_by=None, kind=SessionKind.CELL, place="Salle Lacataye"):
        session = OrientationSession.objects.create(
            departement=self.landes,
            organisation=self.cd,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2, minutes=30),
            place=place,
            capacity=8,
            created_by=created_by,
        )
        session.professionals.set([membership.user for membership in professionals])
        return session

    def appointment(self, person, starts_at, *, membership=None, place="Maison des solidarités", purpose=""):
        membership = membership or self.referent
        return Appointment.objects.create(
            notebook=person.notebook,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            professional=membership.user,
            organisation=membership.organisation,
            place=place,
            purpose=purpose,
        )


@pytest.fixture
def team():
    return Team()


def _days(response) -> dict[datetime.date, list]:
    return {day.date: day.items for day in response.context["calendar"].days}


def _persons_viewed(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since, code=AuditCode.PERSON_VIEWED))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- the week ------------------------------------------------------------------------------------------------------


def test_the_week_shows_the_session_and_the_appointment_on_their_day_at_their_time(team, login_as):
    session = team.session(at(3, 12, 9, 30), professionals=[team.referent])
    team.appointment(team.person, at(1, 12, 14), purpose="Point sur le CER")

    response = login_as(team.referent).get(URL, {"semaine": WEEK})

    assert response.status_code == 200
    days = _days(response)
    assert list(days) == [datetime.date(2026, 11, 30) + datetime.timedelta(days=n) for n in range(7)]
    [appointment] = days[datetime.date(2026, 12, 1)]
    assert (appointment.category, appointment.kind, appointment.person) == ("appointment", "Rendez-vous", team.person)
    assert appointment.place == "Maison des solidarités (sur place)" and appointment.detail == "Point sur le CER"
    assert appointment.url == reverse("notebook:detail", args=[team.person.pk])
    [cell] = days[datetime.date(2026, 12, 3)]
    assert (cell.category, cell.kind, cell.url) == (
        "session",
        "Cellule d'orientation",
        reverse("orientation:session_detail", args=[session.pk]),
    )
    assert sum(len(items) for items in days.values()) == 2
    page = response.content.decode()
    assert "14:00–15:00" in page and "09:30–12:00" in page
    assert "LASSERRE Odile" in page and "Salle Lacataye (sur place)" in page
    assert "Semaine 49, du lundi 30 novembre au dimanche 6 décembre 2026" in page
    assert '<th scope="col">' in page and "<caption>" in page


def test_only_the_items_of_the_week_shown_and_of_the_professional_are_listed(team, login_as):
    team.appointment(team.person, at(29, 11, 23, 30))  # the Sunday before, late
    team.session(at(7, 12, 9), professionals=[team.referent])  # the Monday after
    team.session(at(2, 12, 9), professionals=[team.ft_referent])  # someone else's session
    colleague = team.followed(last_name="Dufau", first_name="Paul", organisation=team.sdsei, referent=team.manager)
    team.appointment(colleague, at(2, 12, 10), membership=team.manager)  # someone else's appointment
    organised = team.session(at(4, 12, 14), created_by=team.referent.user)  # organised, not mobilised on
    first_minute = team.appointment(team.person, at(30, 11, 0, 0))  # the Monday, at midnight

    client = login_as(team.referent)
    week = client.get(URL, {"semaine": WEEK})
    shown = [(item.category, item.starts_at) for items in _days(week).values() for item in items]
    assert shown == [("appointment", first_minute.starts_at), ("session", organised.starts_at)]
    before = client.get(URL, {"semaine": "2026-W48"})
    assert [item.starts_at for item in _days(before)[datetime.date(2026, 11, 29)]] == [at(29, 11, 23, 30)]


def test_the_calendar_opens_on_the_current_week_with_links_to_the_weeks_around(team, login_as):
    response = login_as(team.referent).get(URL)

    today = timezone.localdate()
    assert response.context["period"] == Period.week_of(today)
    page = response.content.decode()
    assert f'href="?semaine={Period.week_of(today - datetime.timedelta(days=7)).value}"' in page
    assert f'href="?semaine={Period.week_of(today + datetime.timedelta(days=7)).value}"' in page
    assert "Aujourd&#x27;hui" in page or "Aujourd'hui" in page
    assert "Aucune séance ni aucun rendez-vous cette semaine." in page


def test_the_month_shows_its_whole_weeks(team, login_as):
    team.appointment(team.person, at(1, 12, 14))
    team.session(at(31, 12, 9), professionals=[team.referent])

    response = login_as(team.referent).get(URL, {"mois": "2026-12"})

    calendar = response.context["calendar"]
    assert [week[0].date for week in calendar.weeks] == [
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 21),
        datetime.date(2026, 12, 28),
    ]
    assert calendar.item_count == 2
    assert not calendar.weeks[0][0].in_period and calendar.weeks[0][1].in_period
    page = response.content.decode()
    assert "Décembre 2026" in page and 'href="?semaine=2026-W49"' in page


@pytest.mark.parametrize(
    ("week", "month", "expected"),
    [
        ("2026-W53", "", None),  # 2026 has 53 ISO weeks: Monday 28 December
        ("2026-W54", "", "n'est pas une semaine"),
        ("décembre", "", "n'est pas une semaine"),
        ("", "2026-13", "n'est pas un mois"),
    ],
)
def test_a_period_that_does_not_exist_says_so_in_french(week, month, expected):
    today = datetime.date(2026, 6, 10)
    period, error = period_from(week=week, month=month, today=today)
    if expected is None:
        assert (period.first, error) == (datetime.date(2026, 12, 28), "")
    else:
        assert expected in error
        assert period.contains(today)


def test_a_wrong_week_shows_the_current_one_with_a_message(team, login_as):
    response = login_as(team.referent).get(URL, {"semaine": "2026-W60"})
    assert response.status_code == 200
    assert "n&#x27;est pas une semaine" in response.content.decode()


# --- who is named, who may act ---------------------------------------------------------------------------------------


def test_the_persons_shown_are_named_in_one_audit_event(team, login_as):
    other = team.followed(last_name="Castets", first_name="Rémi", organisation=team.sdsei)
    team.appointment(team.person, at(1, 12, 14))
    team.appointment(other, at(2, 12, 9))
    team.appointment(team.person, at(4, 12, 11))
    team.appointment(other, at(9, 12, 9))  # next week: not shown, not named

    before = _last_event()
    login_as(team.referent).get(URL, {"semaine": WEEK})

    [event] = _persons_viewed(before)
    assert event.data["screen"] == "agenda"
    assert event.data["persons"] == [team.person.pk, other.pk]
    assert event.actor_id == team.referent.user_id


def test_a_week_without_appointment_names_nobody(team, login_as):
    team.session(at(3, 12, 9, 30), professionals=[team.referent])
    before = _last_event()
    login_as(team.referent).get(URL, {"semaine": WEEK})
    assert _persons_viewed(before) == []


def test_a_person_the_viewer_may_not_see_is_not_named(team, login_as):
    """A France Travail référent's appointment in the carnet of a person followed by the SDSEI: no name, no link."""
    team.appointment(team.person, at(1, 12, 14), membership=team.ft_referent)

    before = _last_event()
    response = login_as(team.ft_referent).get(URL, {"semaine": WEEK})

    [item] = _days(response)[datetime.date(2026, 12, 1)]
    assert (item.person, item.person_hidden, item.url) == (None, True, "")
    page = response.content.decode()
    assert "LASSERRE" not in page and "hors de votre périmètre" in page
    assert _persons_viewed(before) == []


def test_a_session_is_linked_only_for_whoever_may_open_its_page(team, login_as):
    """A partner mobilised on a session sees it in their calendar, without a link: its page is not theirs."""
    partner = MembershipFactory(
        role=Role.PARTNER, organisation__kind="association", organisation__departement=team.landes
    )
    session = team.session(at(3, 12, 9, 30), professionals=[partner])

    response = login_as(partner).get(URL, {"semaine": WEEK})

    [item] = _days(response)[datetime.date(2026, 12, 3)]
    assert item.category == "session" and item.url == ""
    assert reverse("orientation:session_detail", args=[session.pk]) not in response.content.decode()
    # The référent mobilised on it opens it.
    session.professionals.add(team.referent.user)
    [item] = _days(login_as(team.referent).get(URL, {"semaine": WEEK}))[datetime.date(2026, 12, 3)]
    assert item.url == reverse("orientation:session_detail", args=[session.pk])


# --- a manager's choice ----------------------------------------------------------------------------------------------


def test_the_manager_chooses_among_the_active_professionals_of_the_organisation(team, login_as):
    team.appointment(team.person, at(1, 12, 14))
    client = login_as(team.manager)

    response = client.get(URL, {"semaine": WEEK, "professionnel": team.referent.user_id})

    assert response.status_code == 200
    # Neither the analyst (no sessions nor appointments), nor the former member, nor another organisation's.
    assert response.context["choices"] == [team.manager.user, team.referent.user]
    assert response.context["calendar"].item_count == 1
    page = response.content.decode()
    assert "Agenda de Jean Bordes" in page and "LASSERRE Odile" in page
    assert f'href="?semaine=2026-W50&amp;professionnel={team.referent.user_id}"' in page
    assert client.get(URL, {"semaine": WEEK}).context["professional"] == team.manager.user


@pytest.mark.parametrize("who", ["ft_referent", "analyst", "former", "unknown"])
def test_a_manager_asking_for_someone_outside_the_choice_gets_a_404(team, login_as, who):
    professional_id = 999_999 if who == "unknown" else getattr(team, who).user_id
    response = login_as(team.manager).get(URL, {"professionnel": professional_id})
    assert response.status_code == 404


def test_a_referent_may_not_open_a_colleagues_calendar(team, login_as):
    client = login_as(team.referent)
    assert client.get(URL, {"professionnel": team.manager.user_id}).status_code == 404
    assert client.get(URL, {"professionnel": team.referent.user_id}).status_code == 200
    assert client.get(URL).context["choices"] is None


def test_another_organisations_appointments_of_a_colleague_stay_hidden_from_the_manager(team, login_as):
    """A référent who also works for France Travail: the SDSEI's manager sees the SDSEI's appointments only."""
    ft_membership = MembershipFactory(role=Role.REFERENT, organisation=team.agency, user=team.referent.user)
    elsewhere = team.followed(last_name="Hourcade", first_name="Lucie", organisation=team.agency)
    team.appointment(elsewhere, at(2, 12, 9), membership=ft_membership)
    team.appointment(team.person, at(1, 12, 14))

    as_manager = login_as(team.manager).get(URL, {"semaine": WEEK, "professionnel": team.referent.user_id})
    assert as_manager.context["calendar"].item_count == 1
    as_herself = login_as(team.referent).get(URL, {"semaine": WEEK})
    assert as_herself.context["calendar"].item_count == 2


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PROGRAMME_PILOT])
def test_roles_without_sessions_or_appointments_get_a_404_and_no_menu_entry(team, login_as, role):
    client = login_as(MembershipFactory(role=role, organisation=team.cd))
    assert client.get(URL).status_code == 404
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_the_menu_offers_the_agenda_to_those_who_hold_sessions_or_appointments(team, login_as):
    assert f'href="{URL}"' in login_as(team.referent).get("/").content.decode()


# --- scale -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["referent", "manager"])
def test_the_calendar_reads_a_constant_number_of_queries(team, login_as, django_assert_max_num_queries, who):
    viewer = getattr(team, who)
    query = {"semaine": WEEK, "professionnel": team.referent.user_id}
    team.session(at(3, 12, 9, 30), professionals=[team.referent])
    team.appointment(team.person, at(1, 12, 14))
    client = login_as(viewer)
    client.get(URL, query)  # warms the session and the caches of the first request
    with CaptureQueriesContext(connection) as few:
        client.get(URL, query)
    for index in range(10):
        person = team.followed(last_name=f"Personne{index:02d}", first_name="Anne", organisation=team.sdsei)
        team.appointment(person, at(2 + index % 4, 12, 8 + index))
        team.session(at(1 + index % 5, 12, 8 + index), professionals=[team.referent, team.manager])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL, query).content.decode()
    assert "PERSONNE09 Anne" in page
