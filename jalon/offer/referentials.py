"""The data·inclusion v1 referentials, read from the pinned `data-inclusion-schema` package (decision 0004, 0011):
Jalon never copies the codes, it asks the package. Validators are deconstructible and name the referential, so
migrations do not freeze the lists either."""

from collections.abc import Iterable
from enum import Enum

import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


REFERENTIALS: dict[str, type[Enum]] = {
    "thematiques": v1.Thematique,
    "categories": v1.Categorie,
    "publics": v1.Public,
    "frais": v1.Frais,
    "types": v1.TypeService,
    "modes_accueil": v1.ModeAccueil,
    "modes_mobilisation": v1.ModeMobilisation,
    "mobilisable_par": v1.PersonneMobilisatrice,
    "reseaux_porteurs": v1.ReseauPorteur,
}

REFERENTIAL_LABELS = {
    "thematiques": "thématique",
    "categories": "catégorie de thématiques",
    "publics": "public",
    "frais": "frais",
    "types": "type de service",
    "modes_accueil": "mode d'accueil",
    "modes_mobilisation": "mode de mobilisation",
    "mobilisable_par": "« mobilisable par »",
    "reseaux_porteurs": "réseau porteur",
}

# data·inclusion's "whole country" values of zone_eligibilite: the word `france` or the INSEE country code of France.
NATIONAL_ZONE_CODES = ("france", "99100")

# The public that stands alone: data·inclusion refuses it next to other publics.
ALL_PUBLICS = v1.Public.TOUS_PUBLICS.value

# A thématique code is `<catégorie>--<sous-thématique>`.
THEMATIQUE_SEPARATOR = "--"


def codes(referential: str) -> set[str]:
    return {member.value for member in REFERENTIALS[referential]}


def label(referential: str, code: str) -> str:
    try:
        return REFERENTIALS[referential](code).label  # type: ignore[attr-defined]
    except ValueError:
        return code


def choices(referential: str) -> list[tuple[str, str]]:
    """(code, label) pairs for forms and the admin — computed at run time, never stored in a migration."""
    return sorted(
        ((member.value, member.label) for member in REFERENTIALS[referential]),  # type: ignore[attr-defined]
        key=lambda pair: pair[1],
    )


def thematiques_expand(values: Iterable[str]) -> list[str]:
    """Thématique codes matching the given codes: a category (`mobilite`) stands for all its sub-thématiques
    (`mobilite--…`); a full code stands for itself. Unknown codes raise a French ValidationError."""
    thematiques = codes("thematiques")
    categories = codes("categories")
    expanded: set[str] = set()
    unknown = []
    for value in values:
        if value in thematiques:
            expanded.add(value)
        elif value in categories:
            prefix = value + THEMATIQUE_SEPARATOR
            expanded.update(code for code in thematiques if code.startswith(prefix))
        else:
            unknown.append(value)
    if unknown:
        raise ValidationError(
            "Thématique inconnue du référentiel data·inclusion : %(codes)s.", params={"codes": ", ".join(unknown)}
        )
    return sorted(expanded)


@deconstructible
class CodeListValidator:
    """Checks that a JSON value is a list of distinct codes of one data·inclusion referential."""

    def __init__(self, referential: str):
        self.referential = referential

    def __call__(self, value):
        if value in (None, ""):
            return
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValidationError("Une liste de codes est attendue.", code="invalid")
        known = codes(self.referential)
        unknown = [code for code in value if code not in known]
        if unknown:
            raise ValidationError(
                "Code(s) inconnu(s) du référentiel data·inclusion (%(referential)s) : %(codes)s.",
                code="unknown_code",
                params={"referential": REFERENTIAL_LABELS[self.referential], "codes": ", ".join(unknown)},
            )
        if len(set(value)) != len(value):
            raise ValidationError("Un même code est donné deux fois.", code="duplicate")

    def __eq__(self, other):
        return isinstance(other, CodeListValidator) and other.referential == self.referential


@deconstructible
class CodeValidator:
    """Checks that a text value is a code of one data·inclusion referential."""

    def __init__(self, referential: str):
        self.referential = referential

    def __call__(self, value):
        if value and value not in codes(self.referential):
            raise ValidationError(
                "Code inconnu du référentiel data·inclusion (%(referential)s) : %(code)s.",
                code="unknown_code",
                params={"referential": REFERENTIAL_LABELS[self.referential], "code": value},
            )

    def __eq__(self, other):
        return isinstance(other, CodeValidator) and other.referential == self.referential


def validate_zone_eligibilite(value):
    """Each code is a commune (5 characters), an EPCI (SIREN, 9 digits), a département (2–3 characters), a country
    (99xxx) or `france` — the shapes the package accepts."""
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("Une liste de codes est attendue.", code="invalid")
    bad = [code for code in value if not _is_zone_code(code)]
    if bad:
        raise ValidationError(
            "Code de zone d'éligibilité invalide (commune, EPCI, département, pays ou « france ») : %(codes)s.",
            code="invalid_zone",
            params={"codes": ", ".join(bad)},
        )


def _is_zone_code(code: str) -> bool:
    if code == "france":
        return True
    if len(code) == 9:
        return code.isdigit()
    if len(code) == 5 or len(code) in (2, 3):
        return code.isalnum() and code.isascii()
    return False


def validate_publics(value):
    """« Tous publics » excludes the other publics (the package's rule, with Jalon's words)."""
    if value and ALL_PUBLICS in value and len(value) > 1:
        raise ValidationError(
            "« %(all)s » ne peut pas être combiné avec d'autres publics : choisissez soit « %(all)s », soit les "
            "publics visés.",
            code="all_publics_combined",
            params={"all": label("publics", ALL_PUBLICS)},
        )


_SCHEMA_EMAIL = pydantic.TypeAdapter(pydantic.EmailStr)


def validate_schema_email(value):
    """An e-mail address the schema accepts: stricter than Django's, it refuses the special-use domains (`.test`,
    `.local`, `.invalid`…) that no one can write to."""
    if not value:
        return
    try:
        _SCHEMA_EMAIL.validate_python(value)
    except pydantic.ValidationError as error:
        raise ValidationError(
            "Adresse e-mail refusée par le schéma data·inclusion : %(email)s (domaine réservé ou adresse invalide).",
            code="invalid_email",
            params={"email": value},
        ) from error
