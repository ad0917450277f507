from django.db import models


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "présente"
    EXCUSED = "excused", "excusée"
    ABSENT = "absent", "absente"


class DocumentKind(models.TextChoices):
    CONVOCATION = "convocation", "convocation"
    SUPPORT = "support", "support de séance"
    MINUTES = "compte_rendu", "compte rendu"
    OTHER = "autre", "autre document"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "à faire"
    DONE = "done", "réalisée"
    DROPPED = "dropped", "abandonnée"
