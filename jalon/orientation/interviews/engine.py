"""The orientation proposal: a Département's criteria applied to what is known of a person.

`proposal_compute` is pure (criteria and facts in, proposal out) so that every rule can be tested without a
database; `person_facts` gathers the facts of a person (DSP, household, RSA right) and `orientation_proposal`
puts the two together with the Département's active criteria.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from jalon.intake.enums import DeclaredObstacle, DrivingLicence, EducationLevel, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType
from jalon.people.enums import HouseholdRole


NO_MATCH = "aucun critère ne s'applique : à apprécier par le professionnel"

# Conditions compared with a number, and the unit that number is written in.
NUMBER_CONDITIONS = {
    C.MONTHS_IN_RSA_AT_LEAST: "mois",
    C.MONTHS_SINCE_JOB_AT_LEAST: "mois",
    C.MONTHS_SINCE_JOB_UNDER: "mois",
    C.AGE_UNDER: "ans",
    C.AGE_AT_LEAST: "ans",
}
# Conditions compared with a code of a référentiel.
CODE_CONDITIONS: dict[str, type[models.TextChoices]] = {
    C.OBSTACLE: DeclaredObstacle,
    C.PROFESSIONAL_SITUATION: ProfessionalSituation,
    C.EDUCATION_LEVEL: EducationLevel,
}
# Conditions that are true or false of the person and take no value.
FLAG_CONDITIONS = (C.NO_DRIVING_LICENCE, C.SINGLE_PARENT, C.QUALIFIED)
# "Formation qualifiante ou supérieure" in the arrêté du 21 novembre 2024: a CAP/BEP (level 3) or above.
QUALIFIED_LEVELS = frozenset(EducationLevel.values) - {EducationLevel.INFRA_3}
NUMBER_MAX = {"mois": 600, "ans": 120}
PARTNERS = (HouseholdRole.APPLICANT, HouseholdRole.PARTNER)
# The CAF flux's "autre personne à charge" is, in practice, a child the couple raises (nephew, grandchild…).
CHILDREN = (HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD)


@dataclass(frozen=True)
class Facts:
    """What the proposal may look at. None means unknown: a condition on an unknown fact does not hold."""

    obstacles: frozenset[str] = frozenset()
    # Those declared in the DSP, to tell the professional where an obstacle comes from.
    dsp_obstacles: frozenset[str] = frozenset()
    professional_situation: str = ""
    education_level: str = ""
    driving_licence: str = ""
    months_in_rsa: int | None = None
    months_since_job: int | None = None
    age: int | None = None
    single_parent: bool = False
    needs: str = ""


@dataclass(frozen=True)
class Match:
    criterion: Any  # an OrientationCriterion (saved or not: the engine does not touch the database)
    reason: str

    @property
    def orientation_type(self) -> str:
        return self.criterion.proposed_type

    @property
    def orientation_type_label(self) -> str:
        return OrientationType(self.criterion.proposed_type).label


@dataclass
class Proposal:
    orientation_type: str  # "" when no criterion applies: nothing is proposed
    dispositif: Any | None
    reasons: list[str]  # "proposé car : …", the matched criteria of the proposed type, in criterion order
    scores: dict[str, int]
    matches: list[Match] = field(default_factory=list)  # every matched criterion, whatever its type

    @property
    def is_empty(self) -> bool:
        return not self.orientation_type

    @property
    def orientation_type_label(self) -> str:
        return OrientationType(self.orientation_type).label if self.orientation_type else ""

    @property
    def other_matches(self) -> list[Match]:
        """Criteria that weighed for another type: the professional should see them too."""
        return [match for match in self.matches if match.orientation_type != self.orientation_type]

    @property
    def score_rows(self) -> list[tuple[str, int]]:
        return [(OrientationType(value).label, self.scores[value]) for value in OrientationType.values]

    @property
    def summary(self) -> str:
        if self.is_empty:
            return NO_MATCH
        text = f"orientation {self.orientation_type_label}"
        return f"{text} — {self.dispositif}" if self.dispositif is not None else text


# ---------------------------------------------------------------------------------------------------------------
# Values of the criteria


def plain_text(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.lower().split())


def _positive_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


def criterion_value_clean(condition: str, value: str) -> str:
    """The value stored for a condition (a code, a number, a keyword or nothing), or a French ValidationError
    on the `value` field. Codes may be typed as their label ("santé" for `sante`)."""
    value = (value or "").strip()
    if condition in FLAG_CONDITIONS:
        return ""  # nothing to compare with
    if condition in NUMBER_CONDITIONS:
        unit = NUMBER_CONDITIONS[C(condition)]
        number = _positive_int(value)
        if number is None or number > NUMBER_MAX[unit]:
            raise ValidationError(
                {"value": f"La valeur doit être un nombre entier positif ({unit}, au plus {NUMBER_MAX[unit]})."}
            )
        return str(number)
    if condition in CODE_CONDITIONS:
        choices = CODE_CONDITIONS[condition]
        label = C(condition).label
        for code, code_label in choices.choices:
            if value and plain_text(value) in (plain_text(code), plain_text(str(code_label))):
                return code
        known = ", ".join(f"{code} ({code_label})" for code, code_label in choices.choices)
        if not value:
            raise ValidationError({"value": f"Indiquez le code attendu pour « {label} » : {known}."})
        raise ValidationError({"value": f"« {value} » n'est pas un code connu pour « {label} ». Codes : {known}."})
    if condition == C.EXPRESSED_NEED:
        if not value:
            raise ValidationError({"value": "Indiquez le mot-clé à chercher dans les besoins exprimés."})
        return value
    raise ValidationError({"condition": "Choisissez une condition de la liste."})


def criterion_value_label(condition: str, value: str) -> str:
    """How a criterion's value reads on screen: "santé", "26 ans", "« formation »"."""
    if condition in CODE_CONDITIONS:
        choices = CODE_CONDITIONS[condition]
        return str(choices(value).label) if value in choices.values else value
    if condition in NUMBER_CONDITIONS:
        return f"{value} {NUMBER_CONDITIONS[C(condition)]}"
    if condition == C.EXPRESSED_NEED:
        return f"« {value} »"
    return "—"


