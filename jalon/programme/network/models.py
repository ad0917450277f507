"""The professionals' network of a programme: its events (webinaires, séminaires-actions, formations-actions, forums,
cafés partenaires) with registrations and attendance, and its document bank, each document with its versions and
the roles it is shown to."""

from django.conf import settings
from django.db import models

from jalon.core.models import BaseModel
from jalon.core.scoping import roles_label
from jalon.programme.network.enums import DocumentKind, EventKind


__all__ = ["NetworkEvent", "EventRegistration", "BankDocument", "BankDocumentVersion"]


class NetworkEventQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(starts_at__gte=now).order_by("starts_at")

    def past(self, now):
        return self.filter(starts_at__lt=now).order_by("-starts_at")


class NetworkEvent(BaseModel):
    programme = models.ForeignKey(
        "programme.Programme", verbose_name="programme", on_delete=models.CASCADE, related_name="events"
    )
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField("intitulé", max_length=255)
    kind = models.CharField("format", max_length=20, choices=EventKind.choices)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin", null=True, blank=True)
    place = models.CharField("lieu", max_length=255, blank=True)
    online = models.BooleanField("à distance", default=False)
    capacity = models.PositiveIntegerField("places", null=True, blank=True)
    description = models.TextField("présentation", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NetworkEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement des professionnels"
        verbose_name_plural = "événements des professionnels"
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "title", "starts_at"], name="programme_event_once")
        ]

    def __str__(self):
        return self.title


class EventRegistration(BaseModel):
    event = models.ForeignKey(
        NetworkEvent, verbose_name="événement", on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professionnel", on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="+"
    )
    # None until the attendance is recorded after the event.
    attended = models.BooleanField("présent", null=True, blank=True)

    class Meta:
        verbose_name = "inscription à un événement"
        verbose_name_plural = "inscriptions aux événements"
        ordering = ["event", "organisation__name", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="programme_registration_once")]

    def __str__(self):
        return f"{self.user} — {self.event}"


class BankDocument(BaseModel):
    programme = models.ForeignKey(
        "programme.Programme", verbose_name="programme", on_delete=models.CASCADE, related_name="documents"
    )
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField("titre", max_length=255)
    kind = models.CharField("nature", max_length=20, choices=DocumentKind.choices)
    description = models.TextField("présentation", blank=True)
    # Empty: every reader of the plan; else only the members holding one of these roles (and the plan's editors).
    visible_roles = models.JSONField("visible par les rôles", default=list, blank=True)

    class Meta:
        verbose_name = "document de la banque documentaire"
        verbose_name_plural = "documents de la banque documentaire"
        ordering = ["programme", "title"]
        constraints = [models.UniqueConstraint(fields=["programme", "title"], name="programme_document_title_once")]

    def __str__(self):
        return self.title

    @property
    def audience(self) -> str:
        return roles_label(self.visible_roles) if self.visible_roles else "tous les lecteurs du plan"


class BankDocumentVersion(BaseModel):
    document = models.ForeignKey(
        BankDocument, verbose_name="document", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField("version", max_length=20)
    dated = models.DateField("date du document")
    file = models.FileField("fichier", upload_to="programme/documents/%Y/")
    file_name = models.CharField("nom du fichier", max_length=255)
    note = models.TextField("ce qui change", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "version d'un document"
        verbose_name_plural = "versions des documents"
        ordering = ["document", "-dated", "-pk"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="programme_document_version_once")]

    def __str__(self):
        return f"{self.document} — {self.version}"
