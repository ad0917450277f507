"""The typology every Département starts from, in the plans' words, and who counts what as positive.

The Pyrénées-Atlantiques plan (axe 4, fiche 4) counts as « sorties positives » a CDI, a CDD of more than six months
and an entry into training, and as « autres » a CDD of less than six months or an SIAE. The Landes plan (A.3, A.5)
does not define them: it starts from the IAE « sorties dynamiques » (emploi durable, de transition, sortie positive),
which is also the default of any other Département. Each Département edits its types and publishes new versions of
its rule afterwards; these are only the first version.
"""

import datetime

from jalon.exits.enums import EmploymentContract, IaeCategory


# code, label, IAE category, exit to employment (opens the follow-up), contract it usually means
DEFAULT_TYPES: tuple[tuple[str, str, str, bool, str], ...] = (
    ("cdi", "CDI", IaeCategory.DURABLE, True, EmploymentContract.CDI),
    ("cdd_6_plus", "CDD ou intérim de 6 mois et plus", IaeCategory.DURABLE, True, EmploymentContract.CDD_LONG),
    ("creation", "Création ou reprise d'entreprise", IaeCategory.DURABLE, True, EmploymentContract.SELF_EMPLOYED),
    ("formation", "Entrée en formation qualifiante", IaeCategory.POSITIVE, False, ""),
    ("cdd_less_6", "CDD ou intérim de moins de 6 mois", IaeCategory.TRANSITION, True, EmploymentContract.CDD_SHORT),
    ("pec", "Contrat aidé (PEC)", IaeCategory.TRANSITION, True, EmploymentContract.AIDED),
    # An RSA beneficiary hired by an SIAE starts an insertion contract: emploi de transition (the IAE's own
    # « sortie positive » is a move from one SIAE to another, which is not this).
    (
        "siae",
        "Embauche en SIAE (insertion par l'activité économique)",
        IaeCategory.TRANSITION,
        True,
        EmploymentContract.SIAE,
    ),
    ("demenagement", "Déménagement hors du département", IaeCategory.OTHER, False, ""),
    ("fin_droit", "Fin de droit sans solution", IaeCategory.OTHER, False, ""),
    ("retraite", "Départ à la retraite", IaeCategory.OTHER, False, ""),
    ("sante", "Raisons de santé (invalidité, AAH)", IaeCategory.OTHER, False, ""),
    ("perdu_de_vue", "Perdu de vue", IaeCategory.OTHER, False, ""),
    ("refus", "Refus de l'accompagnement", IaeCategory.OTHER, False, ""),
    ("deces", "Décès", IaeCategory.OTHER, False, ""),
    ("autre", "Autre sortie", IaeCategory.OTHER, False, ""),
)

CONTRACT_BY_TYPE = {code: contract for code, _, _, _, contract in DEFAULT_TYPES}

IAE_DYNAMIC = [code for code, _, category, _, _ in DEFAULT_TYPES if category != IaeCategory.OTHER]
POSITIVE_BY_DEPARTEMENT: dict[str, list[str]] = {
    "64": ["cdi", "cdd_6_plus", "creation", "formation"],
}

# The first rule covers the whole history: exits recorded for past dates are classified too.
FIRST_RULE_FROM = datetime.date(2000, 1, 1)


def default_positive_codes(departement_code: str) -> list[str]:
    return list(POSITIVE_BY_DEPARTEMENT.get(departement_code, IAE_DYNAMIC))
