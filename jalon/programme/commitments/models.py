"""A signatory's yearly commitments per action of the plan (staff, money, places, hours…) and its yearly account of
what it delivered: the commitment matrix of a pacte, kept as data."""

from django.conf import settings
from django.db import models

from jalon.core.models import BaseModel
from jalon.programme.commitments.enums import CommitmentKind


__all__ = ["SignatoryCommitment", "SignatoryCommitmentAccount"]


class SignatoryCommitment(BaseModel):
    signatory = models.ForeignKey(
        "programme.Signatory", verbose_name="signataire", on_delete=models.CASCADE, related_name="commitments"
    )
    action = models.ForeignKey(
        "programme.ActionSheet", verbose_name="action", on_delete=models.CASCADE, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField("année")
    kind = models.CharField("nature", max_length=10, choices=CommitmentKind.choices)
    quantity = models.DecimalField("quantité", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=80, blank=True)
    text = models.TextField("engagement tel qu'écrit", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "engagement d'un signataire"
        verbose_name_plural = "engagements des signataires"
        ordering = ["action__number", "signatory__organisation__name", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["signatory", "action", "year", "kind"], name="programme_commitment_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.signatory} — {self.action.code} — {self.year} : {self.quantity} {self.unit}"


class SignatoryCommitmentAccount(BaseModel):
    """What the signatory delivered of its commitment that year, as it reports it."""

    commitment = models.OneToOneField(
        SignatoryCommitment, verbose_name="engagement", on_delete=models.CASCADE, related_name="account"
    )
    delivered = models.DecimalField("quantité réalisée", max_digits=14, decimal_places=2)
    comment = models.TextField("commentaire", blank=True)
    reported_on = models.DateField("compte rendu le")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "compte rendu d'un engagement"
        verbose_name_plural = "comptes rendus des engagements"

    def __str__(self):
        return f"{self.commitment} — réalisé {self.delivered}"
