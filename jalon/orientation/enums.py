from django.db import models


class OrientationType(models.TextChoices):
    PROFESSIONAL = "professionnel", "professionnelle"
    SOCIO_PROFESSIONAL = "socio_professionnel", "socio-professionnelle"
    SOCIAL = "social", "sociale"


class PersonAgreement(models.TextChoices):
    AGREED = "accord", "d'accord"
    DISAGREED = "desaccord", "pas d'accord"
    NOT_ASKED = "non_recueilli", "avis non recueilli"