# ---------------------------------------------------------------------------------------------------------------
# The rules


def _label(choices: type[models.TextChoices], code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _match_detail(criterion, facts: Facts) -> str | None:
    """What made the criterion hold for these facts (shown after its reason), or None when it does not hold.
    A criterion whose value is not valid never holds."""
    condition, value = criterion.condition, (criterion.value or "").strip()
    if condition == C.OBSTACLE:
        if value not in facts.obstacles:
            return None
        where = (
            "déclaré dans les DSP et retenu au diagnostic" if value in facts.dsp_obstacles else "retenu au diagnostic"
        )
        return f"frein « {_label(DeclaredObstacle, value)} » {where}"
    if condition == C.PROFESSIONAL_SITUATION:
        if not value or facts.professional_situation != value:
            return None
        return f"situation : {_label(ProfessionalSituation, value)}"
    if condition == C.EDUCATION_LEVEL:
        if not value or facts.education_level != value:
            return None
        return f"niveau de formation : {_label(EducationLevel, value)}"
    if condition == C.QUALIFIED:
        if facts.education_level not in QUALIFIED_LEVELS:
            return None
        return f"niveau de formation : {_label(EducationLevel, facts.education_level)}"
    if condition == C.NO_DRIVING_LICENCE:
        if facts.driving_licence not in (DrivingLicence.NONE, DrivingLicence.IN_PROGRESS):
            return None
        return _label(DrivingLicence, facts.driving_licence)
    if condition == C.SINGLE_PARENT:
        return "foyer avec enfant(s) à charge, sans conjoint" if facts.single_parent else None
    if condition == C.EXPRESSED_NEED:
        keyword = plain_text(value)
        # At the start of a word: "formation" finds "une formation qualifiante", not "une information".
        if not keyword or not re.search(rf"\b{re.escape(keyword)}", plain_text(facts.needs)):
            return None
        return f"« {value} » dans les besoins exprimés"
    number = _positive_int(value)
    if number is None:
        return None
    if condition == C.MONTHS_IN_RSA_AT_LEAST:
        months = facts.months_in_rsa
        return f"{months} mois dans le RSA" if months is not None and months >= number else None
    if condition == C.MONTHS_SINCE_JOB_AT_LEAST:
        months = facts.months_since_job
        return f"sans emploi depuis {months} mois" if months is not None and months >= number else None
    if condition == C.MONTHS_SINCE_JOB_UNDER:
        months = facts.months_since_job
        return f"dernier emploi il y a {months} mois" if months is not None and months < number else None
    if condition == C.AGE_UNDER:
        return f"{facts.age} ans" if facts.age is not None and facts.age < number else None
    if condition == C.AGE_AT_LEAST:
        return f"{facts.age} ans" if facts.age is not None and facts.age >= number else None
    return None


def proposal_compute(criteria: Iterable, facts: Facts) -> Proposal:
    """Apply the criteria, in their order, to the facts. Each criterion that holds adds its weight to its type;
    the highest score wins, a tie going to the type whose first matching criterion comes first. The dispositif
    is that of the strongest matching criterion of the winning type that names an active one (the first of
    them on a tie). Inactive criteria are ignored."""
    scores = dict.fromkeys(OrientationType.values, 0)
    matches: list[Match] = []
    first_match: dict[str, int] = {}
    for criterion in criteria:
        if not criterion.is_active or criterion.proposed_type not in scores:
            continue
        detail = _match_detail(criterion, facts)
        if detail is None:
            continue
        scores[criterion.proposed_type] += criterion.weight
        first_match.setdefault(criterion.proposed_type, len(matches))
        matches.append(Match(criterion=criterion, reason=f"{criterion.reason} ({detail})"))
    if not matches:
        return Proposal(orientation_type="", dispositif=None, reasons=[], scores=scores, matches=[])
    winner = min(first_match, key=lambda kind: (-scores[kind], first_match[kind]))
    winning = [match for match in matches if match.orientation_type == winner]
    with_dispositif = [
        match
        for match in winning
        if match.criterion.proposed_dispositif is not None and match.criterion.proposed_dispositif.is_active
    ]
    # max() keeps the first of equal weights: the criterion order breaks the tie.
    strongest = max(with_dispositif, key=lambda match: match.criterion.weight, default=None)
    return Proposal(
        orientation_type=winner,
        dispositif=strongest.criterion.proposed_dispositif if strongest else None,
        reasons=[match.reason for match in winning],
        scores=scores,
        matches=matches,
    )


# ---------------------------------------------------------------------------------------------------------------
# The facts of a person


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (0 if end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def clean_obstacles(obstacles: Iterable[str]) -> list[str]:
    """The obstacle codes, in the référentiel's order, without duplicates; an unknown code is refused."""
    given = set(obstacles)
    unknown = given - set(DeclaredObstacle.values)
    if unknown:
        raise ValidationError({"obstacles": "Frein inconnu : choisissez parmi les freins proposés."})
    return [code for code in DeclaredObstacle.values if code in given]


def person_facts(*, person, obstacles: Iterable[str], needs: str, today: date | None = None) -> Facts:
    """The facts of a person for the proposal: the obstacles retained at the interview (the DSP's are only the
    starting point), the DSP, age, RSA seniority from their current household's right, single parent. Three
    small queries at most."""
    from jalon.intake.models import SocioProfessionalData
    from jalon.people.models import HouseholdMember

    today = today or timezone.localdate()
    try:
        dsp = person.dsp
    except SocioProfessionalData.DoesNotExist:
        dsp = None
    link = (
        HouseholdMember.objects.current()
        .filter(person_id=person.pk)
        .select_related("household__right")
        .order_by("-joined_on", "-pk")
        .first()
    )
    months_in_rsa, single_parent = None, False
    if link is not None:
        right = getattr(link.household, "right", None)
        started = (right.opening_date or right.request_date) if right is not None else None
        months_in_rsa = months_between(started, today) if started else None
        if link.role in PARTNERS:
            others = set(
                HouseholdMember.objects.current()
                .filter(household_id=link.household_id)
                .exclude(person_id=person.pk)
                .values_list("role", flat=True)
            )
            single_parent = bool(others & set(CHILDREN)) and not others & set(PARTNERS)
    last_job_end = dsp.last_job_end_date if dsp else None
    return Facts(
        obstacles=frozenset(clean_obstacles(obstacles)),
        dsp_obstacles=frozenset((dsp.declared_obstacles or []) if dsp else []),
        professional_situation=dsp.professional_situation if dsp else "",
        education_level=dsp.education_level if dsp else "",
        driving_licence=dsp.driving_licence if dsp else "",
        months_in_rsa=months_in_rsa,
        months_since_job=months_between(last_job_end, today) if last_job_end else None,
        age=age_on(person.birth_date, today) if person.birth_date else None,
        single_parent=single_parent,
        needs=needs or "",
    )


def active_criteria(*, departement_id) -> Sequence:
    from jalon.orientation.models import OrientationCriterion

    return list(
        OrientationCriterion.objects.filter(departement_id=departement_id, is_active=True)
        .select_related("proposed_dispositif")
        .order_by("position", "id")
    )


def orientation_proposal(*, person, obstacles: list[str], needs: str, today: date | None = None) -> Proposal:
    """The proposal for a person from their Département's active criteria, the obstacles retained at the
    interview and the needs they expressed."""
    return orientation_proposal_with_facts(person=person, obstacles=obstacles, needs=needs, today=today)[0]


def orientation_proposal_with_facts(
    *, person, obstacles: list[str], needs: str, today: date | None = None
) -> tuple[Proposal, Facts]:
    """The proposal and the facts it was computed from, for the screens that show both."""
    facts = person_facts(person=person, obstacles=obstacles, needs=needs, today=today)
    return proposal_compute(active_criteria(departement_id=person.departement_id), facts), facts


def facts_rows(facts: Facts) -> list[tuple[str, str]]:
    """What the proposal knows of the person, as (label, value) rows for the screens."""

    def months(value: int | None) -> str:
        return "inconnue" if value is None else f"{value} mois"

    def obstacles(codes: frozenset[str]) -> str:
        return (
            ", ".join(_label(DeclaredObstacle, code) for code in DeclaredObstacle.values if code in codes) or "aucun"
        )

    return [
        ("Freins retenus", obstacles(facts.obstacles)),
        ("Freins déclarés dans les DSP", obstacles(facts.dsp_obstacles)),
        ("Âge", "inconnu" if facts.age is None else f"{facts.age} ans"),
        ("Ancienneté dans le RSA", months(facts.months_in_rsa)),
        ("Situation professionnelle", _label(ProfessionalSituation, facts.professional_situation) or "non renseignée"),
        ("Niveau de formation", _label(EducationLevel, facts.education_level) or "non renseigné"),
        ("Permis de conduire", _label(DrivingLicence, facts.driving_licence) or "non renseigné"),
        (
            "Sans emploi depuis",
            "date de fin du dernier emploi inconnue"
            if facts.months_since_job is None
            else months(facts.months_since_job),
        ),
        ("Parent isolé", "oui" if facts.single_parent else "non"),
    ]
