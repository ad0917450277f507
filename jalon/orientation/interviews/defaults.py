"""The default orientation criteria: the national criteria of the arrêté du 21 novembre 2024 (JORF 6 décembre
2024), approved after the Comité national pour l'emploi of 7 November 2024 (art. L. 5411-5-1 of the code du
travail). Decision 0034 gives the sources. Each Département adapts them to its own policy, every change traced.

The arrêté has four categories of criteria (situation vis-à-vis employment, qualification, aspirations,
difficulties) and three paths: professionnel (« parcours emploi »), socio-professionnel (« parcours global ») and
social (« parcours préalable à vocation d'insertion sociale »). Its decision chart looks first at an activity at
registration or in the last two years, then at the capacity to project oneself into work, then at how strongly the
difficulties weigh. A weighted list can only approach a chart: an activity in the last two years weighs 3 for the
professional path, each strong difficulty 3 for the social one, so that several difficulties outweigh a recent
activity. The order matters on a tie, so the difficulties come first: a person who can not yet look for work
should not be sent to France Travail because of a tie.

The organisme référent follows the arrêté's summary table for RSA beneficiaries, where the engine can: a word of
the name of the Département's dispositif of that path (France Travail for the employment path, the « accompagnement
global » for the socio-professional one, the Département's social service for the social one, the mission locale
for the young).
"""

from dataclasses import dataclass

from jalon.intake.enums import DeclaredObstacle as O
from jalon.intake.enums import EducationLevel as E
from jalon.intake.enums import ProfessionalSituation as S
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T


# The arrêté's categories of criteria (premier alinéa du III de l'article L. 5411-5-1 du code du travail).
SITUATION = "situation au regard de l'emploi"
QUALIFICATION = "niveau de qualification"
ASPIRATIONS = "aspirations"
DIFFICULTIES = "difficultés"

LEGAL_REFERENCE = "arrêté du 21 novembre 2024 (critères d'orientation, art. L. 5411-5-1 du code du travail)"


@dataclass(frozen=True)
class DefaultCriterion:
    condition: str
    value: str
    proposed_type: str
    weight: int
    reason: str
    # A word of the name of the Département's dispositif to propose, if it has one of that type.
    dispositif_keyword: str = ""
    category: str = ""


DEFAULT_CRITERIA = [
    # Difficulties that temporarily prevent a job search: the social path first.
    DefaultCriterion(
        C.OBSTACLE,
        O.HEALTH,
        T.SOCIAL,
        3,
        "un problème de santé est à prendre en charge d'abord",
        "social",
        DIFFICULTIES,
    ),
    DefaultCriterion(
        C.OBSTACLE, O.HOUSING, T.SOCIAL, 3, "la situation de logement est à stabiliser", "social", DIFFICULTIES
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION, S.SICK_LEAVE, T.SOCIAL, 3, "la personne est en arrêt maladie", "social", DIFFICULTIES
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.FAMILY_CARER,
        T.SOCIAL,
        2,
        "la personne est proche aidante",
        "social",
        DIFFICULTIES,
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION, S.DISABILITY, T.SOCIAL, 2, "la personne est en invalidité", "social", DIFFICULTIES
    ),
    DefaultCriterion(
        C.OBSTACLE, O.FINANCIAL, T.SOCIAL, 1, "des difficultés financières sont à traiter", "", DIFFICULTIES
    ),
    DefaultCriterion(
        C.OBSTACLE, O.ADMINISTRATIVE, T.SOCIAL, 1, "des démarches administratives sont à régulariser", "", DIFFICULTIES
    ),
    # Difficulties that weigh on the search but can be lifted along the way: the socio-professional path.
    DefaultCriterion(
        C.OBSTACLE, O.MOBILITY, T.SOCIO_PROFESSIONAL, 2, "la mobilité est à résoudre", "global", DIFFICULTIES
    ),
    DefaultCriterion(
        C.OBSTACLE, O.FAMILY, T.SOCIO_PROFESSIONAL, 2, "la garde d'enfants est à organiser", "global", DIFFICULTIES
    ),
    DefaultCriterion(
        C.OBSTACLE, O.LANGUAGE, T.SOCIO_PROFESSIONAL, 2, "la maîtrise du français est à travailler", "", DIFFICULTIES
    ),
    DefaultCriterion(
        C.OBSTACLE, O.DIGITAL, T.SOCIO_PROFESSIONAL, 1, "les usages numériques sont à acquérir", "", DIFFICULTIES
    ),
    # Situation vis-à-vis employment.
    DefaultCriterion(C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, 2, "moins de 26 ans", "mission locale", SITUATION),
    DefaultCriterion(
        C.MONTHS_SINCE_JOB_AT_LEAST,
        "24",
        T.SOCIO_PROFESSIONAL,
        2,
        "sans activité professionnelle depuis deux ans ou plus",
        "global",
        SITUATION,
    ),
    DefaultCriterion(
        C.MONTHS_SINCE_JOB_UNDER,
        "24",
        T.PROFESSIONAL,
        3,
        "activité professionnelle dans les deux dernières années",
        "france travail",
        SITUATION,
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.EMPLOYED,
        T.PROFESSIONAL,
        3,
        "la personne travaille déjà",
        "france travail",
        SITUATION,
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.SELF_EMPLOYED,
        T.PROFESSIONAL,
        2,
        "la personne a une activité indépendante",
        "creation",
        SITUATION,
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION, S.IAE, T.PROFESSIONAL, 2, "la personne est en parcours d'insertion", "", SITUATION
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION, S.TRAINING, T.PROFESSIONAL, 2, "la personne est en formation", "", SITUATION
    ),
    # Qualification: with or without a qualifying or higher training.
    DefaultCriterion(C.QUALIFIED, "", T.PROFESSIONAL, 1, "formation qualifiante ou supérieure", "", QUALIFICATION),
    DefaultCriterion(
        C.EDUCATION_LEVEL, E.INFRA_3, T.SOCIO_PROFESSIONAL, 1, "sans formation qualifiante", "", QUALIFICATION
    ),
    # Aspirations: a quick return to work, or a project still to build.
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.JOB_SEEKING,
        T.PROFESSIONAL,
        2,
        "la personne cherche un emploi",
        "france travail",
        ASPIRATIONS,
    ),
    DefaultCriterion(
        C.EXPRESSED_NEED,
        "emploi",
        T.PROFESSIONAL,
        1,
        "la personne souhaite un retour rapide à l'emploi",
        "",
        ASPIRATIONS,
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.BUILDING_PROJECT,
        T.SOCIO_PROFESSIONAL,
        2,
        "le projet professionnel est à construire",
        "global",
        ASPIRATIONS,
    ),
    DefaultCriterion(
        C.EXPRESSED_NEED, "formation", T.SOCIO_PROFESSIONAL, 1, "la personne souhaite se former", "", ASPIRATIONS
    ),
    DefaultCriterion(
        C.PROFESSIONAL_SITUATION,
        S.NOT_SEEKING,
        T.SOCIAL,
        1,
        "la personne ne se projette pas encore dans une recherche d'emploi",
        "",
        ASPIRATIONS,
    ),
]
