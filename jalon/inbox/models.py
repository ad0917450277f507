from django.conf import settings
from django.db import models
from django.db.models import Q

from jalon.core.models import BaseModel
from jalon.inbox.enums import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def for_actor(self, actor):
        """The notifications of the actor's user for the organisation they act for now: work of another membership
        leads to pages this one may not open."""
        if actor.user is None or not actor.user.is_authenticated:
            return self.none()
        return self.filter(recipient=actor.user, organisation_id=actor.organisation_id)

    def unread(self):
        return self.filter(read_at=None)

    def read(self):
        return self.exclude(read_at=None)


class Notification(BaseModel):
    """Work waiting for one professional, written by the service that created it, in the same transaction.

    The title names the work (a referral number, a service, a date), never a person: it stays in the inbox after
    the recipient may have lost sight of the person, and it feeds the digest e-mail's counts."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="destinataire",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField("nature", max_length=30, choices=NotificationKind.choices)
    title = models.CharField("titre", max_length=200)
    url = models.CharField("lien", max_length=500)
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's counter: one index-only count of the unread for (user, organisation).
            models.Index(fields=["recipient", "organisation"], condition=Q(read_at=None), name="inbox_unread_idx"),
            models.Index(fields=["recipient", "organisation", "-created_at"], name="inbox_list_idx"),
        ]

    def __str__(self):
        return self.title


class InboxPreference(BaseModel):
    """A professional's choice about the inbox's daily e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="inbox_preference",
    )
    daily_digest = models.BooleanField(
        "recevoir un récapitulatif quotidien par e-mail",
        default=False,
        help_text="Un e-mail par jour au plus, quand de nouvelles notifications attendent : leur nombre par nature et "
        "un lien, aucune donnée personnelle.",
    )
    last_digest_at = models.DateTimeField("dernier récapitulatif le", null=True, blank=True)

    class Meta:
        verbose_name = "préférence de la boîte de réception"
        verbose_name_plural = "préférences de la boîte de réception"

    def __str__(self):
        return f"{self.user} : récapitulatif {'quotidien' if self.daily_digest else 'désactivé'}"
