from django.db import models


class MessageChannel(models.TextChoices):
    EMAIL = "email", "e-mail"
    SMS = "sms", "SMS"
    LETTER = "letter", "courrier"


class MessageKind(models.TextChoices):
    INVITATION = "invitation", "invitation"
    CONVOCATION = "convocation", "convocation"
    REMINDER = "reminder", "relance"
    NOTIFICATION = "notification", "notification"
    # Its code goes to the sender only (`message_send(secret=…)`): the stored text is redacted.
    ACCESS_CODE = "access_code", "code de connexion"
    OTHER = "other", "autre"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "en attente"
    SENT = "sent", "envoyé"
    RECORDED = "recorded", "enregistré (non envoyé)"
    FAILED = "failed", "échec"
