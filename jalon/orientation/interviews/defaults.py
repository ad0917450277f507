"""The default orientation criteria: a starting point a Département rewrites to its own policy (the Landes plan
asks for it, A.5). The order matters on a tie, so the social obstacles come first: a person who can not yet
look for work should not be sent to France Travail because of a tie.

Weights: 3 for what usually decides on its own, 2 for a strong sign, 1 for a hint that only tips the balance.
"""

from dataclasses import dataclass

from jalon.intake.enums import DeclaredObstacle as O
from jalon.intake.enums import ProfessionalSituation as S
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T


@dataclass(frozen=True)
class DefaultCriterion:
    condition: str
    value: str
    proposed_type: str
    weight: int
    reason: str
    # A word of the name of the Département's dispositif to propose, if it has one of that type.
    dispositif_keyword: str = ""


DEFAULT_CRITERIA = [
    # Freins that come before any job search: an accompagnement social first.
    DefaultCriterion(C.OBSTACLE, O.HEALTH, T.SOCIAL, 3, "un problème de santé est à prendre en charge d'abord"),
    DefaultCriterion(C.OBSTACLE, O.HOUSING, T.SOCIAL, 3, "la situation de logement est à stabiliser"),
    DefaultCriterion(C.PROFESSIONAL_SITUATION, S.SICK_LEAVE, T.SOCIAL, 3, "la personne est en arrêt maladie"),
    DefaultCriterion(C.PROFESSIONAL_SITUATION, S.DISABILITY, T.SOCIAL, 3, "la personne est en invalidité"),
    DefaultCriterion(C.OBSTACLE, O.LANGUAGE, T.SOCIAL, 2, "la maîtrise du français est à travailler"),
    DefaultCriterion(C.OBSTACLE, O.FINANCIAL, T.SOCIAL, 1, "des difficultés financières sont à traiter"),
    DefaultCriterion(C.OBSTACLE, O.ADMINISTRATIVE, T.SOCIAL, 1, "des démarches administratives sont à régulariser"),
    # A parent raising children alone: the CAF's reference for single parents where the Département has one.
    DefaultCriterion(
        C.SINGLE_PARENT, "", T.SOCIAL, 2, "parent isolé : un accompagnement adapté", dispositif_keyword="monoparent"
    ),
    # Freins that can be lifted while building a path to work: socio-professionnel.
    DefaultCriterion(C.OBSTACLE, O.MOBILITY, T.SOCIO_PROFESSIONAL, 2, "la mobilité est à résoudre"),
    DefaultCriterion(C.OBSTACLE, O.FAMILY, T.SOCIO_PROFESSIONAL, 2, "la garde d'enfants est à organiser"),
    DefaultCriterion(C.NO_DRIVING_LICENCE, "", T.SOCIO_PROFESSIONAL, 1, "pas de permis de conduire"),
    DefaultCriterion(C.OBSTACLE, O.DIGITAL, T.SOCIO_PROFESSIONAL, 1, "les usages numériques sont à acquérir"),
    # The young go to the Mission locale.
    DefaultCriterion(
        C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, 3, "moins de 26 ans", dispositif_keyword="mission locale"
    ),
    # Long-term beneficiaries and long periods without work: a global approach (seed fiche 9, > 4 years).
    DefaultCriterion(
        C.MONTHS_IN_RSA_AT_LEAST,
        "48",
        T.SOCIO_PROFESSIONAL,
        2,
        "au RSA depuis 4 ans ou plus",
        dispositif_keyword="global",
    ),
    DefaultCriterion(C.MONTHS_SINCE_JOB_AT_LEAST, "24", T.SOCIO_PROFESSIONAL, 2, "sans emploi depuis 2 ans ou plus"),
    # Close to work: professionnel.
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.JOB_SEEKING,
        T.PROFESSIONAL,
        3,
        "la personne cherche un emploi",
        dispositif_keyword="france travail",
    ),
    DefaultCriterion(C.PROFESSIONAL_SITUATION, S.TRAINING, T.PROFESSIONAL, 3, "la personne est en formation"),
    DefaultCriterion(C.PROFESSIONAL_SITUATION, S.EMPLOYED, T.PROFESSIONAL, 2, "la personne travaille déjà"),
    DefaultCriterion(C.PROFESSIONAL_SITUATION, S.IAE, T.PROFESSIONAL, 2, "la personne est en parcours d'insertion"),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.SELF_EMPLOYED,
        T.PROFESSIONAL,
        2,
        "la personne a une activité indépendante",
        dispositif_keyword="creation",
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.BUILDING_PROJECT,
        T.PROFESSIONAL,
        2,
        "la personne construit un projet professionnel",
    ),
    DefaultCriterion(C.EXPRESSED_NEED, "emploi", T.PROFESSIONAL, 1, "la personne demande de l'aide pour l'emploi"),
    DefaultCriterion(C.EXPRESSED_NEED, "formation", T.PROFESSIONAL, 1, "la personne souhaite se former"),
]
