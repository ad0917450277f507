"""Job offers, positionings and entries into training (Landes B.27, Pyrénées-Atlantiques fiche 6).

Offers are not about a person: they are placed by the commune of the workplace and carry no segment. Positionings
and trainings are about a person: segmented like every person's figure."""

from django.db.models import Case, Min, OuterRef, Subquery, Value, When

from jalon.employment.enums import PositioningStatus, TrainingOutcome
from jalon.employment.models import JobOffer, Positioning, TrainingEntry
from jalon.observatory.engine import Scope, indicator
from jalon.observatory.enums import Measure, Unit


QUALIFYING_DONE = [TrainingOutcome.COMPLETED, TrainingOutcome.CERTIFIED]
ON_OFFERS = dict(person_path=None, commune_path="commune_id")
ON_PERSONS = dict(person_path="person", commune_path="person__commune_id")
PRESENT = (
    "Offres d'emploi présentes sur la plateforme pendant la période : publiées au plus tard son dernier jour, ni "
    "pourvues ni closes avant son premier jour."
)


def _present(scope: Scope):
    return JobOffer.objects.filter(departement_id=scope.departement_id).present_between(scope.start, scope.end)


@indicator("L61", unit=Unit.COUNT, measure=Measure.STOCK, population=PRESENT, numerator="Offres.", **ON_OFFERS)
def offers_on_the_platform(scope: Scope):
    return _present(scope).annotate(obs_num=Value(1))


@indicator(
    "J20",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population=PRESENT,
    numerator=(
        "Entreprises (SIRET distincts) ayant au moins une offre présente ; chacune est placée dans la commune de sa "
        "première offre."
    ),
    **ON_OFFERS,
)
def companies_on_the_platform(scope: Scope):
    first = _present(scope).filter(employer_siret=OuterRef("employer_siret")).order_by().values("employer_siret")
    return (
        _present(scope)
        .filter(pk=Subquery(first.annotate(first=Min("pk")).values("first")[:1]))
        .annotate(obs_num=Value(1))
    )


@indicator(
    "J21",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Offres d'emploi publiées dans la période.",
    numerator="Offres publiées (chacune une fois, quel que soit son nombre de postes).",
    **ON_OFFERS,
)
def offers_published(scope: Scope):
    return JobOffer.objects.filter(
        departement_id=scope.departement_id, published_on__gte=scope.start, published_on__lte=scope.end
    ).annotate(obs_num=Value(1))


def _positionings(scope: Scope):
    return Positioning.objects.filter(person__departement_id=scope.departement_id, person__merged_into=None)


@indicator(
    "J22",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Personnes positionnées sur une offre d'emploi dans la période.",
    numerator="Positionnements créés dans la période (une personne positionnée sur deux offres compte deux fois).",
    **ON_PERSONS,
)
def positionings_made(scope: Scope):
    return (
        _positionings(scope)
        .filter(steps__status=PositioningStatus.PROPOSED, steps__on__gte=scope.start, steps__on__lte=scope.end)
        .annotate(obs_num=Value(1))
    )


@indicator(
    "J23",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Embauches sur une offre de la plateforme datées dans la période.",
    numerator="Positionnements passés à « embauché(e) » dans la période.",
    **ON_PERSONS,
)
def hires_from_offers(scope: Scope):
    return _positionings(scope).filter(hired_on__gte=scope.start, hired_on__lte=scope.end).annotate(obs_num=Value(1))


def _trainings(scope: Scope):
    return TrainingEntry.objects.filter(person__departement_id=scope.departement_id, person__merged_into=None)


@indicator(
    "P43",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Personnes accompagnées entrées en formation dans la période.",
    numerator="Personnes distinctes ayant au moins une entrée en formation datée dans la période.",
    **ON_PERSONS,
)
def persons_entering_training(scope: Scope):
    # One row per person: her first entry of the period.
    first = (
        _trainings(scope)
        .started_between(scope.start, scope.end)
        .filter(person_id=OuterRef("person_id"))
        .order_by("starts_on", "pk")
        .values("pk")[:1]
    )
    return (
        _trainings(scope).started_between(scope.start, scope.end).filter(pk=Subquery(first)).annotate(obs_num=Value(1))
    )


@indicator(
    "J24",
    unit=Unit.RATE,
    measure=Measure.FLOW,
    population="Formations certifiantes dont l'issue (terminée, abandonnée, certifiée) est datée dans la période.",
    numerator="Formations certifiantes terminées ou certifiées.",
    denominator="Formations certifiantes dont l'issue est connue.",
    **ON_PERSONS,
)
def qualifying_trainings_completed(scope: Scope):
    ended = _trainings(scope).filter(certifying=True, outcome_on__gte=scope.start, outcome_on__lte=scope.end)
    done = Case(When(outcome__in=QUALIFYING_DONE, then=Value(1)), default=Value(0))
    return ended.exclude(outcome="").annotate(obs_num=done, obs_den=Value(1))
