import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.models import BaseModel
from jalon.organisations.enums import OrganisationKind


siret_validator = RegexValidator(r"^\d{14}$", "Le SIRET comporte 14 chiffres, sans espace.")


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_departement(self, departement_code):
        return self.filter(departement_id=departement_code)

    def search(self, text):
        return self.filter(Q(name__icontains=text) | Q(siret__startswith=text)) if text else self

    def manageable_by(self, actor):
        """Organisations whose settings and members the actor may administer."""
        if actor.is_platform_admin:
            return self
        if actor.is_departement_admin:
            return self.filter(departement_id=actor.departement_code)
        if actor.has_role(Role.ADMINISTRATOR):
            return self.filter(pk=actor.organisation_id)
        return self.none()


class Organisation(BaseModel):
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[siret_validator])
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="structure de rattachement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("active", default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "name"], name="organisation_unique_name_per_departement")
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True, organisation__is_active=True)

    def with_role(self, *roles):
        return self.filter(role__in=roles)


class Membership(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    # A territory manager (or any role) may be limited to some of the Département's territories.
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name="territoires", blank=True, related_name="memberships"
    )
    is_active = models.BooleanField("actif", default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.JALON_INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(BaseModel):
    token = models.UUIDField("jeton", default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("adresse e-mail")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invité par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField("expire le", default=_invitation_expiry)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return "acceptée"
        if self.revoked_at:
            return "révoquée"
        if self.expires_at <= timezone.now():
            return "expirée"
        return "en attente"

    @property
    def is_pending(self) -> bool:
        return self.status_label == "en attente"
