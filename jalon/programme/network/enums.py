from django.db import models


class EventKind(models.TextChoices):
    WEBINAR = "webinaire", "webinaire"
    ACTION_SEMINAR = "seminaire_action", "séminaire-action"
    ACTION_TRAINING = "formation_action", "formation-action"
    FORUM = "forum", "forum"
    PARTNERS_CAFE = "cafe_partenaires", "café partenaires"


class DocumentKind(models.TextChoices):
    REFERENTIAL = "referentiel", "référentiel d'accompagnement"
    GUIDE = "guide", "guide"
    MINUTES = "compte_rendu", "compte rendu"
    SLIDES = "support", "support"
    OTHER = "autre", "autre"
