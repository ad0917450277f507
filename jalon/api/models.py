import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from jalon.api.enums import TokenScope
from jalon.core.models import BaseModel
from jalon.organisations.models import Organisation


KEY_PREFIX = "jalon_"


def new_key() -> str:
    """A fresh secret: 256 random bits, readable in logs as a Jalon token (for secret scanners)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    # The secret is random and long: a fast digest is enough (no guessable password to slow down).
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def manageable_by(self, actor):
        return self.filter(membership__organisation__in=Organisation.objects.manageable_by(actor))

    def usable(self):
        return self.filter(revoked_at=None, expires_on__gte=timezone.localdate())


class ApiToken(BaseModel):
    """A partner system's access to the API, acting as one membership (organisation + role) of its organisation.

    Only a digest of the secret is stored: the secret is shown once, when the token is issued.
    """

    name = models.CharField("nom", max_length=100)
    membership = models.ForeignKey(
        "organisations.Membership",
        verbose_name="compte de service",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    scope = models.CharField("droits", max_length=10, choices=TokenScope.choices)
    key_hash = models.CharField("empreinte du secret", max_length=64, unique=True, editable=False)
    # The first characters, so that an administrator recognises the token a partner speaks of.
    key_start = models.CharField("début du secret", max_length=12, editable=False)
    expires_on = models.DateField("expire le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="révoqué par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "révoqué"
        return "expiré" if self.is_expired else "actif"

    def allows(self, method: str) -> bool:
        return self.scope == TokenScope.READ_WRITE or method in ("GET", "HEAD", "OPTIONS")
