"""The referrals (prescriptions) from a carnet to a service of the offer; imported by `jalon.offer.models`.

A referral follows one loop: envoyée → acceptée / refusée (motif) → commencée → terminée / abandonnée (motif);
the sender may withdraw it while it is unanswered (« retirée »). Every change of status is a `ReferralEvent`
row, so the carnet's timeline shows each step. The database refuses a closed referral without its motif, a
referral without the person's consent, and a second open referral of the same carnet to the same service."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jalon.core.models import BaseModel


__all__ = ["AbandonReason", "RefusalReason", "Referral", "ReferralEvent", "ReferralQuerySet", "ReferralStatus"]


class ReferralStatus(models.TextChoices):
    SENT = "envoyee", "envoyée"
    ACCEPTED = "acceptee", "acceptée"
    REFUSED = "refusee", "refusée"
    STARTED = "commencee", "commencée"
    COMPLETED = "terminee", "terminée"
    ABANDONED = "abandonnee", "abandonnée"
    WITHDRAWN = "retiree", "retirée par le prescripteur"

    @classmethod
    def open_values(cls) -> tuple[str, ...]:
        return (cls.SENT, cls.ACCEPTED, cls.STARTED)

    @classmethod
    def closed_values(cls) -> tuple[str, ...]:
        return (cls.REFUSED, cls.COMPLETED, cls.ABANDONED, cls.WITHDRAWN)


class RefusalReason(models.TextChoices):
    NO_PLACE = "pas_de_place", "pas de place disponible"
    NOT_MATCHING = "ne_correspond_pas", "ne correspond pas au besoin"
    OUT_OF_ZONE = "hors_zone", "hors de la zone d'intervention"
    UNREACHABLE = "injoignable", "personne injoignable"
    DECLINED = "refus_personne", "la personne ne souhaite plus y participer"
    OTHER = "autre", "autre"


class AbandonReason(models.TextChoices):
    NO_SHOW = "non_venue", "personne non venue"
    UNREACHABLE = "injoignable", "personne injoignable"
    OTHER_SOLUTION = "autre_solution", "la personne a trouvé une autre solution (emploi, formation…)"
    HEALTH = "sante", "raisons de santé ou personnelles"
    NOT_MATCHING = "ne_correspond_pas", "ne correspond pas au besoin"
    OTHER = "autre", "autre"


# Every motif a closed referral may carry (the labels of the refusal first).
REASON_CHOICES = list(dict(RefusalReason.choices + AbandonReason.choices).items())


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=ReferralStatus.open_values())

    def with_status(self, status: str | None):
        return self.filter(status=status) if status else self

    def received_by(self, actor):
        """Referrals to the services of the structures whose Jalon account is the actor's organisation."""
        if actor.organisation_id is None:
            return self.none()
        return self.filter(structure__organisation_id=actor.organisation_id)

    def sent_by(self, actor):
        """Referrals sent by the actor's organisation (any of its professionals)."""
        if actor.organisation_id is None:
            return self.none()
        return self.filter(sender_organisation_id=actor.organisation_id)


