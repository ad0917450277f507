from django.db import models


class EntryStatus(models.TextChoices):
    DRAFT = "brouillon", "brouillon"
    SUBMITTED = "soumise", "à valider"
    VALIDATED = "validee", "validée"
    SENT_BACK = "renvoyee", "renvoyée pour correction"


class EntryAction(models.TextChoices):
    """The steps of an entered value's history."""

    SAVED = "enregistree", "brouillon enregistré"
    SUBMITTED = "soumise", "soumise à validation"
    VALIDATED = "validee", "validée"
    SENT_BACK = "renvoyee", "renvoyée pour correction"


class ReminderKind(models.TextChoices):
    DUE = "echeance", "échéance proche"
    LATE = "retard", "en retard"
