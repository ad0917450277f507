"""Cohorts of entrants: the persons who entered the RSA with rights and duties in a month (or a quarter), followed
over time — oriented, contract signed, referred to a service, out of the RSA, back in it.

Entry: the opening date of the household's RSA right, for its applicant or partner flagged « soumis aux droits et
devoirs » by the CAF/MSA. The opening is what the flux dates reliably (a membership's `joined_on` is only the day
Jalon learned of it), it is the day the duty to be oriented starts (CASF L262-29/30) and it is where the Landes
measures its orientation delay from (L04). A right closed and opened again on the same household carries its new
opening date: the person then belongs to the cohort of the new opening; exits and returns are read from the right's
dates and from the flux's events (closed, opened again).

Every figure is set-based: one query per cohort (or one for a run of monthly cohorts), never one per person."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Least, TruncDate

from jalon.core.periods import add_months
from jalon.notebook.models import Contract
from jalon.observatory.enums import PeriodKind, Unit
from jalon.observatory.indicators.common import DaysBetween, flagged_subject, persons
from jalon.observatory.periods import Period, period_of
from jalon.observatory.selectors import format_value
from jalon.offer.referrals.models import Referral
from jalon.orientation.models import Orientation
from jalon.people.enums import ChangeKind, HouseholdRole, RightState
from jalon.people.models import ChangeEvent, HouseholdMember
from jalon.territories.models import Commune


HORIZONS = (15, 30, 60, 90, 180, 365)
# The comparison of successive cohorts: the orientation horizons of the plans, and 90 days for the rest.
COMPARISON = (
    ("oriented", 15),
    ("oriented", 30),
    ("oriented", 60),
    ("oriented", 90),
    ("contract", 90),
    ("referral", 90),
    ("exited", 90),
)


class AddMonths(Func):
    """`day + n months` for a date expression (PostgreSQL keeps the day, or the month's last one)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) + INTERVAL '{self.months} months' AS date)", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+{self.months} months')", params


def _entry_links(start: date, end: date) -> QuerySet:
    """Memberships that make their person an entrant of [start, end]: applicant or partner, flagged subject to
    rights and duties (`flagged_subject`: a flag the flux cleared since, as it does at the closure, still counts), of
    a household whose right opened then, and still a member on the opening day."""
    return HouseholdMember.objects.filter(
        Q(left_on=None) | Q(left_on__gt=F("household__right__opening_date")),
        flagged_subject(),
        person_id=OuterRef("pk"),
        role__in=[HouseholdRole.APPLICANT, HouseholdRole.PARTNER],
        household__right__opening_date__gte=start,
        household__right__opening_date__lte=end,
    )


def in_territories(qs: QuerySet, territory_ids) -> QuerySet:
    """Persons living in one of the territories (by their commune), as the actor's scoping reads it."""
    if not territory_ids:
        return qs
    return qs.filter(commune__in=Commune.objects.filter(territories__in=territory_ids).values("code"))


def entrants(departement_id: str, start: date, end: date, territory_ids=()) -> QuerySet:
    """The persons who entered between `start` and `end`, each annotated with `entered_on` (the first opening)."""
    links = _entry_links(start, end)
    first = links.order_by("household__right__opening_date").values("household__right__opening_date")[:1]
    qs = persons(departement_id).filter(Exists(links)).annotate(entered_on=Subquery(first))
    return in_territories(qs, territory_ids)


def _first(qs: QuerySet, field_name: str):
    return Subquery(qs.order_by(field_name).values(field_name)[:1], output_field=DateField())


class _Earliest(Least):
    """The earlier of two dates, either of which may be missing. PostgreSQL's `LEAST` skips a NULL; SQLite's `MIN`
    (the demo's database) gives NULL as soon as one is: there each side falls back on the other."""

    def as_sqlite(self, compiler, connection, **extra_context):
        first, second = self.get_source_expressions()
        return compiler.compile(Least(Coalesce(first, second), Coalesce(second, first)))


def followed(qs: QuerySet) -> QuerySet:
    """Annotates each entrant with the first day of each event that follows the entry (None when it did not
    happen): `oriented_on`, `contract_on`, `referral_on`, `exit_on`, `back_on`."""
    entered = OuterRef("entered_on")
    person = OuterRef("pk")
    # Oriented: an orientation in force at some point since the entry (one decided before it counts from day 0).
    oriented = Orientation.objects.filter(Q(ended_on=None) | Q(ended_on__gte=entered), person_id=person)
    contract = Contract.objects.filter(notebook__person_id=person, signed_on__gte=entered)
    referral = (
        Referral.objects.filter(person_id=person).annotate(sent_on=TruncDate("sent_at")).filter(sent_on__gte=entered)
    )
    # Out of the RSA: a right of one of the person's households closed since the entry, while a member — from the
    # right as it stands, or from a « closed » event of the flux (the right may have been opened again since).
    closed_right = HouseholdMember.objects.filter(
        Q(left_on=None) | Q(left_on__gte=F("household__right__closure_date")),
        person_id=person,
        household__right__closure_date__gte=entered,
    )
    closed_event = ChangeEvent.objects.filter(kind=ChangeKind.CLOSED, household__members__person_id=person).annotate(
        closed_on=Coalesce(Cast(KT("data__closure_date"), DateField()), TruncDate("occurred_at"))
    )
    closed_event = closed_event.filter(closed_on__gte=entered)
    qs = qs.annotate(
        oriented_on=_first(oriented, "decided_on"),
        contract_on=_first(contract, "signed_on"),
        referral_on=_first(referral, "sent_on"),
        exit_on=_Earliest(
            _first(closed_right, "household__right__closure_date"),
            _first(closed_event, "closed_on"),
        ),
    )
    # Back: a right opened after the exit (a new household's, or this one's opened again), or the flux's event of
    # a closed right opening again.
    exited = OuterRef("exit_on")
    reopened_right = HouseholdMember.objects.filter(person_id=person, household__right__opening_date__gt=exited)
    reopened_event = (
        ChangeEvent.objects.filter(
            Q(kind=ChangeKind.RIGHT_OPENED)
            | Q(kind=ChangeKind.SUSPENDED, data__old_state__in=list(RightState.closed_states())),
            household__members__person_id=person,
        )
        .annotate(opened_on=TruncDate("occurred_at"))
        .filter(opened_on__gt=exited)
    )
    return qs.annotate(
        back_on=_Earliest(
            _first(reopened_right, "household__right__opening_date"),
            _first(reopened_event, "opened_on"),
        )
    )


