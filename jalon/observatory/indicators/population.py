"""The population: people covered by the RSA, long-term beneficiaries, seniors, exits from the right (Landes
diagnostic, A.3, A.5, A.6)."""

from django.db.models import Exists, OuterRef, Value

from jalon.core.periods import add_months
from jalon.observatory.engine import Scope, indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import membership_on, persons, subject_on, subject_persons
from jalon.people.enums import HouseholdRole
from jalon.people.models import HouseholdMember


SUBJECT = (
    "Personnes soumises aux droits et devoirs le dernier jour de la période : demandeur ou conjoint d'un foyer "
    "dont le droit au RSA est ouvert ce jour-là (ouvert au plus tard ce jour, pas clos), signalées comme telles "
    "par la CAF/MSA."
)


@indicator("L69", unit=Unit.COUNT, measure=Measure.STOCK, population=SUBJECT, numerator="Personnes.")
def subject_to_rights_and_duties(scope: Scope):
    return subject_persons(scope).annotate(obs_num=Value(1))


@indicator(
    "L70",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population=SUBJECT,
    numerator="Parmi elles, celles dont le droit du foyer est ouvert depuis au moins 4 ans.",
)
def long_term(scope: Scope):
    cutoff = add_months(scope.end, -48)
    return (
        persons(scope.departement_id)
        .filter(subject_on(scope.end, household__right__opening_date__lte=cutoff))
        .annotate(obs_num=Value(1))
    )


@indicator(
    "L20",
    unit=Unit.COUNT,
    measure=Measure.STOCK,
    population=SUBJECT,
    numerator="Parmi elles, celles âgées de 60 ans ou plus le dernier jour de la période.",
)
def seniors(scope: Scope):
    return subject_persons(scope).filter(birth_date__lte=add_months(scope.end, -12 * 60)).annotate(obs_num=Value(1))


@indicator(
    "L10",
    unit=Unit.COUNT,
    measure=Measure.FLOW,
    population="Foyers dont le droit au RSA a été clos dans la période, comptés par leur demandeur (allocataire).",
    numerator="Sorties du RSA (date de clôture du droit dans la période).",
)
def exits_from_rsa(scope: Scope):
    closed = HouseholdMember.objects.filter(
        person_id=OuterRef("pk"),
        role=HouseholdRole.APPLICANT,
        household__right__closure_date__gte=scope.start,
        household__right__closure_date__lte=scope.end,
    )
    return persons(scope.departement_id).filter(Exists(closed)).annotate(obs_num=Value(1))


__all__ = ["membership_on"]
