"""The carnet de bord: people with a carnet, appointments per person (Landes C.32, A.3)."""

from datetime import datetime, time, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.notebook.followup.selectors import DEFAULT_MAX_WEEKS
from jalon.notebook.models import Appointment, Contact, Contract
from jalon.observatory.engine import Scope, Share, indicator, share_indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import persons
from jalon.observatory.shares_on_days import by_intervals


def _end_of(day):
    """The last instant of `day`, in the project's time zone (carnets and appointments carry datetimes)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# A carnet without a contact for this many days is lost from view (J06); a new carnet counts from its opening.
LOST_AFTER_DAYS = DEFAULT_MAX_WEEKS * 7


# The events whose cuts may fall among the days: a cut is at most a year after its event (the next year's start);
# a day's margin for the time zone.
_NEAR_THE_DAYS = "%(first)s::date - interval '1 year 1 day' AND %(last)s::date + 2"


def _next_starts(day: str) -> str:
    """The first days of the month, the quarter and the year after `day` (SQL of a date)."""
    units = (("month", 1), ("quarter", 3), ("year", 12))
    return ", ".join(f"(date_trunc('{unit}', {day}) + interval '{months} months')::date" for unit, months in units)


# Where what the carnet's shares read of a day changes, for their evaluation on many days (`shares_on_days`): the
# carnet's opening (it enters the base), and the day it could be lost from view after it; each contact's day, the
# day after its window ends (J06), the start of the month, quarter and year after it (J05 to date); each appointment's
# day and the starts after it (L13). Days in the project's time zone, as `_start_of` and `_end_of` read them.
CARNET_CUTS = f"""
    UNION ALL
    SELECT n.person_id, unnest(ARRAY[n.on_day, n.on_day + {LOST_AFTER_DAYS + 1}])
    FROM (SELECT person_id, (created_at AT TIME ZONE %(time_zone)s)::date AS on_day FROM notebook_notebook) n
    JOIN people_person p ON p.id = n.person_id
    WHERE p.departement_id = %(departement)s
    UNION ALL
    SELECT n.person_id,
           unnest(ARRAY[c.occurred_on, c.occurred_on + {LOST_AFTER_DAYS + 1}, {_next_starts("c.occurred_on")}])
    FROM notebook_contact c JOIN notebook_notebook n ON n.id = c.notebook_id JOIN people_person p ON p.id = n.person_id
    WHERE p.departement_id = %(departement)s AND c.occurred_on BETWEEN {_NEAR_THE_DAYS}
    UNION ALL
    SELECT n.person_id, unnest(ARRAY[a.on_day, {_next_starts("a.on_day")}])
    FROM (
        SELECT notebook_id, (starts_at AT TIME ZONE %(time_zone)s)::date AS on_day FROM notebook_appointment
        WHERE cancelled_at IS NULL AND starts_at BETWEEN {_NEAR_THE_DAYS}
    ) a
    JOIN notebook_notebook n ON n.id = a.notebook_id JOIN people_person p ON p.id = n.person_id
    WHERE p.departement_id = %(departement)s
"""  # noqa: S608 (constants only: the values are parameters)


@by_intervals(
    rows="person_id IN (SELECT person_id FROM notebook_notebook)",
    cuts=CARNET_CUTS,
    day_offsets=frozenset({LOST_AFTER_DAYS}),
    flows=True,
)
def _with_carnet(scope: Scope):
    # The carnet is one per person: joined, so that the per-person counts below probe its rows by `notebook_id`.
    return persons(scope.departement_id).filter(notebook__created_at__lte=_end_of(scope.end))


WITH_CARNET = "Personnes dont le carnet de bord existe le dernier jour de la période."


# The carnet's indicators over the persons with a carnet are computed together (`Share`): one pass over them.
share_indicator(
    "L66",
    Share(_with_carnet, None, None, counted=True),
    measure=Measure.STOCK,
    population=WITH_CARNET,
    numerator="Personnes.",
)


def _per_carnet(rows, scope: Scope):
    """The number of `rows` of the person's carnet, 0 when it has none (a subquery grouped by carnet). `COUNT(*)`,
    so that PostgreSQL counts from the carnet's period index alone, without reading the rows. In a computation, counted
    only for the carnets found in the set of those that have some (`_hashed_in_a_computation`): most have none in a
    month (at Nord scale, 99 000 carnets and 2 000 with an appointment in a month: 450 of the 1 000 ms of a month
    end's carnet shares went to probing the index for each carnet)."""
    counted = rows.filter(notebook_id=OuterRef("notebook")).order_by().values("notebook_id").annotate(n=Count("*"))
    count = Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))
    if not _hashed_in_a_computation(scope):
        return count
    return Case(
        When(notebook__in=rows.order_by().values("notebook_id"), then=count),
        default=Value(0),
        output_field=IntegerField(),
    )


