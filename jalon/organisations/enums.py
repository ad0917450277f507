from django.db import models

from jalon.core.enums import Role  # noqa: F401  (roles live in core: every app uses them)


class OrganisationKind(models.TextChoices):
    CONSEIL_DEPARTEMENTAL = "cd", "Conseil départemental (service)"
    TERRITORIAL_SERVICE = "sdsei", "SDSEI / territoire d'action sociale"
    FRANCE_TRAVAIL = "france_travail", "agence France Travail"
    CAF = "caf", "CAF"
    MSA = "msa", "MSA"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    CCAS = "ccas", "CCAS / CIAS"
    ASSOCIATION = "association", "association"
    SIAE = "siae", "SIAE"
    OPERATOR = "operateur", "opérateur / prestataire"
    STATE = "etat", "services de l'État"
    REGION = "region", "Région"
    OTHER = "autre", "autre"
