"""Orientation: cells, decisions, réorientations and delays (Pyrénées-Atlantiques fiche 1 and axe 1, Landes A.2)."""

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from jalon.observatory.engine import Scope, Share, indicator, share_indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import DaysBetween, persons, subject_base, with_right_fields
from jalon.orientation.delays.selectors import PLEIN_EMPLOI_IN_FORCE_ON
from jalon.orientation.enums import Attendance, ReorientationStatus, SessionKind
from jalon.orientation.models import (
    Interview,
    Orientation,
    OrientationSession,
    ReorientationRequest,
    SessionParticipant,
)


def _present_at_cell(scope: Scope) -> Exists:
    return Exists(
        SessionParticipant.objects.filter(
            person_id=OuterRef("pk"),
            attendance=Attendance.PRESENT,
            session__kind=SessionKind.CELL,
            session__cancelled_at=None,
            session__departement_id=scope.departement_id,
            session__starts_at__date__gte=scope.start,
            session__starts_at__date__lte=scope.end,
        )
    )


CELL_POPULATION = "Personnes présentes à au moins une cellule d'orientation (non annulée) tenue dans la période."


@indicator(
    "P01",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population=CELL_POPULATION,
    numerator="Personnes présentes (comptées une fois même si présentes à deux cellules).",
)
def present_at_cells(scope: Scope):
    return persons(scope.departement_id).filter(_present_at_cell(scope)).annotate(obs_num=Value(1))


@indicator(
    "P02",
    unit=Unit.RATE,
    measure=Measure.FLOW,
    population=CELL_POPULATION,
    numerator="Parmi elles, celles orientées par une cellule de la période à laquelle elles étaient présentes.",
    denominator="Personnes présentes.",
)
def cell_orientation_rate(scope: Scope):
    oriented_by_cell = Exists(
        Orientation.objects.filter(
            person_id=OuterRef("pk"),
            session__kind=SessionKind.CELL,
            session__starts_at__date__gte=scope.start,
            session__starts_at__date__lte=scope.end,
            session__participants__person_id=OuterRef("pk"),
            session__participants__attendance=Attendance.PRESENT,
        )
    )
    return (
        persons(scope.departement_id)
        .filter(_present_at_cell(scope))
        .annotate(obs_num=Case(When(oriented_by_cell, then=Value(1)), default=Value(0)), obs_den=Value(1))
    )


@indicator(
    "P03",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Demandes de réorientation acceptées dans la période.",
    numerator="Réorientations (une personne réorientée deux fois compte deux fois).",
    person_path="person",
    commune_path="person__commune_id",
)
def reorientations(scope: Scope):
    return ReorientationRequest.objects.filter(
        person__departement_id=scope.departement_id,
        person__merged_into=None,
        status=ReorientationStatus.ACCEPTED,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    ).annotate(obs_num=Value(1))


@indicator(
    "P04",
    unit=Unit.RATIO,
    measure=Measure.FLOW,
    population="Cellules d'orientation (non annulées) tenues dans la période, placées par leur territoire.",
    numerator="Professionnels mobilisés sur ces cellules (somme sur les cellules).",
    denominator="Cellules.",
    person_path=None,
    commune_path=None,
    territory_path="territory_id",
)
def professionals_per_cell(scope: Scope):
    staff = OrientationSession.professionals.through.objects.filter(orientationsession_id=OuterRef("pk"))
    return (
        OrientationSession.objects.active()
        .filter(
            departement_id=scope.departement_id,
            kind=SessionKind.CELL,
            starts_at__date__gte=scope.start,
            starts_at__date__lte=scope.end,
        )
        .annotate(
            obs_num=Coalesce(
                Subquery(staff.order_by().values("orientationsession_id").annotate(n=Count("pk")).values("n")),
                Value(0),
            ),
            obs_den=Value(1),
        )
    )


def _decisions(scope: Scope):
    return Orientation.objects.filter(
        person__departement_id=scope.departement_id,
        person__merged_into=None,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    )


DECISIONS = "Décisions d'orientation prises dans la période (réorientations comprises)."


