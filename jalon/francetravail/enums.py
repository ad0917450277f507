from django.db import models


class PushStatus(models.TextChoices):
    QUEUED = "en_attente", "en attente d'envoi"
    SENT = "transmise", "transmise"
    FAILED = "echec", "échec — à retransmettre"
