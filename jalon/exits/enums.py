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
