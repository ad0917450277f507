from django.db import models


class Instrument(models.TextChoices):
    GRANT = "subvention", "subvention"
    CONTRACT = "marche", "marché public"
    AGREEMENT = "convention", "convention"


class Procedure(models.TextChoices):
    FRAMEWORK = "accord_cadre", "accord-cadre"
    PURCHASE_ORDERS = "bons_commande", "accord-cadre à bons de commande"
    ORDINARY = "ordinaire", "marché ordinaire"


class LotStep(models.TextChoices):
    """The path steps a lot of a marché d'insertion buys (PA PDI, fiche 4, « un marché public par SDSEI »)."""

    ENTRY = "entree", "entrée dans le parcours"
    SUPPORT = "accompagnement", "accompagnement"
    FOLLOW_UP = "suivi", "suivi"
    EXIT = "sortie", "sortie du dispositif"


# A line committed at this share of its voted amount or more is shown with an alert.
ALERT_RATE = 90
