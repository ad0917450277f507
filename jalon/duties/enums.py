from django.db import models


class Duty(models.TextChoices):
    """The duties whose failure may be sanctioned (CASF L. 262-37 as amended by the loi n° 2023-1196)."""

    CONTRACT_NOT_SIGNED = "contrat", "contrat d'engagement non élaboré ou non actualisé"
    APPOINTMENT_MISSED = "rendez_vous", "rendez-vous manqué sans motif légitime"
    HOURS_NOT_DONE = "heures", "heures d'activité non réalisées"
    ACTIONS_REFUSED = "actions", "refus des actions du plan d'action"
    OTHER = "autre", "autre manquement au contrat d'engagement"


class Rank(models.TextChoices):
    FIRST = "premier", "premier manquement"
    REPEATED = "repete", "manquement répété"


class ProcedureState(models.TextChoices):
    TO_INVITE = "a_inviter", "à inviter à s'expliquer"
    INVITED = "invitee", "en attente de réponse"
    CLOSED = "classee", "classée (motif légitime)"
    SUSPENDED = "suspendue", "suspension en cours"
    SUPPRESSED = "supprimee", "suppression"
    REMOBILISED = "remobilisee", "remobilisée (suspension reversée)"


class Nature(models.TextChoices):
    SUSPENSION = "suspension", "suspension-remobilisation"
    SUPPRESSION = "suppression", "suppression"


class CafLineNature(models.TextChoices):
    SUSPENSION = "SUSPENSION", "suspension"
    SUPPRESSION = "SUPPRESSION", "suppression"
    REVERSAL = "REVERSEMENT", "reversement"
