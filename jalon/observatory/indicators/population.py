"""The population: people covered by the RSA, long-term beneficiaries, seniors, exits from the right (Landes
diagnostic, A.3, A.5, A.6)."""

from django.db.models import Exists, OuterRef, Q, Value

from jalon.core.periods import add_months
from jalon.observatory.engine import Scope, Share, indicator, share_indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import membership_on, persons, subject_base, subject_on
from jalon.people.enums import HouseholdRole
from jalon.people.models import HouseholdMember


SUBJECT = (
    "Personnes soumises aux droits et devoirs le dernier jour de la période : demandeur ou conjoint d'un foyer "
    "dont le droit au RSA est ouvert ce jour-là (ouvert au plus tard ce jour, pas clos), signalées comme telles "
    "par la CAF/MSA ; le signalement que le flux a retiré après ce jour (il le fait à la clôture du droit) compte, et "
    "le demandeur et le conjoint d'un droit reçu déjà clos, dont Jalon n'a jamais vu le signalement, sont comptés."
)


# Counts over the persons subject to rights and duties: computed with the OARSA shares over the same base.
share_indicator(
    "L69",
    Share(subject_base, None, None, counted=True),
    measure=Measure.STOCK,
    population=SUBJECT,
    numerator="Personnes.",
)


def _long_term(scope: Scope):
    # The same membership test as `subject_on`, with the right opened 4 years ago at least (not the batch's
    # seniority, which reads one membership only).
    return subject_on(scope.end, household__right__opening_date__lte=add_months(scope.end, -48))


share_indicator(
    "L70",
    Share(subject_base, None, _long_term, counted=True),
    measure=Measure.STOCK,
    population=SUBJECT,
    numerator="Parmi elles, celles dont le droit du foyer est ouvert depuis au moins 4 ans.",
)


def _senior(scope: Scope) -> Q:
    return Q(birth_date__lte=add_months(scope.end, -12 * 60))


share_indicator(
    "L20",
    Share(subject_base, None, _senior, counted=True),
    measure=Measure.STOCK,
    population=SUBJECT,
    numerator="Parmi elles, celles âgées de 60 ans ou plus le dernier jour de la période.",
)


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
