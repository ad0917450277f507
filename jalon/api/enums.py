from django.db import models


class TokenScope(models.TextChoices):
    """What a partner's system may do with its token: read only (safe methods) or also write."""

    READ = "lecture", "lecture seule"
    READ_WRITE = "ecriture", "lecture et écriture"
