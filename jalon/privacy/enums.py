from django.db import models


class LegalBasis(models.TextChoices):
    INSERTION_SHARING = "casf_l263_4_1", "partage entre acteurs de l'insertion (CASF art. L. 263-4-1, décret 2023-188)"
    PUBLIC_INTEREST = "public_interest", "mission d'intérêt public (RGPD art. 6.1.e)"
    LEGAL_OBLIGATION = "legal_obligation", "obligation légale (RGPD art. 6.1.c)"
    PROCESSOR = "processor", "sous-traitance pour le Département (RGPD art. 28)"


class DataCategory(models.TextChoices):
    """The categories of the privacy page (« Catégories de données »)."""

    IDENTITY = "identity", "identité"
    NIR = "nir", "NIR"
    IDENTIFIERS = "identifiers", "numéros d'allocataire et identifiant France Travail"
    CONTACT = "contact", "coordonnées"
    HOUSEHOLD = "household", "situation familiale et foyer"
    RSA_RIGHT = "rsa_right", "droit au RSA"
    SOCIO_PROFESSIONAL = "socio_professional", "données socio-professionnelles"
    ORIENTATION = "orientation", "orientation et référent"
    CARNET = "carnet", "carnet de bord (projet, objectifs, actions, rendez-vous)"
    FREINS = "freins", "freins au retour à l'emploi"
    HEALTH = "health", "freins liés à la santé ou au handicap (données sensibles)"
