"""The segments of a person at a date, as SQL expressions, so that the engine groups a population by them in the
query itself. The Landes « profils-types » are derived from four of them in Python (`profile_of`)."""

from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from jalon.core.periods import add_months
from jalon.observatory.enums import Dimension
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation
from jalon.people.enums import HouseholdRole
from jalon.people.models import HouseholdMember


AGE_BANDS = [  # (code, label, minimum age in years)
    ("moins_25", "moins de 25 ans", 0),
    ("25_29", "25 à 29 ans", 25),
    ("30_39", "30 à 39 ans", 30),
    ("40_49", "40 à 49 ans", 40),
    ("50_59", "50 à 59 ans", 50),
    ("60_plus", "60 ans et plus", 60),
]
SENIORITY_BANDS = [  # (code, label, minimum seniority in months) — DREES' three bands, and the Landes' 4 years
    ("moins_6_mois", "moins de 6 mois", 0),
    ("6_12_mois", "6 mois à moins d'un an", 6),
    ("1_4_ans", "1 an à moins de 4 ans", 12),
    ("4_ans_plus", "4 ans et plus", 48),
]
HOUSEHOLDS = [
    ("seul", "personne seule sans enfant"),
    ("seul_enfants", "personne seule avec enfant(s)"),
    ("couple", "couple sans enfant"),
    ("couple_enfants", "couple avec enfant(s)"),
]
SEXES = [("F", "femmes"), ("H", "hommes"), ("inconnu", "sexe non renseigné")]
UNKNOWN = "inconnu"


def _member_at(day: date, **filters):
    """Household memberships in force on `day` (`joined_on` is when Jalon learned of one, so only the end counts)."""
    return HouseholdMember.objects.filter(Q(left_on=None) | Q(left_on__gt=day), **filters).order_by(
        "-joined_on", "-pk"
    )


def _orientation_at(day: date, prefix: str):
    return Orientation.objects.filter(
        Q(ended_on=None) | Q(ended_on__gt=day), person_id=OuterRef(f"{prefix}pk"), decided_on__lte=day
    ).order_by("-decided_on", "-pk")


def _bands(field: str, bands, cutoff) -> Case:
    """The band of a date field: the first band (from the oldest) whose cutoff the date is on or before."""
    whens = [When(**{f"{field}__lte": cutoff(minimum)}, then=Value(code)) for code, _, minimum in reversed(bands)]
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def segment_expressions(day: date, prefix: str = "") -> dict:
    """For a queryset whose rows lead to a person through `prefix` (e.g. "person__"), the expressions that give
    that person's segments on `day`, keyed by the dimension's value."""
    household = Subquery(_member_at(day, person_id=OuterRef(f"{prefix}pk")).values("household_id")[:1])
    opened_on = Subquery(
        _member_at(day, person_id=OuterRef(f"{prefix}pk")).values("household__right__opening_date")[:1]
    )
    return {
        Dimension.SEX: Case(
            When(**{f"{prefix}sex": "2"}, then=Value("F")),
            When(**{f"{prefix}sex": "1"}, then=Value("H")),
            default=Value(UNKNOWN),
            output_field=CharField(),
        ),
        Dimension.AGE_BAND: _bands(f"{prefix}birth_date", AGE_BANDS, lambda years: add_months(day, -12 * years)),
        "hh": household,
        "opened": opened_on,
        Dimension.ORIENTATION_TYPE: Coalesce(
            Subquery(_orientation_at(day, prefix).values("orientation_type")[:1]), Value("non_oriente")
        ),
        Dimension.DISPOSITIF: Coalesce(
            Subquery(_orientation_at(day, prefix).values("dispositif__name")[:1]), Value("sans dispositif")
        ),
    }


def second_level_expressions(day: date, prefix: str) -> dict:
    """Expressions on the first level's annotations (`hh`, `opened`), annotated as `{prefix}hh`
    and `{prefix}opened`."""
    household, opened_on = f"{prefix}hh", f"{prefix}opened"
    partner = Exists(_member_at(day, household_id=OuterRef(household), role=HouseholdRole.PARTNER))
    child = Exists(
        _member_at(day, household_id=OuterRef(household), role__in=[HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD])
    )
    return {
        Dimension.HOUSEHOLD: Case(
            When(**{household: None}, then=Value(UNKNOWN)),
            When(partner & child, then=Value("couple_enfants")),
            When(partner, then=Value("couple")),
            When(child, then=Value("seul_enfants")),
            default=Value("seul"),
            output_field=CharField(),
        ),
        Dimension.SENIORITY: _bands(opened_on, SENIORITY_BANDS, lambda months: add_months(day, -months)),
    }


def profile_of(segments: dict) -> str:
    """The Landes profil-type (sexe × seul/couple × moins/plus de 50 ans × moins/plus de 4 ans de RSA)."""
    sex, household = segments[Dimension.SEX], segments[Dimension.HOUSEHOLD]
    age, seniority = segments[Dimension.AGE_BAND], segments[Dimension.SENIORITY]
    if UNKNOWN in (sex, household, age, seniority):
        return UNKNOWN
    couple = "couple" if household.startswith("couple") else "seul"
    over_50 = "50_plus" if age in ("50_59", "60_plus") else "moins_50"
    long_term = "4_ans_plus" if seniority == "4_ans_plus" else "moins_4_ans"
    return f"{sex}-{couple}-{over_50}-{long_term}"


def profile_label(code: str) -> str:
    if code == UNKNOWN:
        return "profil non déterminé"
    sex, couple, age, seniority = code.split("-")
    return (
        f"{'femme' if sex == 'F' else 'homme'}, {'en couple' if couple == 'couple' else 'seul(e)'}, "
        f"{'50 ans et plus' if age == '50_plus' else 'moins de 50 ans'}, "
        f"{'4 ans et plus de RSA' if seniority == '4_ans_plus' else 'moins de 4 ans de RSA'}"
    )


SEGMENT_LABELS = {
    Dimension.SEX: dict(SEXES),
    Dimension.AGE_BAND: {code: label for code, label, _ in AGE_BANDS},
    Dimension.HOUSEHOLD: dict(HOUSEHOLDS),
    Dimension.SENIORITY: {code: label for code, label, _ in SENIORITY_BANDS},
}


def segment_label(dimension: str, code: str) -> str:
    if dimension == Dimension.PROFILE:
        return profile_label(code)
    if dimension == Dimension.ORIENTATION_TYPE:
        return dict(OrientationType.choices).get(code, "non orienté")
    if code == UNKNOWN:
        return "non renseigné"
    return SEGMENT_LABELS.get(dimension, {}).get(code, code)


BASE_DIMENSIONS = (
    Dimension.SEX,
    Dimension.AGE_BAND,
    Dimension.HOUSEHOLD,
    Dimension.SENIORITY,
    Dimension.ORIENTATION_TYPE,
    Dimension.DISPOSITIF,
)
PERSON_DIMENSIONS = (*BASE_DIMENSIONS, Dimension.PROFILE)
