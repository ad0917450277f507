"""Exits of the path and the follow-up in employment (Landes A.3/A.5, Pyrénées-Atlantiques fiches 4 and 9).

An exit counts in the period of its date while it is in force (not undone by a reopening); whether it is positive
is what the Département's rule said when it was recorded, so a published figure stays as it was."""

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from jalon.exits.models import Checkpoint, EmployerFeedback, Exit
from jalon.observatory.engine import Scope, indicator
from jalon.observatory.enums import Measure, Unit


EXITS = (
    "Sorties de parcours (fins d'accompagnement) datées dans la période et toujours en vigueur (un parcours rouvert "
    "n'est plus compté)."
)
ON_EXITS = dict(measure=Measure.FLOW, person_path="person", commune_path="person__commune_id")


def _exits(scope: Scope):
    return (
        Exit.objects.in_period(scope.start, scope.end)
        .in_force()
        .filter(person__departement_id=scope.departement_id, person__merged_into=None)
    )


def _retention_at(scope: Scope, *, months: int):
    """Exits to employment whose point at `months` is done; the numerator, those still in work then."""
    point = Checkpoint.objects.filter(exit=OuterRef("pk"), months=months).exclude(done_on=None)
    return (
        _exits(scope)
        .to_employment()
        .filter(Exists(point))
        .annotate(obs_num=_one_if(Exists(point.filter(still_employed=True))), obs_den=Value(1))
    )


def _one_if(condition):
    return Case(When(condition, then=Value(1)), default=Value(0))


@indicator("J04", unit=Unit.COUNT, population=EXITS, numerator="Sorties.", **ON_EXITS)
def exits_of_the_path(scope: Scope):
    return _exits(scope).annotate(obs_num=Value(1))


@indicator(
    "L18",
    unit=Unit.RATE,
    population=EXITS,
    numerator="Sorties positives selon la règle du Département en vigueur à leur enregistrement.",
    denominator="Sorties.",
    **ON_EXITS,
)
def positive_exit_share(scope: Scope):
    return _exits(scope).annotate(obs_num=_one_if(Q(is_positive=True)), obs_den=Value(1))


@indicator(
    "P61",
    unit=Unit.COUNT,
    population=EXITS,
    numerator="Sorties positives (CDI, CDD de six mois ou plus, formation… selon la règle du Département).",
    **ON_EXITS,
)
def positive_exits(scope: Scope):
    return _exits(scope).filter(is_positive=True).annotate(obs_num=Value(1))


@indicator(
    "P59",
    unit=Unit.RATE,
    population=EXITS + " Parmi elles, les sorties vers l'emploi dont le point de suivi à 6 mois est fait.",
    numerator="Personnes toujours en emploi au point de suivi à 6 mois.",
    denominator="Sorties vers l'emploi dont le point à 6 mois est fait.",
    **ON_EXITS,
)
def retention_at_six_months(scope: Scope):
    return _retention_at(scope, months=6)


@indicator(
    "J03",
    unit=Unit.RATE,
    population=EXITS + " Parmi elles, les sorties vers l'emploi dont au moins un point de suivi est fait.",
    numerator="Sorties dont le contrat a été rompu (une rupture enregistrée à un point de suivi).",
    denominator="Sorties vers l'emploi suivies (au moins un point fait).",
    **ON_EXITS,
)
def rupture_share(scope: Scope):
    done = Checkpoint.objects.filter(exit=OuterRef("pk")).exclude(done_on=None)
    ruptured = Checkpoint.objects.filter(exit=OuterRef("pk")).exclude(rupture_on=None)
    return (
        _exits(scope)
        .to_employment()
        .filter(Exists(done))
        .annotate(obs_num=_one_if(Exists(ruptured)), obs_den=Value(1))
    )


@indicator(
    "J09",
    unit=Unit.RATE,
    population=EXITS + " Parmi elles, les sorties vers l'emploi dont le point de suivi à deux ans (N+2) est fait.",
    numerator="Personnes toujours en emploi au point à deux ans.",
    denominator="Sorties vers l'emploi dont le point à deux ans est fait.",
    **ON_EXITS,
)
def retention_at_two_years(scope: Scope):
    return _retention_at(scope, months=24)


@indicator(
    "J13",
    unit=Unit.RATE,
    population=EXITS + " Parmi elles, les sorties vers l'emploi.",
    numerator="Sorties dont un échange avec l'employeur est noté (fiche miroir : bilan croisé ou alerte).",
    denominator="Sorties vers l'emploi.",
    **ON_EXITS,
)
def employer_heard_share(scope: Scope):
    heard = EmployerFeedback.objects.filter(exit=OuterRef("pk"))
    return _exits(scope).to_employment().annotate(obs_num=_one_if(Exists(heard)), obs_den=Value(1))
