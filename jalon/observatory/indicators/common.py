"""What the computations share: the population subject to rights and duties on a day, and day counts in SQL."""

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from jalon.observatory.shares_on_days import by_intervals
from jalon.people.enums import ChangeKind, HouseholdRole
from jalon.people.models import ChangeEvent, HouseholdMember, Person


class DaysBetween(Func):
    """`later - earlier` in days, for two date expressions (PostgreSQL subtracts dates; SQLite needs julianday)."""

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"(({later}) - ({earlier}))", (*later_params, *earlier_params)

    def as_sqlite(self, compiler, connection, **extra):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", (*later_params, *earlier_params)


def persons(departement_id: str) -> QuerySet:
    """The Département's persons (merged duplicates left out: they count once, in the file they were merged into)."""
    return Person.objects.active().filter(departement_id=departement_id)


def membership_on(day: date, *conditions: Q, **filters) -> QuerySet:
    """Memberships in force on `day` of a household whose RSA right is open on that day (opened on or before it,
    not closed by then). The right's state is the flux's latest, its dates say when it held. A membership's
    `joined_on` is the day Jalon learned of it, not the day the person joined: the right's opening bounds it."""
    return HouseholdMember.objects.filter(
        Q(left_on=None) | Q(left_on__gt=day),
        Q(household__right__closure_date=None) | Q(household__right__closure_date__gt=day),
        household__right__opening_date__lte=day,
    ).filter(*conditions, **filters)


def flagged_subject(after: date | None = None) -> Q:
    """A membership flagged subject to rights and duties by the CAF/MSA while its right was open (on a day after
    `after`, when given). The flag is the flux's latest, and the flux clears it once the right is closed: a person
    who left the RSA would vanish from the stocks of the months she was in it, and from the cohort she entered.
    So the flag also holds when the flux cleared it later (a « plus soumis » event after that day), and when the
    right was already closed the first time the flux sent it (Jalon never saw its flag while it was open: the
    applicant and partner count as subject, as 97 % of them are nationally — DGCS, end 2022)."""
    cleared = ChangeEvent.objects.filter(
        kind=ChangeKind.NO_LONGER_SUBJECT, household_id=OuterRef("household_id"), person_id=OuterRef("person_id")
    )
    if after is not None:
        # UTC days, as the segments' statement reads them.
        cleared = cleared.filter(occurred_at__gte=datetime.combine(after + timedelta(days=1), time(), tzinfo=UTC))
    return (
        Q(subject_to_rights_and_duties=True)
        | Q(Exists(cleared))
        | Q(household__right__closure_date__lt=F("household__right__created_at"))
    )


def subject_on(day: date, **filters) -> Exists:
    """The person is subject to rights and duties on `day` (droits et devoirs, CASF L262-28): allocataire or
    conjoint of a household with an open right, flagged as such by the CAF/MSA (`flagged_subject`)."""
    return Exists(
        membership_on(
            day,
            flagged_subject(after=day),
            person_id=OuterRef("pk"),
            role__in=[HouseholdRole.APPLICANT, HouseholdRole.PARTNER],
            **filters,
        )
    )


# The stock filters the segment batch precomputes, read by `subject_persons` as `seg_<flag>`.
SEGMENT_FLAGS = ("oriented", "to_france_travail", "to_other_spe", "to_departement", "cer_valid")


def subject_persons(scope) -> QuerySet:
    """The Département's persons subject to rights and duties on the period's last day: read from the day's segment
    batch when the computation prepared one (joined, so that the indicator's other filters read it too), else by
    `subject_on` (a subquery per person; the same definition)."""
    rows = persons(scope.departement_id)
    if scope.segments is None:
        return rows.filter(subject_on(scope.end))
    # The day's other flags as plain columns (aliases), so that excluding on them is a NOT on the joined row rather
    # than a subquery over the reverse relation.
    return (
        scope.segments.join(rows, scope.end)
        .filter(obs_seg__subject=True)
        .alias(**{f"seg_{flag}": F(f"obs_seg__{flag}") for flag in SEGMENT_FLAGS})
    )


@by_intervals
def subject_base(scope) -> QuerySet:
    """The base of the indicators over the persons subject to rights and duties on the last day (the OARSA shares,
    the population's counts), with the opening date of their household's right at hand for the seniority bands
    (read from the segment batch, or a subquery that only runs where a condition uses it)."""
    rows = subject_persons(scope)
    if scope.segments is None:
        return rows.alias(opened_on=right_field_on(scope.end, "opening_date"))
    return rows.alias(opened_on=F("obs_seg__opened_on"))


def right_field_on(day: date, field: str):
    """A field of the RSA right of the household the person belongs to on `day` (the first, if several)."""
    return Subquery(
        HouseholdMember.objects.filter(Q(left_on=None) | Q(left_on__gt=day), person_id=OuterRef("pk"))
        .order_by("-joined_on", "-pk")
        .values(f"household__right__{field}")[:1]
    )


# The fields of the right that the segment batch carries, by the name of its column there.
SEGMENT_RIGHT_FIELDS = {"opening_date": "opened_on", "request_date": "requested_on"}


def with_right_fields(rows: QuerySet, scope, **fields) -> QuerySet:
    """`rows` (persons) annotated with fields of the RSA right of their household on the period's last day
    (`name="opening_date"`): read from the day's segment batch when the computation prepared one (a join), else
    by `right_field_on` (a subquery per row; the same membership, so the same value)."""
    if scope.segments is None:
        return rows.annotate(**{name: right_field_on(scope.end, field) for name, field in fields.items()})
    rows = scope.segments.join(rows, scope.end)
    return rows.annotate(**{name: F(f"obs_seg__{SEGMENT_RIGHT_FIELDS[field]}") for name, field in fields.items()})