@indicator(
    "P05",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population=DECISIONS,
    numerator="Décisions, ventilées par le type (dominante) et le dispositif de chacune.",
    person_path="person",
    commune_path="person__commune_id",
    own_segments={
        "type_orientation": F("orientation_type"),
        "dispositif": Coalesce(F("dispositif__name"), Value("sans dispositif")),
    },
)
def decisions(scope: Scope):
    return _decisions(scope).annotate(obs_num=Value(1))


CELL_SHARE = dict(
    unit=Unit.RATE,
    measure=Measure.FLOW,
    population=DECISIONS,
    numerator="Décisions prises à l'issue d'une cellule d'orientation.",
    denominator="Décisions.",
    person_path="person",
    commune_path="person__commune_id",
)


@indicator("P09", **CELL_SHARE)
@indicator("L03", **CELL_SHARE)
def cell_share(scope: Scope):
    from_cell = Q(session__kind=SessionKind.CELL)
    return _decisions(scope).annotate(obs_num=Case(When(from_cell, then=Value(1)), default=Value(0)), obs_den=Value(1))


@indicator(
    "L02",
    unit=Unit.RATE,
    measure=Measure.FLOW,
    population=DECISIONS,
    numerator="Décisions prises à l'issue d'une cellule (plateforme) et précédées d'un entretien de diagnostic lié.",
    denominator="Décisions.",
    person_path="person",
    commune_path="person__commune_id",
)
def cell_with_diagnosis(scope: Scope):
    diagnosed = Exists(Interview.objects.filter(orientation_id=OuterRef("pk")))
    return _decisions(scope).annotate(
        obs_num=Case(When(Q(session__kind=SessionKind.CELL) & diagnosed, then=Value(1)), default=Value(0)),
        obs_den=Value(1),
    )


# -- delays ------------------------------------------------------------------------------------------------------


def _first_orientation_on():
    return Subquery(
        Orientation.objects.filter(person_id=OuterRef("pk")).order_by("decided_on", "pk").values("decided_on")[:1]
    )


def _first_oriented(scope: Scope):
    """Persons whose first orientation ever was decided in the period, with the request of their RSA right."""
    decided_in_period = Orientation.objects.filter(
        person_id=OuterRef("pk"), decided_on__gte=scope.start, decided_on__lte=scope.end
    )
    decided = persons(scope.departement_id).filter(Exists(decided_in_period))  # narrows first: few rows below
    return with_right_fields(
        decided.annotate(first_on=_first_orientation_on()), scope, requested_on="request_date"
    ).filter(first_on__gte=scope.start, first_on__lte=scope.end, requested_on__lte=F("first_on"))


FIRST_ORIENTED = (
    "Personnes dont la première orientation a été décidée dans la période et dont la date de demande du RSA est "
    "connue et antérieure (le foyer est celui de la personne à la fin de la période)."
)
REQUEST_TO_ORIENTATION = dict(
    unit=Unit.DAYS,
    measure=Measure.FLOW,
    population=FIRST_ORIENTED,
    numerator="Somme des jours entre la demande du RSA et la première décision d'orientation.",
    denominator="Personnes.",
)


def _first_oriented_with_delay(scope: Scope):
    """The base of the delays to the first orientation, computed together: each person with her delay in days."""
    return _first_oriented(scope).alias(delay=DaysBetween(F("first_on"), F("requested_on")))


def _delay(scope: Scope):
    return F("delay")


# One definition in three plans: the same share, evaluated once.
DAYS_TO_FIRST_ORIENTATION = Share(_first_oriented_with_delay, None, _delay)
for code in ("P06", "L05", "L72"):
    share_indicator(code, DAYS_TO_FIRST_ORIENTATION, **REQUEST_TO_ORIENTATION)


def _within(days: int):
    def condition(scope: Scope) -> Q:
        return Q(delay__lte=days)

    return condition


