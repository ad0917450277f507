from django.db import models


class FreinStatus(models.TextChoices):
    SUPPORT = "point_appui", "point d'appui"
    NEED = "besoin", "besoin"
    NOT_EXPLORED = "non_explore", "non exploré"


class FreinNature(models.TextChoices):
    OBJECTIVE = "objectif", "objectif (constaté)"
    SUBJECTIVE = "subjectif", "subjectif (ressenti par la personne)"


class FreinKind(models.TextChoices):
    """The France Travail diagnostic référentiel groups social freins and the emploi / formation situations."""

    SOCIAL = "social", "frein périphérique"
    EMPLOYMENT = "emploi", "situation d'emploi"
    TRAINING = "formation", "situation de formation"


class WorkStatus(models.TextChoices):
    """Objectives and actions share their statuses."""

    PLANNED = "prevu", "prévu"
    IN_PROGRESS = "en_cours", "en cours"
    DONE = "realise", "réalisé"
    STANDBY = "en_attente", "en attente"
    ABANDONED = "abandonne", "abandonné"
    CANCELLED = "annule", "annulé"

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.PLANNED, cls.IN_PROGRESS, cls.STANDBY]


class ContractWanted(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    TEMPORARY = "interim", "intérim"
    APPRENTICESHIP = "alternance", "alternance"
    IAE = "iae", "insertion par l'activité économique"
    SELF_EMPLOYED = "creation", "création ou reprise d'entreprise"
    SEASONAL = "saisonnier", "saisonnier"


class WorkingTime(models.TextChoices):
    FULL = "temps_plein", "temps plein"
    PART = "temps_partiel", "temps partiel"
    ANY = "indifferent", "indifférent"


class ContactKind(models.TextChoices):
    OFFICE = "bureau", "entretien au bureau"
    PHONE = "telephone", "appel téléphonique"
    EMAIL = "email", "e-mail ou message"
    HOME_VISIT = "domicile", "visite à domicile"
    WORKSHOP = "atelier", "atelier collectif"
    VIDEO = "visio", "visioconférence"


class NoteVisibility(models.TextChoices):
    SHARED = "partagee", "partagée avec l'équipe et la personne"
    PRIVATE = "privee", "privée à ma structure"


class HoursReductionReason(models.TextChoices):
    """Why a contrat d'engagement plans fewer than the legal weekly activity hours (loi n° 2023-1196, art. 2:
    reduced or waived to fit the person's particular difficulties)."""

    HEALTH = "sante", "situation de santé"
    ISOLATED_PARENT = "parent_isole", "parent isolé sans solution de garde"
    DISABILITY = "handicap", "situation de handicap"
    OTHER = "autre", "autre difficulté particulière"


class ContractEndReason(models.TextChoices):
    """Why a contract ended before its planned end."""

    EMPLOYMENT = "emploi", "reprise d'emploi ou de formation"
    REORIENTATION = "reorientation", "réorientation : un autre contrat suit"
    RIGHT_CLOSED = "fin_droit", "fin du droit au RSA"
    MOVED = "demenagement", "déménagement hors du département"
    AGREEMENT = "accord", "d'un commun accord avec la personne"
    NON_COMPLIANCE = "manquement", "non-respect des engagements (procédure de sanction)"
    OTHER = "autre", "autre motif"
