"""The DREES OARSA yearly return (sheets B1–B20), with the DREES definitions: stocks on the last day of the
period (31 December for a year), « orientée » = has an organisme référent unique, CER valid on that day,
seniority = that of the household's right, entry = the date of the RSA request."""

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value

from jalon.core.periods import add_months
from jalon.notebook.models import Contract
from jalon.observatory.engine import Scope, Share, indicator, share_indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import DaysBetween, subject_base, subject_persons, with_right_fields
from jalon.observatory.oarsa_groups import CER_CODES, DEPARTEMENT, FRANCE_TRAVAIL, OTHER_SPE
from jalon.observatory.segments import SEGMENTS
from jalon.orientation.models import Orientation


def _orientation_on(day, **filters) -> Exists:
    """An orientation in force on `day` with an organisme référent unique (`organisation__kind__in` narrows it to a
    group: see `_oriented` for the same read from the segment batch)."""
    return Exists(
        Orientation.objects.filter(
            Q(ended_on=None) | Q(ended_on__gt=day),
            person_id=OuterRef("pk"),
            decided_on__lte=day,
            organisation__isnull=False,
            **filters,
        )
    )


# The DREES groups as the segment batch flags them (the same EXISTS, precomputed per person for the day).
GROUP_FLAGS = {"france_travail": "to_france_travail", "other_spe": "to_other_spe", "departement": "to_departement"}
GROUP_KINDS = {"france_travail": FRANCE_TRAVAIL, "other_spe": OTHER_SPE, "departement": DEPARTEMENT}


def _oriented(scope: Scope, *groups: str):
    """Oriented on the last day toward an organisme référent (of one of `groups` if given): a condition on rows from
    `subject_persons(scope)`, read from the segment batch when there is one."""
    if scope.segments is None:
        if not groups:
            return _orientation_on(scope.end)
        return _orientation_on(scope.end, organisation__kind__in=[k for g in groups for k in GROUP_KINDS[g]])
    if not groups:
        return Q(seg_oriented=True)
    condition = Q()
    for group in groups:
        condition |= Q(**{f"seg_{GROUP_FLAGS[group]}": True})
    return condition


def _cer_valid(scope: Scope):
    """A CER valid on the last day, as a condition on rows from `subject_persons(scope)`."""
    return _cer_valid_on(scope.end) if scope.segments is None else Q(seg_cer_valid=True)


OTHER_GROUPS = ("france_travail", "other_spe", "departement")


SUBJECT = "Personnes soumises aux droits et devoirs (SDD) le dernier jour de la période (31 décembre pour une année)."


def _seniority(months_from: int | None, months_to: int | None):
    if months_from is None:
        return None

    def population(scope: Scope) -> Q:
        condition = Q(opened_on__lte=add_months(scope.end, -months_from))
        if months_to is not None:
            condition &= Q(opened_on__gt=add_months(scope.end, -months_to))
        return condition

    return population


for code, label, months_from, months_to in (
    ("B1", "", None, None),
    ("B2", " dont le droit du foyer est ouvert depuis moins de 6 mois", 0, 6),
    ("B3", " dont le droit du foyer est ouvert depuis 6 mois à moins d'un an", 6, 12),
    ("B4", " dont le droit du foyer est ouvert depuis un an ou plus", 12, None),
):
    share_indicator(
        code,
        Share(subject_base, _seniority(months_from, months_to), _oriented),
        measure=Measure.STOCK,
        population=SUBJECT[:-1] + label + ".",
        numerator="Parmi elles, celles qui ont un organisme référent unique ce jour-là (orientation en cours).",
        denominator="Personnes SDD.",
    )


ORIENTED = SUBJECT[:-1] + " et orientées ce jour-là vers un organisme référent unique."


def _toward(group: str | None):
    """Oriented toward `group`, or (None) toward an organisme of none of the DREES groups."""

    def condition(scope: Scope) -> Q:
        if group is None:
            return _oriented(scope) & ~_oriented(scope, *OTHER_GROUPS)
        return _oriented(scope, group)

    return condition


