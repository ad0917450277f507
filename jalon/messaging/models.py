from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from jalon.core.models import BaseModel
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus


class MessageQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Messages of the persons the actor may see (the person decides, as everywhere)."""
        from jalon.people.models import Person

        return self.filter(person__in=Person.objects.visible_to(actor).values("pk"))

    def for_person(self, person):
        return self.filter(person=person)

    def about(self, obj: models.Model):
        """Messages sent about one object (a session participant, an appointment…)."""
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)

    def about_any(self, objects):
        """Messages about any of the given objects, all of one model."""
        objects = list(objects)
        if not objects:
            return self.none()
        return self.filter(
            about_type=ContentType.objects.get_for_model(objects[0]), about_id__in=[obj.pk for obj in objects]
        )


class Message(BaseModel):
    """One message to a person (e-mail, SMS or letter) as it was sent: the text and the recipient are snapshots,
    so the record still says what was sent where after the person's file changes."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField("canal", max_length=10, choices=MessageChannel.choices)
    kind = models.CharField("nature", max_length=20, choices=MessageKind.choices)
    subject = models.CharField("objet", max_length=255, blank=True)
    body = models.TextField("texte")
    # E-mail address, phone number in international format, or the postal address lines (one per line).
    recipient = models.TextField("destinataire")
    status = models.CharField("statut", max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    backend = models.CharField("moyen d'envoi", max_length=255, blank=True)
    provider_reference = models.CharField("référence du prestataire", max_length=100, blank=True)
    error = models.TextField("erreur", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure expéditrice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the message is about (a session participant, an appointment…), without this app knowing those apps.
    about_type = models.ForeignKey(
        ContentType,
        verbose_name="à propos de (type)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    about_id = models.PositiveBigIntegerField("à propos de (identifiant)", null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="message_about_idx"),
            models.Index(fields=["person", "-created_at"], name="message_person_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} — {self.subject or self.get_kind_display()}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line for line in self.recipient.splitlines() if line.strip()]

    @property
    def is_letter(self) -> bool:
        return self.channel == MessageChannel.LETTER
