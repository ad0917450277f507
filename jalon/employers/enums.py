from django.db import models


class SizeBand(models.TextChoices):
    """INSEE's « tranche d'effectif salarié » of the establishment (the codes of the SIRENE directory)."""

    NONE = "00", "0 salarié"
    FROM_1 = "01", "1 ou 2 salariés"
    FROM_3 = "02", "3 à 5 salariés"
    FROM_6 = "03", "6 à 9 salariés"
    FROM_10 = "11", "10 à 19 salariés"
    FROM_20 = "12", "20 à 49 salariés"
    FROM_50 = "21", "50 à 99 salariés"
    FROM_100 = "22", "100 à 199 salariés"
    FROM_200 = "31", "200 à 249 salariés"
    FROM_250 = "32", "250 à 499 salariés"
    FROM_500 = "41", "500 à 999 salariés"
    FROM_1000 = "42", "1 000 à 1 999 salariés"
    FROM_2000 = "51", "2 000 à 4 999 salariés"
    FROM_5000 = "52", "5 000 à 9 999 salariés"
    FROM_10000 = "53", "10 000 salariés et plus"


class InteractionKind(models.TextChoices):
    VISIT = "visite", "visite en entreprise"
    CALL = "appel", "appel téléphonique"
    EMAIL = "courriel", "courriel"
    MEETING = "reunion", "réunion"
    JOB_DATING = "job_dating", "job-dating"
    FORUM = "forum", "forum, salon ou séminaire"
    OTHER = "autre", "autre"


class ImmersionStatus(models.TextChoices):
    """The nine statuses of a PMSMP agreement, as Immersion Facilitée names them."""

    DRAFT = "draft", "brouillon"
    READY_TO_SIGN = "ready_to_sign", "prête à signer"
    PARTIALLY_SIGNED = "partially_signed", "partiellement signée"
    IN_REVIEW = "in_review", "signée, à examiner"
    ACCEPTED_BY_COUNSELLOR = "accepted_by_counsellor", "pré-validée par le conseiller"
    ACCEPTED_BY_VALIDATOR = "accepted_by_validator", "validée par le prescripteur"
    REJECTED = "rejected", "refusée"
    CANCELLED = "cancelled", "annulée"
    DEPRECATED = "deprecated", "obsolète"


class ImmersionObjective(models.TextChoices):
    """The objectives of a PMSMP (Code du travail, L. 5135-1), in Immersion Facilitée's words."""

    CONFIRM = "confirm", "Confirmer un projet professionnel"
    DISCOVER = "discover", "Découvrir un métier ou un secteur d'activité"
    RECRUIT = "recruit", "Initier une démarche de recrutement"


class ReviewOutcome(models.TextChoices):
    """The after-immersion review (bilan)."""

    COMPLETED = "completed", "immersion effectuée"
    PARTIAL = "partial", "immersion effectuée en partie"
    NOT_DONE = "not_done", "immersion non effectuée (absence)"


class HireContract(models.TextChoices):
    """The contract of a hire after an immersion (Immersion Facilitée's list); the codes are the exits' own."""

    CDI = "cdi", "CDI"
    CDD_LONG = "cdd_6_plus", "CDD de 6 mois et plus"
    CDD_SHORT = "cdd_less_6", "CDD de moins de 6 mois"
    APPRENTICESHIP = "alternance", "alternance"
    AIDED = "pec", "contrat aidé (PEC)"
    INSERTION = "siae", "contrat d'insertion (SIAE)"
    OTHER = "other", "autre"