def _hashed_in_a_computation(scope: Scope) -> bool:
    """Whether a set of carnets (those with an appointment or a contact in a period) is read once per statement and
    hashed, rather than probed for each carnet: in a computation, which has its segment batch and the memory to hash
    in (`services.BATCH_SETTINGS`). On a screen, with the server's default memory, a year's set of a base holding
    several Départements might not be hashed, and would then be scanned again for each carnet. Not on many days at
    once either: the set would move with each row's day."""
    return scope.segments is not None and not scope.on_days


def _appointments(scope: Scope):
    """The number of the carnet's appointments starting in the period, not cancelled."""
    return _per_carnet(
        Appointment.objects.filter(
            cancelled_at=None, starts_at__gte=_start_of(scope.start), starts_at__lte=_end_of(scope.end)
        ),
        scope,
    )


share_indicator(
    "L13",
    Share(_with_carnet, None, _appointments),
    unit=Unit.RATIO,
    measure=Measure.FLOW,
    population=WITH_CARNET,
    numerator="Rendez-vous de ces carnets commençant dans la période, non annulés.",
    denominator="Personnes avec un carnet.",
)


def _contacts(scope: Scope):
    """The number of contacts noted in the carnet in the period."""
    return _per_carnet(Contact.objects.filter(occurred_on__gte=scope.start, occurred_on__lte=scope.end), scope)


share_indicator(
    "J05",
    Share(_with_carnet, None, _contacts),
    unit=Unit.RATIO,
    measure=Measure.FLOW,
    population=WITH_CARNET,
    numerator="Contacts notés dans ces carnets dans la période (entretiens, appels, courriels…).",
    denominator="Personnes avec un carnet.",
)


def _lost_from_view(scope: Scope) -> Q:
    cutoff = scope.end - timedelta(days=LOST_AFTER_DAYS)
    recent = Contact.objects.filter(occurred_on__gte=cutoff, occurred_on__lte=scope.end)
    if _hashed_in_a_computation(scope):
        contacted = Q(notebook__in=recent.values("notebook_id"))
    else:
        contacted = Q(Exists(recent.filter(notebook_id=OuterRef("notebook"))))
    # A recent carnet counts from its opening.
    return ~contacted & ~Q(notebook__created_at__gte=_start_of(cutoff))


share_indicator(
    "J06",
    Share(_with_carnet, None, _lost_from_view, counted=True),
    measure=Measure.STOCK,
    population=WITH_CARNET,
    numerator=(
        f"Parmi elles, les personnes perdues de vue : aucun contact depuis plus de {DEFAULT_MAX_WEEKS} semaines "
        "le dernier jour de la période (un carnet récent compte depuis son ouverture)."
    ),
)


CONTRACTS = dict(person_path="notebook__person", commune_path="notebook__person__commune_id")


def _contracts(scope: Scope):
    return Contract.objects.filter(
        notebook__person__departement_id=scope.departement_id, notebook__person__merged_into=None
    )


@indicator(
    "J07",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Contrats d'engagement (CER, PPAE, CEJ…) des carnets.",
    numerator="Contrats signés dans la période (date de signature).",
    **CONTRACTS,
)
def contracts_signed(scope: Scope):
    return _contracts(scope).filter(signed_on__gte=scope.start, signed_on__lte=scope.end).annotate(obs_num=Value(1))


@indicator(
    "J08",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population="Contrats d'engagement (CER, PPAE, CEJ…) des carnets.",
    numerator="Contrats en vigueur le dernier jour de la période : signés, commencés, pas encore finis.",
    **CONTRACTS,
)
def contracts_in_force(scope: Scope):
    return (
        _contracts(scope)
        .filter(signed_on__lte=scope.end, starts_on__lte=scope.end, ends_on__gte=scope.end)
        .annotate(obs_num=Value(1))
    )