for code, label, group in (
    ("B5", "France Travail", "france_travail"),
    ("B6", "un organisme du SPE autre que France Travail", "other_spe"),
    ("B7", "le Département (conseil départemental, SDSEI)", "departement"),
    ("B8", "un organisme hors SPE autre que le Département", None),
):
    share_indicator(
        code,
        Share(subject_base, _oriented, _toward(group)),
        measure=Measure.STOCK,
        population=ORIENTED,
        numerator=f"Parmi elles, celles dont l'organisme référent est {label}.",
        denominator="Personnes SDD orientées.",
    )


def _cer_valid_on(day) -> Exists:
    return Exists(
        Contract.objects.filter(
            notebook__person_id=OuterRef("pk"),
            contract_type__code__in=CER_CODES,
            starts_on__lte=day,
            ends_on__gte=day,
        )
    )


def _oriented_outside_france_travail(scope: Scope) -> Q:
    return _oriented(scope) & ~_oriented(scope, "france_travail")


share_indicator(
    "B9",
    Share(subject_base, _oriented_outside_france_travail, _cer_valid),
    measure=Measure.STOCK,
    population=SUBJECT[:-1] + " et orientées ce jour-là vers un organisme autre que France Travail.",
    numerator="Parmi elles, celles qui ont un CER valide ce jour-là (début au plus tard, fin au plus tôt ce jour).",
    denominator="Personnes SDD orientées hors France Travail.",
)


def _entrant(scope: Scope) -> OuterRef:
    """The person an entrant's lookups are made for. With a segment batch, the batch row's own person: the lookups
    then depend on that row alone, so PostgreSQL applies them as it reads the period's rows of the batch, and joins
    the persons only for the rows that count."""
    return OuterRef("pk") if scope.segments is None else OuterRef(f"{SEGMENTS}__person_id")


def _first_orientation_after_request(scope: Scope, field: str) -> Subquery:
    """A field of the person's first orientation decided on or after her household's RSA request (the earliest
    decided, the first created if several that day)."""
    return Subquery(
        Orientation.objects.filter(person_id=_entrant(scope), decided_on__gte=OuterRef("requested_on"))
        .order_by("decided_on", "pk")
        .values(field)[:1]
    )


def _entrants(scope: Scope):
    """SDD on the last day whose household's RSA request falls in the period, with their first orientation decided
    after that request and by the last day (the DREES « primo-orientation »)."""
    return (
        with_right_fields(subject_persons(scope), scope, requested_on="request_date")
        .filter(requested_on__gte=scope.start, requested_on__lte=scope.end)
        .annotate(first_on=_first_orientation_after_request(scope, "decided_on"))
        .filter(first_on__lte=scope.end)
    )


@indicator(
    "B13",
    unit=Unit.DAYS,
    measure=Measure.FLOW,
    population=(
        "Entrants de la période (demande du RSA du foyer dans la période), SDD le dernier jour et primo-orientés à "
        "cette date (première orientation décidée après la demande)."
    ),
    numerator="Somme des jours entre la demande du RSA et la primo-orientation.",
    denominator="Entrants primo-orientés.",
)
def entry_to_orientation(scope: Scope):
    return _entrants(scope).annotate(obs_num=DaysBetween(F("first_on"), F("requested_on")), obs_den=Value(1))


@indicator(
    "B14",
    unit=Unit.DAYS,
    measure=Measure.FLOW,
    population=(
        "Entrants de la période primo-orientés vers un organisme autre que France Travail et ayant signé un premier "
        "CER au plus tard le dernier jour de la période."
    ),
    numerator="Somme des jours entre la primo-orientation et la signature du premier CER.",
    denominator="Entrants concernés.",
)
def orientation_to_contract(scope: Scope):
    first_cer = Subquery(
        Contract.objects.filter(
            notebook__person_id=_entrant(scope),
            contract_type__code__in=CER_CODES,
            signed_on__gte=OuterRef("requested_on"),
        )
        .order_by("signed_on", "pk")
        .values("signed_on")[:1]
    )
    return (
        _entrants(scope)
        .annotate(first_kind=_first_orientation_after_request(scope, "organisation__kind"), cer_on=first_cer)
        .exclude(first_kind__in=FRANCE_TRAVAIL)
        .filter(cer_on__lte=scope.end, cer_on__gte=F("first_on"))
        .annotate(obs_num=DaysBetween(F("cer_on"), F("first_on")), obs_den=Value(1))
    )


