"""Employers and immersions (Landes B.25 and B.29, Pyrénées-Atlantiques fiches 8 and 9).

Rows about people (immersions, exits) are placed by the person's commune and carry their segments; rows about
employers and groupements are placed by the establishment's commune and have no segments."""

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from jalon.employers.enums import ReviewOutcome
from jalon.employers.models import Employer, EmployerGroup, Immersion, Interaction
from jalon.exits.models import Checkpoint, Exit
from jalon.observatory.engine import Scope, indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import DaysBetween


ON_IMMERSIONS = dict(measure=Measure.FLOW, person_path="person", commune_path="person__commune_id")
ON_EMPLOYERS = dict(person_path=None, commune_path="commune_id")


def _immersions(scope: Scope):
    return Immersion.objects.validated().filter(person__departement_id=scope.departement_id, person__merged_into=None)


def _employers(scope: Scope):
    return Employer.objects.filter(departement_id=scope.departement_id)


@indicator(
    "L56",
    unit=Unit.COUNT,
    population="Immersions (PMSMP) des personnes du département validées par le prescripteur dans la période (les "
    "conventions annulées ou rendues obsolètes ensuite ne comptent pas).",
    numerator="Immersions validées.",
    **ON_IMMERSIONS,
)
def pmsmp_prescribed(scope: Scope):
    return (
        _immersions(scope)
        .filter(validated_on__gte=scope.start, validated_on__lte=scope.end)
        .annotate(obs_num=Value(1))
    )


@indicator(
    "P50",
    unit=Unit.COUNT,
    population="Immersions (PMSMP) validées et effectuées, en tout ou en partie, qui se déroulent dans la période.",
    numerator="Jours calendaires passés en entreprise dans la période (jusqu'au dernier jour de présence pour une "
    "immersion interrompue).",
    **ON_IMMERSIONS,
)
def days_in_companies(scope: Scope):
    last_day = Coalesce("last_day_present", "ends_on")
    return (
        _immersions(scope)
        .exclude(review_outcome=ReviewOutcome.NOT_DONE)
        .annotate(obs_last=last_day)
        .filter(starts_on__lte=scope.end, obs_last__gte=scope.start)
        .annotate(
            obs_num=DaysBetween(Least(F("obs_last"), Value(scope.end)), Greatest(F("starts_on"), Value(scope.start)))
            + 1
        )
    )


@indicator(
    "J11",
    unit=Unit.RATE,
    population="Immersions (PMSMP) effectuées, en tout ou en partie, dont le bilan a été saisi dans la période.",
    numerator="Immersions qui ont débouché sur une embauche.",
    denominator="Immersions effectuées dont le bilan est saisi.",
    **ON_IMMERSIONS,
)
def immersions_leading_to_a_job(scope: Scope):
    return (
        _immersions(scope)
        .filter(reviewed_on__gte=scope.start, reviewed_on__lte=scope.end)
        .exclude(review_outcome=ReviewOutcome.NOT_DONE)
        .annotate(obs_num=Case(When(led_to_job=True, then=Value(1)), default=Value(0)), obs_den=Value(1))
    )


@indicator(
    "L63",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Employeurs de l'annuaire du département.",
    numerator="Employeurs avec au moins un échange (visite, appel, job-dating…) dans la période.",
    **ON_EMPLOYERS,
)
def employers_reached(scope: Scope):
    reached = Interaction.objects.filter(
        employer=OuterRef("pk"), occurred_on__gte=scope.start, occurred_on__lte=scope.end
    )
    return _employers(scope).filter(Exists(reached)).annotate(obs_num=Value(1))


@indicator(
    "L62",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population="Groupements d'employeurs du département.",
    numerator="Groupements constitués et non dissous le dernier jour de la période.",
    **ON_EMPLOYERS,
)
def employer_groups(scope: Scope):
    return (
        EmployerGroup.objects.filter(departement_id=scope.departement_id)
        .active_on(scope.end)
        .annotate(obs_num=Value(1))
    )


@indicator(
    "J10",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population="Employeurs de l'annuaire du département.",
    numerator="Membres de « Les entreprises s'engagent » le dernier jour de la période.",
    **ON_EMPLOYERS,
)
def engaged_employers(scope: Scope):
    return _employers(scope).engaged_on(scope.end).annotate(obs_num=Value(1))


@indicator(
    "P54",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Employeurs de l'annuaire du département.",
    numerator="Employeurs d'une personne sortie vers l'emploi (sortie en vigueur) dont un point de suivi en emploi "
    "a été fait dans la période.",
    **ON_EMPLOYERS,
)
def employers_in_follow_up(scope: Scope):
    followed = Checkpoint.objects.filter(
        exit__employer=OuterRef("pk"),
        exit__reopened_on=None,
        exit__exit_type__to_employment=True,
        done_on__gte=scope.start,
        done_on__lte=scope.end,
    )
    return _employers(scope).filter(Exists(followed)).annotate(obs_num=Value(1))


@indicator(
    "J12",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Sorties de parcours vers l'emploi datées dans la période et toujours en vigueur.",
    numerator="Sorties chez un employeur de l'annuaire (l'établissement est connu, pas seulement son nom).",
    person_path="person",
    commune_path="person__commune_id",
)
def exits_to_known_employers(scope: Scope):
    return (
        Exit.objects.in_period(scope.start, scope.end)
        .in_force()
        .to_employment()
        .filter(person__departement_id=scope.departement_id, person__merged_into=None)
        .filter(~Q(employer=None))
        .annotate(obs_num=Value(1))
    )
