"""The NAF rév. 2 referential (INSEE), read from the pinned npm package @socialgouv/codes-naf: its 732 sub-classes
(« 10.51A ») are the codes an establishment carries in SIRENE; the sections, divisions, groups and classes name
them."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError


NAF_PACKAGE_FILE = Path("@socialgouv") / "codes-naf" / "index.json"
NAF_INVALID = "Ce code NAF n'existe pas dans la nomenclature NAF rév. 2 de l'INSEE (forme attendue : 56.10A)."


@cache
def naf_codes() -> dict[str, str]:
    """Every level of the nomenclature, code -> label."""
    path = Path(settings.NODE_MODULES_DIR) / NAF_PACKAGE_FILE
    return {entry["id"]: entry["label"] for entry in json.loads(path.read_text(encoding="utf-8"))}


def subclasses() -> dict[str, str]:
    """The codes an establishment carries (« 56.10A »)."""
    return {code: label for code, label in naf_codes().items() if len(code) == 6}


def normalise_naf(value: str) -> str:
    """« 5610a », « 56.10 A » → « 56.10A »."""
    compact = "".join(value.split()).replace(".", "").upper()
    return f"{compact[:2]}.{compact[2:]}" if len(compact) == 5 else value.strip().upper()


def validate_naf(value: str) -> None:
    if value not in subclasses():
        raise ValidationError(NAF_INVALID, code="invalid")


def naf_label(code: str) -> str:
    return naf_codes().get(code, "")


def division_label(code: str) -> str:
    """The division (« 56 », restauration) of a sub-class, for grouping employers by sector."""
    return naf_codes().get(code[:2], "")
