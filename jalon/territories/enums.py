from django.db import models


class TerritoryKind(models.TextChoices):
    SDSEI = "sdsei", "SDSEI"
    SOCIAL_ACTION_TERRITORY = "tas", "territoire d'action sociale"
    EMPLOYMENT_AREA = "bassin", "bassin d'emploi"
    OTHER = "autre", "autre regroupement"
