from django.db import models


class OfferStatus(models.TextChoices):
    """Where a service stands in Jalon's directory (data·inclusion has no such notion: its dumps are published)."""

    DRAFT = "brouillon", "brouillon"
    PUBLISHED = "publie", "publié"
    ARCHIVED = "archive", "archivé"
