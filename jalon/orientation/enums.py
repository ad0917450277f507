from django.db import models


class OrientationType(models.TextChoices):
    PROFESSIONAL = "professionnel", "professionnelle"
    SOCIO_PROFESSIONAL = "socio_professionnel", "socio-professionnelle"
    SOCIAL = "social", "sociale"


class PersonAgreement(models.TextChoices):
    AGREED = "accord", "d'accord"
    DISAGREED = "desaccord", "pas d'accord"
    NOT_ASKED = "non_recueilli", "avis non recueilli"


class SessionKind(models.TextChoices):
    CELL = "cellule", "cellule d'orientation"
    COLLECTIVE_INFORMATION = "info_collective", "information collective"
    INDIVIDUAL_INTERVIEW = "entretien", "entretien individuel"


class SessionMode(models.TextChoices):
    IN_PERSON = "sur_place", "sur place"
    PHONE = "telephone", "par téléphone"


class SessionStage(models.TextChoices):
    """The steps of an orientation cell (Pyrénées-Atlantiques fiche 1), in order."""

    PREPARATION = "preparation", "préparation"
    WELCOME = "accueil", "accueil"
    COLLECTIVE = "collectif", "temps collectif"
    INTERVIEWS = "entretiens", "entretiens individuels"
    PROPOSALS = "propositions", "propositions d'orientation"
    CLOSED = "cloture", "clôturée"

    @classmethod
    def following(cls, stage: str) -> "SessionStage | None":
        stages = list(cls)
        index = stages.index(cls(stage))
        return stages[index + 1] if index + 1 < len(stages) else None


class InvitationKind(models.TextChoices):
    INVITATION = "invitation", "invitation"
    CONVOCATION = "convocation", "convocation"


class InvitationResponse(models.TextChoices):
    NONE = "sans_reponse", "sans réponse"
    CONFIRMED = "confirme", "présence confirmée"
    DECLINED = "decline", "ne viendra pas"
    OTHER_SLOT = "autre_creneau", "demande un autre créneau"


class Attendance(models.TextChoices):
    PRESENT = "present", "présent"
    EXCUSED = "excuse", "excusé"
    ABSENT = "absent", "absent"


class AbsenceFollowUp(models.TextChoices):
    NEW_INVITATION = "nouvelle_invitation", "nouvelle invitation"
    CONVOCATION = "convocation", "convocation"
    SIGNAL = "signalement", "signalement à l'équipe pluridisciplinaire"
    NONE = "aucune", "aucune suite"


class CriterionCondition(models.TextChoices):
    """What an orientation criterion looks at; `value` gives the code or the number it is compared with."""

    OBSTACLE = "frein", "frein identifié (DSP ou diagnostic)"
    PROFESSIONAL_SITUATION = "situation", "situation professionnelle"
    EDUCATION_LEVEL = "formation", "niveau de formation"
    QUALIFIED = "qualifie", "formation qualifiante ou supérieure (CAP, BEP et plus)"
    NO_DRIVING_LICENCE = "sans_permis", "sans permis de conduire"
    MONTHS_IN_RSA_AT_LEAST = "anciennete_rsa", "ancienneté dans le RSA (mois) d'au moins"
    MONTHS_SINCE_JOB_AT_LEAST = "sans_emploi_depuis", "sans emploi depuis (mois) au moins"
    MONTHS_SINCE_JOB_UNDER = "emploi_il_y_a_moins_de", "dernier emploi il y a moins de (mois)"
    AGE_UNDER = "age_moins_de", "âge inférieur à"
    AGE_AT_LEAST = "age_au_moins", "âge d'au moins"
    SINGLE_PARENT = "parent_isole", "parent isolé"
    EXPRESSED_NEED = "besoin_exprime", "besoin exprimé à l'auto-positionnement (mot-clé)"


class ReorientationStatus(models.TextChoices):
    REQUESTED = "demandee", "demandée"
    SCHEDULED = "inscrite", "inscrite à l'ordre du jour d'une EPL"
    ACCEPTED = "acceptee", "acceptée"
    REFUSED = "refusee", "refusée"
    WITHDRAWN = "retiree", "retirée"


class DelayStep(models.TextChoices):
    """The steps whose delay is watched, from the opening of the right."""

    INVITATION = "invitation", "première invitation"
    ORIENTATION = "orientation", "orientation"
    FIRST_APPOINTMENT = "premier_rdv", "premier rendez-vous avec le référent"
    CONTRACT = "contrat", "contrat d'engagement"
    JOINT_DIAGNOSTIC = "diagnostic_conjoint", "diagnostic conjoint du parcours social"
    TRANSITION = "transition", "contrat d'engagement des personnes accompagnées avant 2025"


class JointDiagnosticExtension(models.TextChoices):
    """The particular difficulties that bring the joint diagnostic of the social path from six to twelve months
    (art. D. 262-65-2-1 CASF)."""

    HEALTH = "sante", "santé"
    DISABILITY = "handicap", "handicap"
    INVALIDITY = "invalidite", "invalidité"
    HOUSING = "logement", "logement"
    CHILDCARE = "garde_enfant", "garde d'enfant"
    CAREGIVER = "proche_aidant", "proche aidant"


class JointDiagnosticOutcome(models.TextChoices):
    STAY_SOCIAL = "maintien", "maintien dans le parcours social"
    REORIENTATION = "reorientation", "réorientation vers un parcours professionnel ou socio-professionnel"


class LongTermTypology(models.TextChoices):
    """The Landes study's typology of long-term beneficiaries."""

    DISAPPOINTED = "decu", "déçu"
    RESIGNED = "resigne", "résigné"
    MOBILISED = "mobilise", "mobilisé"
    OTHER = "autre", "autre"


class LongTermConsequence(models.TextChoices):
    REORIENTATION = "reorientation", "réorientation"
    COMPLEX_CASES = "cas_complexes", "référence « cas complexes »"
    COLLECTIVE_ACTION = "action_collective", "action collective"
    CONTINUE = "maintien", "maintien de l'accompagnement"


# How an exit of the path ends the orientation (`exits` writes it): such a person is out of the path until the exit is
# reopened or a new right is requested, and does not wait in the orientation queue.
EXIT_END_REASON = "sortie de parcours"
