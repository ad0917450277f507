from django.conf import settings
from django.db import models

from jalon.core.models import BaseModel
from jalon.francetravail.enums import PushStatus


class AttendancePush(BaseModel):
    """An appointment's attendance sent to France Travail: one per appointment (nothing is sent twice), with what was
    sent, when, and France Travail's reference of it."""

    appointment = models.OneToOneField(
        "notebook.Appointment",
        verbose_name="rendez-vous",
        on_delete=models.PROTECT,
        related_name="france_travail_push",
    )
    attendance = models.CharField("présence transmise", max_length=10)
    status = models.CharField("état", max_length=12, choices=PushStatus.choices, default=PushStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    sent_at = models.DateTimeField("transmise le", null=True, blank=True)
    reference = models.CharField("référence France Travail", max_length=64, blank=True)
    last_error = models.CharField("dernière erreur", max_length=255, blank=True)

    class Meta:
        verbose_name = "présence transmise à France Travail"
        verbose_name_plural = "présences transmises à France Travail"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Présence du {self.appointment} ({self.get_status_display()})"
