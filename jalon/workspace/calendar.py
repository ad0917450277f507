"""A professional's calendar: the orientation sessions they organise or are mobilised on and the carnet appointments
they hold, week by week or month by month. It gathers two rooms (orientation and notebook), so it lives in the
composing layer; each room answers with one query for a professional and a period."""

import datetime
import re
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404, view_opens_for
from jalon.notebook.followup.selectors import appointments_of_professional
from jalon.organisations.selectors import organisation_members_with_roles
from jalon.orientation.sessions.selectors import sessions_of_professional
from jalon.people.selectors import persons_view_record


# Who holds sessions or appointments, and so has a calendar.
CALENDAR_ROLES = (
    Role.REFERENT,
    Role.ORIENTATION_OFFICER,
    Role.PARTNER,
    Role.TERRITORY_MANAGER,
    Role.ADMINISTRATOR,
)
# Who may open the calendar of another professional of their organisation.
CHOOSER_ROLES = (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR)
SCREEN = "agenda"
WEEK = "semaine"
MONTH = "mois"

_WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """The days a calendar shows: one ISO week, or the whole weeks that cover one month."""

    view: str  # WEEK or MONTH
    start: datetime.date  # the month's first day, or the week's Monday
    first: datetime.date  # the first day shown (a Monday)
    last: datetime.date  # the last day shown (a Sunday)

    @classmethod
    def week_of(cls, day: datetime.date) -> "Period":
        monday = day - datetime.timedelta(days=day.weekday())
        return cls(WEEK, monday, monday, monday + datetime.timedelta(days=6))

    @classmethod
    def month_of(cls, day: datetime.date) -> "Period":
        start = day.replace(day=1)
        following = (start + datetime.timedelta(days=31)).replace(day=1)
        end = following - datetime.timedelta(days=1)
        return cls(
            MONTH,
            start,
            start - datetime.timedelta(days=start.weekday()),
            end + datetime.timedelta(days=6 - end.weekday()),
        )

    def contains(self, day: datetime.date) -> bool:
        if self.view == WEEK:
            return self.first <= day <= self.last
        return (day.year, day.month) == (self.start.year, self.start.month)

    @property
    def value(self) -> str:
        """The period as its query string writes it: 2026-W49 or 2026-12."""
        if self.view == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    @property
    def previous(self) -> "Period":
        if self.view == WEEK:
            return Period.week_of(self.start - datetime.timedelta(days=7))
        return Period.month_of(self.start - datetime.timedelta(days=1))

    @property
    def next(self) -> "Period":
        if self.view == WEEK:
            return Period.week_of(self.start + datetime.timedelta(days=7))
        return Period.month_of(self.first + datetime.timedelta(days=42))

    def today(self, today: datetime.date) -> "Period":
        """The period of the same view that holds today."""
        return Period.week_of(today) if self.view == WEEK else Period.month_of(today)

    def other_view(self, today: datetime.date) -> "Period":
        """The month of this week (the month of its Thursday, as ISO weeks count), or the week of this month to
        show: today's when the month holds it, else its first week."""
        if self.view == WEEK:
            return Period.month_of(self.start + datetime.timedelta(days=3))
        return Period.week_of(today if self.contains(today) else self.start)

    @property
    def label(self) -> str:
        if self.view == MONTH:
            return date_format(self.start, "F Y").capitalize()
        week = self.start.isocalendar()[1]
        return f"Semaine {week}, du {date_format(self.first, 'l j F')} au {date_format(self.last, 'l j F Y')}"


def period_from(*, week: str = "", month: str = "", today: datetime.date) -> tuple[Period, str]:
    """The period a query string asks for (`semaine=2026-W49`, `mois=2026-12`), the current week without one. A
    value that is no week or month gives the current period and a French message saying so."""
    if month:
        match = _MONTH_PATTERN.match(month.strip())
        if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
            return Period.month_of(datetime.date(int(match[1]), int(match[2]), 1)), ""
        return Period.month_of(today), f"« {month} » n'est pas un mois (attendu : 2026-12). Voici le mois en cours."
    if week:
        match = _WEEK_PATTERN.match(week.strip())
        if match:
            try:
                return Period.week_of(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)), ""
            except ValueError:
                pass
        return Period.week_of(
            today
        ), f"« {week} » n'est pas une semaine (attendu : 2026-W49). Voici la semaine en cours."
    return Period.week_of(today), ""