class Referral(BaseModel):
    """An orientation of a person, from their carnet, to a service of the offer."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="offer_referrals"
    )
    notebook = models.ForeignKey(
        "notebook.Notebook", verbose_name="carnet de bord", on_delete=models.CASCADE, related_name="offer_referrals"
    )
    service = models.ForeignKey(
        "offer.Service", verbose_name="service", on_delete=models.PROTECT, related_name="referrals"
    )
    # Copied from the service when sent: the receiving side is found by it (inbox, scoping).
    structure = models.ForeignKey(
        "offer.Structure", verbose_name="structure", on_delete=models.PROTECT, related_name="referrals"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="offer_referrals_sent",
    )
    sender_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure prescriptrice",
        on_delete=models.PROTECT,
        related_name="offer_referrals_sent",
    )
    message = models.TextField("message au service", blank=True)
    shared_information = models.TextField(
        "informations transmises", blank=True, help_text="ce dont le service a besoin, avec l'accord de la personne"
    )
    consent_given = models.BooleanField("la personne consent au partage de ces informations", default=False)
    consent_recorded_at = models.DateTimeField("consentement recueilli le")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="consentement recueilli par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "statut", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    reason = models.CharField("motif", max_length=20, choices=REASON_CHOICES, blank=True)
    reason_details = models.TextField("précisions sur le motif", blank=True)
    sent_at = models.DateTimeField("envoyée le")
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    ended_at = models.DateTimeField("close le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    # The secure link of a structure without Jalon account: only the token's SHA-256 is kept.
    link_token_hash = models.CharField("empreinte du lien sécurisé", max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField("lien sécurisé valable jusqu'au", null=True, blank=True, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation vers un service"
        verbose_name_plural = "orientations vers un service"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["structure", "status"], name="offer_referral_struct_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True),
                name="offer_referral_consent",
                violation_error_message="Le consentement de la personne au partage est obligatoire.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ReferralStatus.REFUSED, ReferralStatus.ABANDONED], reason__gt="")
                | (~Q(status__in=[ReferralStatus.REFUSED, ReferralStatus.ABANDONED]) & Q(reason="")),
                name="offer_referral_reason_when_closed",
                violation_error_message="Un refus ou un abandon porte un motif, et seulement eux.",
            ),
            models.CheckConstraint(
                condition=~Q(reason="autre") | Q(reason_details__gt=""),
                name="offer_referral_other_reason_details",
                violation_error_message="Le motif « autre » doit être précisé.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ReferralStatus.SENT, ReferralStatus.WITHDRAWN]) | Q(answered_at__isnull=False),
                name="offer_referral_answered_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReferralStatus.STARTED, ReferralStatus.COMPLETED])
                | Q(started_at__isnull=False),
                name="offer_referral_started_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ReferralStatus.closed_values()) | Q(ended_at__isnull=False),
                name="offer_referral_ended_at",
            ),
            models.UniqueConstraint(
                fields=["notebook", "service"],
                condition=Q(status__in=ReferralStatus.open_values()),
                name="offer_referral_one_open_per_service",
                violation_error_message="Une orientation est déjà en cours vers ce service pour cette personne.",
            ),
            models.UniqueConstraint(
                fields=["link_token_hash"], condition=~Q(link_token_hash=""), name="offer_referral_link_unique"
            ),
        ]

    def __str__(self):
        return f"Orientation n° {self.pk} vers {self.service}"

    @property
    def is_open(self) -> bool:
        return self.status in ReferralStatus.open_values()

    @property
    def through_link(self) -> bool:
        """The receiving structure has no Jalon account: it answers through the secure link."""
        return self.structure.organisation_id is None


class ReferralEvent(models.Model):
    """One change of a referral's status (its creation included): who, from which organisation, when, the motif."""

    referral = models.ForeignKey(Referral, verbose_name="orientation", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("statut précédent", max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=12, choices=ReferralStatus.choices)
    reason = models.CharField("motif", max_length=20, choices=REASON_CHOICES, blank=True)
    reason_details = models.TextField("précisions sur le motif", blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="pour la structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted when there is no Jalon user: « lien sécurisé (nom de la structure) ».
    by_label = models.CharField("auteur", max_length=255, blank=True)
    occurred_at = models.DateTimeField("le")

    class Meta:
        verbose_name = "étape d'une orientation"
        verbose_name_plural = "historique des orientations"
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="offer_referral_event_change")
        ]

    def __str__(self):
        return f"{self.get_from_status_display() or 'création'} → {self.get_to_status_display()}"

    @property
    def author(self) -> str:
        if self.by_user is not None:
            name = self.by_user.get_full_name()
            return f"{name} ({self.by_organisation})" if self.by_organisation_id else name
        return self.by_label
