"""French labels of the coded values of the CAF/MSA "flux bénéficiaires RSA" (vrsb0801).

The schema (vrsb0801.xsd) declares every coded element as a plain string with a maximum length and carries no
enumeration: the labels below are the ones documented with the schema (README of the format: ETATDOSRSA 0-6,
ROLEPERS DEM/CJT/ENF, SEXE as in the NIR). The suspension and closure reasons follow the CAF's public
nomenclature (see jalon.people.rsa_codes, which the screens use too). Where no label is known the code is kept
and shown as such, never guessed.
"""

from jalon.people.rsa_codes import (  # noqa: F401 - re-exported for the flux tools
    CLOSURE_REASONS,
    SUSPENSION_REASONS,
    closure_reason_label,
    suspension_reason_label,
)


RIGHT_STATES: dict[int, str] = {
    0: "Demande en attente de décision",
    1: "Droit refusé",
    2: "Droit ouvert et versable",
    3: "Droit ouvert et suspendu",
    4: "Droit ouvert, versement suspendu",
    5: "Droit clos",
    6: "Droit clos sur un mois antérieur",
}

# ROLEPERS (Personne/Prestations/ROLEPERS)
ROLES: dict[str, str] = {
    "DEM": "Demandeur",
    "CJT": "Conjoint",
    "ENF": "Enfant",
}

# SEXE (Personne/Identification/SEXE): the first digit of the NIR.
SEXES: dict[str, str] = {
    "1": "Masculin",
    "2": "Féminin",
}


def right_state_label(state: int | str) -> str:
    try:
        return RIGHT_STATES[int(state)]
    except (KeyError, ValueError):
        return f"état {state}"


def role_label(code: str) -> str:
    code = (code or "").strip()
    return ROLES.get(code, f"rôle {code}" if code else "")


def sex_label(code: str) -> str:
    return SEXES.get((code or "").strip(), "")
