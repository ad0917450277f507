from django.db import models


class OfferContract(models.TextChoices):
    """The contract an employer offers (as job boards list them)."""

    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    INTERIM = "interim", "intérim"
    SEASONAL = "saisonnier", "contrat saisonnier"
    APPRENTICESHIP = "alternance", "alternance (apprentissage, professionnalisation)"
    AIDED = "pec", "contrat aidé (PEC)"
    SIAE = "siae", "contrat en SIAE"


class OfferStatus(models.TextChoices):
    OPEN = "ouverte", "ouverte"
    FILLED = "pourvue", "pourvue"
    CLOSED = "close", "close sans embauche"


class PositioningStatus(models.TextChoices):
    PROPOSED = "proposee", "proposée"
    APPLIED = "candidature", "candidature envoyée"
    INTERVIEW = "entretien", "entretien"
    HIRED = "embauche", "embauché(e)"
    REJECTED = "non_retenu", "non retenu(e)"


# The status loop: each status and where it may go next (hired and rejected end the positioning).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    PositioningStatus.PROPOSED: (PositioningStatus.APPLIED, PositioningStatus.REJECTED),
    PositioningStatus.APPLIED: (PositioningStatus.INTERVIEW, PositioningStatus.REJECTED),
    PositioningStatus.INTERVIEW: (PositioningStatus.HIRED, PositioningStatus.REJECTED),
    PositioningStatus.HIRED: (),
    PositioningStatus.REJECTED: (),
}


class ExitSuggestion(models.TextChoices):
    """A hire or a completed qualifying training proposes an exit of the path; the référent decides."""

    PROPOSED = "proposee", "sortie à examiner"
    ACCEPTED = "enregistree", "sortie enregistrée"
    DISMISSED = "ecartee", "écartée (le parcours continue)"


class TrainingFunding(models.TextChoices):
    REGION = "region", "Région"
    CPF = "cpf", "CPF (compte personnel de formation)"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    DEPARTEMENT = "departement", "Département"
    OTHER = "autre", "autre financement"


class TrainingOutcome(models.TextChoices):
    IN_PROGRESS = "", "en cours"
    COMPLETED = "terminee", "terminée"
    ABANDONED = "abandonnee", "abandonnée"
    CERTIFIED = "certifiee", "certification obtenue"


class CertificationLevel(models.TextChoices):
    """The national framework of certifications (cadre national des certifications professionnelles, 2019)."""

    LEVEL_3 = "3", "niveau 3 (CAP, BEP)"
    LEVEL_4 = "4", "niveau 4 (baccalauréat)"
    LEVEL_5 = "5", "niveau 5 (bac + 2)"
    LEVEL_6 = "6", "niveau 6 (licence, bac + 3)"
    LEVEL_7 = "7", "niveau 7 (master, bac + 5)"
    LEVEL_8 = "8", "niveau 8 (doctorat)"