# J14: the legal deadline of décret n° 2024-1244 (six weeks), beside the Département's own targets.
for code, days in (("J01", 15), ("J02", 30), ("J14", 42)):
    share_indicator(
        code,
        Share(_first_oriented_with_delay, None, _within(days)),
        measure=Measure.FLOW,
        population=FIRST_ORIENTED,
        numerator=f"Personnes orientées au plus {days} jours après la demande du RSA.",
        denominator="Personnes.",
    )


@indicator(
    "L04",
    unit=Unit.DAYS,
    measure=Measure.FLOW,
    population=(
        "Personnes dont le premier entretien de diagnostic (entretien d'orientation) a eu lieu dans la période et "
        "dont la date d'ouverture du droit est connue et antérieure."
    ),
    numerator="Somme des jours entre l'ouverture du droit au RSA et le premier entretien de diagnostic.",
    denominator="Personnes.",
)
def opening_to_diagnosis(scope: Scope):
    first_interview = Subquery(
        Interview.objects.filter(person_id=OuterRef("pk")).order_by("conducted_on", "pk").values("conducted_on")[:1]
    )
    interviewed_in_period = Interview.objects.filter(
        person_id=OuterRef("pk"), conducted_on__gte=scope.start, conducted_on__lte=scope.end
    )
    interviewed = persons(scope.departement_id).filter(Exists(interviewed_in_period))
    return (
        with_right_fields(interviewed.annotate(first_on=first_interview), scope, opened_on="opening_date")
        .filter(first_on__gte=scope.start, first_on__lte=scope.end, opened_on__lte=F("first_on"))
        .annotate(obs_num=DaysBetween(F("first_on"), F("opened_on")), obs_den=Value(1))
    )


@indicator(
    "P07",
    unit=Unit.DAYS,
    measure=Measure.FLOW,
    population=(
        "Personnes dont le premier rendez-vous avec le référent (après une orientation) a eu lieu dans la période et "
        "dont la date de demande du RSA est connue et antérieure."
    ),
    numerator="Somme des jours entre la demande du RSA et le premier rendez-vous avec le référent.",
    denominator="Personnes.",
)
def request_to_first_appointment(scope: Scope):
    first_appointment = Subquery(
        Orientation.objects.filter(person_id=OuterRef("pk"), first_appointment_on__isnull=False)
        .order_by("first_appointment_on")
        .values("first_appointment_on")[:1]
    )
    met_in_period = Orientation.objects.filter(
        person_id=OuterRef("pk"), first_appointment_on__gte=scope.start, first_appointment_on__lte=scope.end
    )
    met = persons(scope.departement_id).filter(Exists(met_in_period))
    return (
        with_right_fields(met.annotate(first_on=first_appointment), scope, requested_on="request_date")
        .filter(first_on__gte=scope.start, first_on__lte=scope.end, requested_on__lte=F("first_on"))
        .annotate(obs_num=DaysBetween(F("first_on"), F("requested_on")), obs_den=Value(1))
    )


def _before_the_law(scope: Scope):
    """The person's orientations in force on the last day and decided before the plein emploi law."""
    return Orientation.objects.filter(
        Q(ended_on=None) | Q(ended_on__gt=scope.end),
        person_id=OuterRef("pk"),
        decided_on__lt=PLEIN_EMPLOI_IN_FORCE_ON,
    )


def _oriented_before_the_law(scope: Scope) -> Exists:
    return Exists(_before_the_law(scope))


def _engagement_unsigned(scope: Scope) -> Exists:
    unsigned = Q(engagement_signed_on=None) | Q(engagement_signed_on__gt=scope.end)
    return Exists(_before_the_law(scope).filter(unsigned))


# Computed with the OARSA shares over the same base (the persons subject to rights and duties).
share_indicator(
    "J15",
    Share(subject_base, _oriented_before_the_law, _engagement_unsigned),
    measure=Measure.STOCK,
    population=(
        "Personnes soumises aux droits et devoirs le dernier jour de la période dont l'orientation en vigueur ce "
        "jour-là a été décidée avant le 1er janvier 2025 (entrée en vigueur de la loi pour le plein emploi)."
    ),
    numerator="Parmi elles, celles dont l'orientation n'a pas encore de contrat d'engagement signé ce jour-là.",
    denominator="Personnes.",
)
