from django.db import models


class Seed(models.TextChoices):
    LANDES = "landes", "Pacte territorial pour l'insertion des Landes 2021-2025"
    PYRENEES_ATLANTIQUES = "pa", "PDI/PTI des Pyrénées-Atlantiques 2024-2028"
    OARSA = "oarsa", "Enquête OARSA de la DREES"
    JALON = "jalon", "Indicateur complémentaire de Jalon"


class Source(models.TextChoices):
    """Where an indicator's values come from."""

    COMPUTED = "calcule", "calculé par Jalon"
    ENTERED = "saisi", "saisi par son pilote"
    PARTNER = "partenaire", "reçu d'un partenaire"
    EVALUATION = "evaluation", "question évaluative, traitée par l'évaluation du plan"
    WAITING = "en_attente", "en attente de données"


class SeedStatus(models.TextChoices):
    """What the audit of the plans found in Jalon before the observatory (seed-coverage §2)."""

    COMPUTED = "C", "calculé tel que défini"
    COMPUTED_OTHERWISE = "C*", "calculé avec une autre définition"
    COMPUTABLE = "P", "calculable avec les données détenues"
    NEEDS_DATA = "N", "nécessite de nouvelles données"


class Measure(models.TextChoices):
    STOCK = "stock", "stock à la fin de la période"
    FLOW = "flux", "flux sur la période"


class Unit(models.TextChoices):
    COUNT = "nombre", "nombre"
    RATE = "taux", "part (%)"
    DAYS = "jours", "délai moyen (jours)"
    RATIO = "ratio", "moyenne par unité"
    HOURS = "heures", "heures"


class PeriodKind(models.TextChoices):
    MONTH = "mois", "mois"
    QUARTER = "trimestre", "trimestre"
    YEAR = "annee", "année"


class TerritoryLevel(models.TextChoices):
    DEPARTEMENT = "departement", "département"
    TERRITORY = "territoire", "territoire du Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "commune"


class Dimension(models.TextChoices):
    """The segments an indicator may be broken down by; "" is the whole population."""

    ALL = "", "ensemble"
    SEX = "sexe", "sexe"
    AGE_BAND = "age", "tranche d'âge"
    HOUSEHOLD = "foyer", "composition du foyer"
    SENIORITY = "anciennete", "ancienneté dans le RSA"
    ORIENTATION_TYPE = "type_orientation", "type d'orientation"
    DISPOSITIF = "dispositif", "dispositif"
    PROFILE = "profil", "profil-type (Landes)"