@dataclass(frozen=True)
class CalendarItem:
    category: str  # "session" or "appointment"
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str
    place: str
    detail: str
    cancelled: bool
    url: str = ""  # where one acts on it, when that page opens for the viewer
    person: object = None  # the person met, when the viewer may see her
    person_hidden: bool = False


@dataclass
class CalendarDay:
    date: datetime.date
    is_today: bool
    in_period: bool
    items: list[CalendarItem] = field(default_factory=list)


@dataclass(frozen=True)
class Calendar:
    professional: object
    period: Period
    weeks: list[list[CalendarDay]]
    item_count: int

    @property
    def days(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week]


def calendar_choices(*, actor: Actor):
    """The professionals whose calendar the actor may open besides their own: for a manager or an administrator,
    the active members of their organisation in a role that holds sessions or appointments."""
    if not actor.has_role(*CHOOSER_ROLES):
        return None
    return organisation_members_with_roles(organisation_id=actor.organisation_id, roles=CALENDAR_ROLES)


def calendar_owner(*, actor: Actor, professional_id: str, choices=None):
    """Whose calendar is shown: the actor's own, or a professional among `choices` (404 for anyone else)."""
    if not professional_id or professional_id == str(actor.user.pk):
        return actor.user
    if choices is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return get_visible_or_404(choices, pk=professional_id)


def _place(place: str, mode: str) -> str:
    return f"{place} ({mode})" if place else mode.capitalize()


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    starts = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=zone)
    ends = datetime.datetime.combine(period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return starts, ends


class _Links:
    """Whether a page opens for the actor, asked once per view (its access decorator does not depend on the id)."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.opens: dict[str, bool] = {}

    def url(self, name: str, *args) -> str:
        url = reverse(name, args=args)
        if name not in self.opens:
            self.opens[name] = view_opens_for(self.actor, url)
        return url if self.opens[name] else ""


def calendar_open(*, actor: Actor, professional, period: Period, today: datetime.date) -> Calendar:
    """The professional's sessions and appointments over the period, day by day, as the actor may see them: a person
    is named (and her carnet linked) only when the actor may open her carnet, and the persons named are recorded in
    one audit event. Four queries whatever the number of items."""
    starts, ends = _bounds(period)
    links = _Links(actor)
    # Another professional's appointments are shown only where they act for the actor's organisation.
    organisation_id = None if professional.pk == actor.user.pk else actor.organisation_id
    items: list[CalendarItem] = []
    for session in sessions_of_professional(actor=actor, professional_id=professional.pk, starts=starts, ends=ends):
        url = links.url("orientation:session_detail", session.pk) if session.opens else ""
        items.append(
            CalendarItem(
                category="session",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                kind=session.get_kind_display().capitalize(),
                place=_place(session.place, session.get_mode_display()),
                detail=session.organisation.name,
                cancelled=session.is_cancelled,
                url=url,
            )
        )
    named: list[int] = []
    for appointment in appointments_of_professional(
        actor=actor, professional_id=professional.pk, starts=starts, ends=ends, organisation_id=organisation_id
    ):
        person = appointment.notebook.person if appointment.person_visible else None
        if person is not None:
            named.append(person.pk)
        items.append(
            CalendarItem(
                category="appointment",
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                kind="Rendez-vous",
                place=_place(appointment.place, appointment.get_mode_display()),
                detail=appointment.purpose,
                cancelled=appointment.cancelled_at is not None,
                url=links.url("notebook:detail", person.pk) if person is not None else "",
                person=person,
                person_hidden=person is None,
            )
        )
    persons_view_record(
        actor=actor, screen=SCREEN, person_ids=named, extra={"professional": professional.pk, "period": period.value}
    )
    return Calendar(professional, period, _weeks(period, items, today), len(items))


def _weeks(period: Period, items: list[CalendarItem], today: datetime.date) -> list[list[CalendarDay]]:
    days: dict[datetime.date, CalendarDay] = {}
    day = period.first
    while day <= period.last:
        days[day] = CalendarDay(date=day, is_today=day == today, in_period=period.contains(day))
        day += datetime.timedelta(days=1)
    # An item is shown on the day it starts (the selectors return those that start within the period).
    for item in sorted(items, key=lambda item: item.starts_at):
        days[timezone.localtime(item.starts_at).date()].items.append(item)
    ordered = list(days.values())
    return [ordered[index : index + 7] for index in range(0, len(ordered), 7)]
