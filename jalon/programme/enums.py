from django.db import models


class ProgrammeKind(models.TextChoices):
    PDI = "pdi", "Programme départemental d'insertion (PDI)"
    PTI = "pti", "Pacte territorial pour l'insertion (PTI)"
    PDI_PTI = "pdi_pti", "PDI et PTI"


class AxisKind(models.TextChoices):
    PATH = "path", "axe du parcours"
    TRANSVERSAL = "transversal", "axe transversal"


class ObjectiveLevel(models.TextChoices):
    STRATEGIC = "strategic", "stratégique"
    OPERATIONAL = "operational", "opérationnel"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "prévue"
    IN_PROGRESS = "in_progress", "en cours"
    DONE = "done", "réalisée"
    STANDBY = "standby", "en attente"
    ABANDONED = "abandoned", "abandonnée"


class PartnerRole(models.TextChoices):
    PILOT = "pilot", "pilote"
    CONTRIBUTOR = "contributor", "contributeur"


class AmountPeriod(models.TextChoices):
    YEAR = "year", "par an"
    TOTAL = "total", "au total"


class BodyKind(models.TextChoices):
    COPIL = "copil", "comité de pilotage"
    FUNDERS = "comite_financeurs", "comité des financeurs"
    COTECH = "cotech", "comité technique"
    CTP = "ctp", "comité territorial de pilotage"
    EPL = "epl", "équipe pluridisciplinaire locale"
    PARTNERS_CAFE = "cafe_partenaires", "café partenaires"
    EVALUATION = "instance_evaluative", "instance évaluative"
    FORUM = "forum", "forum"
    USERS_COMMITTEE = "comite_usagers", "comité d'usagers"
    WORKING_GROUP = "groupe_travail", "groupe de travail"
    OTHER = "autre", "autre instance"


class BodyLevel(models.TextChoices):
    DEPARTEMENT = "departement", "départementale"
    LOCAL = "local", "locale"


class Frequency(models.TextChoices):
    ANNUAL = "annual", "une fois par an"
    BIANNUAL = "biannual", "deux fois par an"
    QUARTERLY = "quarterly", "chaque trimestre"
    MONTHLY = "monthly", "chaque mois"
    AD_HOC = "ad_hoc", "selon les besoins"


# Longest interval between two meetings before a body is late, in days (a little slack past the period).
FREQUENCY_DAYS = {
    Frequency.ANNUAL: 365 + 31,
    Frequency.BIANNUAL: 183 + 31,
    Frequency.QUARTERLY: 92 + 15,
    Frequency.MONTHLY: 31 + 7,
}