CER_VALID = "Parmi elles, celles qui ont un CER valide ce jour-là (début au plus tard, fin au plus tôt ce jour)."

# B10–B12: the share with a valid CER, by the kind of organisme the person is oriented to (B9 split).
for code, label, group in (
    ("B10", "un organisme du SPE autre que France Travail", "other_spe"),
    ("B11", "le Département (conseil départemental, SDSEI)", "departement"),
    ("B12", "un organisme hors SPE autre que le Département", None),
):
    share_indicator(
        code,
        Share(subject_base, _toward(group), _cer_valid),
        measure=Measure.STOCK,
        population=SUBJECT[:-1] + f" et orientées ce jour-là vers {label}.",
        numerator=CER_VALID,
        denominator=f"Personnes SDD orientées vers {label}.",
    )


# B15–B20: the actions written in the CER, in six of the fifteen DREES categories. Jalon writes a CER's content as
# objectives tied to a frein of the diagnostic référentiel (or to the professional project); a frein's data·inclusion
# thématiques say what it is about, so a DREES category is the set of freins whose thématiques fall in it. A category
# no frein of the référentiel maps to cannot be measured (the return says « ND »).
CER_ACTION_CATEGORIES = {
    "B15": (
        "trouver des activités, stages ou formations destinés à acquérir des compétences professionnelles",
        ("se-former",),
        False,
    ),
    "B16": (
        "s'inscrire dans un parcours de recherche d'emploi",
        ("trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier", "creer-une-entreprise"),
        True,  # an objective tied to the professional project is a job search
    ),
    "B17": (
        "faciliter le lien social (développement de l'autonomie sociale, activités collectives…)",
        ("remobilisation",),
        False,
    ),
    "B18": ("l'accès à un logement, au relogement ou à l'amélioration de l'habitat", ("logement-hebergement",), False),
    "B19": ("l'accès aux soins", ("sante",), False),
    "B20": ("la famille et la parentalité (soutien familial, garde d'enfant…)", ("famille",), False),
}


def action_freins(code: str) -> list[int]:
    """The référentiel's active freins whose thématiques fall in the DREES category of `code` (a thématique
    `logement-hebergement--louer-un-logement` falls in `logement-hebergement`)."""
    from jalon.notebook.models import FreinCategory

    _, categories, _ = CER_ACTION_CATEGORIES[code]
    return [
        pk
        for pk, thematiques in FreinCategory.objects.filter(is_active=True).values_list("pk", "thematiques")
        if any(t == c or t.startswith(f"{c}--") for t in thematiques or [] for c in categories)
    ]


def action_category_measurable(code: str) -> bool:
    return CER_ACTION_CATEGORIES[code][2] or bool(action_freins(code))


def _cer_valid_with_action(day, code: str) -> Exists:
    _, _, project_counts = CER_ACTION_CATEGORIES[code]
    about = Q(objectives__frein__category_id__in=action_freins(code))
    if project_counts:
        about |= Q(objectives__project__isnull=False)
    return Exists(
        Contract.objects.filter(
            about,
            notebook__person_id=OuterRef("pk"),
            contract_type__code__in=CER_CODES,
            starts_on__lte=day,
            ends_on__gte=day,
        )
    )


def _with_a_valid_cer_outside_france_travail(scope: Scope) -> Q:
    return _oriented_outside_france_travail(scope) & _cer_valid(scope)


for code, (label, _, _) in CER_ACTION_CATEGORIES.items():

    def with_action(scope: Scope, code=code) -> Exists:
        return _cer_valid_with_action(scope.end, code)

    share_indicator(
        code,
        Share(subject_base, _with_a_valid_cer_outside_france_travail, with_action),
        measure=Measure.STOCK,
        population=SUBJECT[:-1] + " orientées ce jour-là vers un organisme autre que France Travail et ayant un CER "
        "valide ce jour-là.",
        numerator=f"Parmi elles, celles dont un CER valide ce jour-là porte au moins une action visant {label}.",
        denominator="Personnes SDD orientées hors France Travail ayant un CER valide.",
    )
