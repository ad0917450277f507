from django.conf import settings
from django.db import models
from django.utils import timezone

from jalon.core.enums import AuditCode


class BaseModel(models.Model):
    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    def for_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)

    def with_code(self, code):
        return self.filter(code=code)

    def about_person(self, person_id):
        return self.filter(person_id=person_id)

    def between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(occurred_at__date__gte=start)
        if end:
            qs = qs.filter(occurred_at__date__lte=end)
        return qs


class AuditEvent(models.Model):
    """Append-only journal of who did what to what (Zulip's RealmAuditLog shape). Written only by services."""

    occurred_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    # No `choices` here: AuditCode grows with every app, and labels are resolved in Python (`code_label`).
    code = models.PositiveSmallIntegerField("événement", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the event still says who acted after the account is gone.
    actor_label = models.CharField("auteur (libellé)", max_length=254, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_type = models.CharField("type d'objet", max_length=100, blank=True)
    subject_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    subject_label = models.CharField("objet", max_length=255, blank=True)
    # The person concerned, when there is one (filled by the people app's services).
    person_id = models.BigIntegerField("personne concernée", null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    data = models.JSONField("valeurs", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.code_label} ({self.actor_label})"

    @property
    def code_label(self) -> str:
        try:
            return AuditCode(self.code).label
        except ValueError:
            return f"événement {self.code}"