MEASURES = {
    "oriented": (
        "Orientées",
        "Une orientation en cours à un moment depuis l'entrée (décidée au plus tard à l'horizon ; une orientation "
        "décidée avant l'entrée compte dès le premier jour).",
    ),
    "contract": ("Contrat signé", "Un contrat d'engagement (CER, PPAE…) signé depuis l'entrée."),
    "referral": (
        "Orientation vers un service",
        "Une orientation (prescription) vers un service de l'offre d'insertion envoyée depuis l'entrée.",
    ),
    "exited": ("Sorties du RSA", "Le droit d'un de leurs foyers a été clos depuis l'entrée."),
    "back": (
        "Revenues au RSA après une sortie",
        "Parmi les personnes sorties à l'horizon, celles dont un droit a été ouvert de nouveau après la sortie.",
    ),
}
FIELDS = {
    "oriented": "oriented_on",
    "contract": "contract_on",
    "referral": "referral_on",
    "exited": "exit_on",
    "back": "back_on",
}


def _counts(qs: QuerySet, horizons) -> dict:
    """The cohort's size and, per horizon and measure, how many entrants saw the event within that many days of the
    entry (the day itself and earlier count). The entrants' days are read and counted here: in one aggregate,
    PostgreSQL would run every per-entrant subquery again for each of the counts that reads it (six times slower)."""
    rows = list(
        qs.annotate(**{f"d_{m}": DaysBetween(F(name), F("entered_on")) for m, name in FIELDS.items()})
        .order_by()
        .values_list(*(f"d_{m}" for m in FIELDS))
    )
    counts = {"size": len(rows)}
    for days in horizons:
        for index, measure in enumerate(FIELDS):
            counts[f"{measure}_{days}"] = sum(1 for row in rows if row[index] is not None and row[index] <= days)
    return counts


@dataclass
class Share:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def display(self) -> str:
        return format_value(Unit.RATE, self.rate)


@dataclass
class MeasureRow:
    code: str
    label: str
    definition: str
    cells: list  # a Share per horizon, None where the horizon is not reached yet


@dataclass
class Cohort:
    period: Period
    size: int
    horizons: tuple
    reached: list  # per horizon: every entrant of the cohort is that many days past the entry
    rows: list = field(default_factory=list)


def _share(counts: dict, measure: str, days: int) -> Share:
    if measure == "back":
        return Share(counts[f"back_{days}"], counts[f"exited_{days}"])
    return Share(counts[f"{measure}_{days}"], counts["size"])


def horizon_reached(period: Period, days: int, today: date) -> bool:
    return period.end + timedelta(days=days) <= today


def cohort(departement_id: str, period: Period, today: date, territory_ids=()) -> Cohort:
    """The cohort of `period` and its shares at each horizon (one query)."""
    counts = _counts(followed(entrants(departement_id, period.start, period.end, territory_ids)), HORIZONS)
    reached = [horizon_reached(period, days, today) for days in HORIZONS]
    rows = [
        MeasureRow(
            code,
            label,
            definition,
            [_share(counts, code, days) if ok else None for days, ok in zip(HORIZONS, reached, strict=True)],
        )
        for code, (label, definition) in MEASURES.items()
    ]
    return Cohort(period, counts["size"], HORIZONS, reached, rows)


@dataclass
class ComparisonRow:
    period: Period
    size: int
    cells: list  # a Share per COMPARISON column, None where not reached


def successive_cohorts(departement_id: str, last: Period, today: date, territory_ids=(), count: int = 12):
    """The monthly cohorts of the `count` months up to `last`'s month, a row each: one query per cohort (a person
    who entered twice, after an exit, belongs to both cohorts, as on the cohort's own screen)."""
    last_month = period_of(PeriodKind.MONTH, last.end)
    horizons = sorted({days for _, days in COMPARISON})
    rows = []
    for i in range(count - 1, -1, -1):
        month = Period(PeriodKind.MONTH, add_months(last_month.start, -i))
        counts = _counts(followed(entrants(departement_id, month.start, month.end, territory_ids)), horizons)
        cells = [
            _share(counts, measure, days) if horizon_reached(month, days, today) else None
            for measure, days in COMPARISON
        ]
        rows.append(ComparisonRow(month, counts["size"], cells))
    return rows


def comparison_headers() -> list[str]:
    return [f"{MEASURES[measure][0]} à {days} jours" for measure, days in COMPARISON]
