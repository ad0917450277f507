from django.db import models


class IaeCategory(models.TextChoices):
    """The IAE exit typology (DGEFP « sorties dynamiques »), onto which every Département's type is mapped."""

    DURABLE = "durable", "emploi durable"
    TRANSITION = "transition", "emploi de transition"
    POSITIVE = "positive", "sortie positive"
    OTHER = "other", "autre sortie"


class EmploymentContract(models.TextChoices):
    """The contract held at the exit or at a checkpoint (the after-immersion review's list, made finer)."""

    CDI = "cdi", "CDI"
    CDD_LONG = "cdd_6_plus", "CDD ou intérim de 6 mois et plus"
    CDD_SHORT = "cdd_less_6", "CDD ou intérim de moins de 6 mois"
    AIDED = "pec", "contrat aidé (PEC)"
    SIAE = "siae", "contrat en SIAE"
    APPRENTICESHIP = "alternance", "alternance"
    SELF_EMPLOYED = "creation", "création ou reprise d'entreprise"
    OTHER = "other", "autre"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "à examiner"
    ACCEPTED = "accepted", "sortie enregistrée"
    DISMISSED = "dismissed", "écartée (le parcours continue)"


class RiskReason(models.TextChoices):
    OVERDUE = "overdue", "point de suivi en retard"
    TRIAL_RUPTURE = "trial_rupture", "rupture pendant la période d'essai"
    RUPTURE = "rupture", "rupture du contrat"
    EMPLOYER_ALERT = "employer_alert", "alerte de l'employeur"


class EmployerAssessment(models.TextChoices):
    """How the employer sees the integration, at a cross review (« bilan croisé ») or when raising an alert."""

    GOOD = "good", "intégration réussie"
    TO_CONSOLIDATE = "consolidate", "à consolider"
    DIFFICULT = "difficult", "difficultés"
    RUPTURE_CONSIDERED = "rupture", "rupture envisagée"


AT_RISK_ASSESSMENTS = (EmployerAssessment.DIFFICULT, EmployerAssessment.RUPTURE_CONSIDERED)


class EmployerConcern(models.TextChoices):
    ATTENDANCE = "attendance", "absences, retards"
    SKILLS = "skills", "compétences du poste"
    BEHAVIOUR = "behaviour", "savoir-être, relations dans l'équipe"
    HEALTH = "health", "santé"
    MOBILITY = "mobility", "mobilité, horaires"
    CHILDCARE = "childcare", "garde d'enfants"
    OTHER = "other", "autre"


class EmployerSupport(models.TextChoices):
    """What the employer puts in place to secure the integration (Pyrénées-Atlantiques fiche 9)."""

    SPONSOR = "sponsor", "parrainage, tutorat"
    INTEGRATION_PLAN = "plan", "plan d'intégration"
    INTENSIVE = "intensive", "suivi intensif"
    CROSS_REVIEWS = "reviews", "bilans croisés réguliers"
    ADJUSTMENT = "adjustment", "aménagement du poste ou des horaires"
