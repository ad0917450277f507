"""Funding of the plan and the traceability of its credits: budget lines (action × year × funding source, the
amount voted), their territorial envelopes, the commitments made on them to operators and the payments against
each commitment; the public contracts (marchés d'insertion) with their lots."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jalon.core.models import BaseModel
from jalon.programme.funding.enums import Instrument, LotStep, Procedure


__all__ = ["BudgetLine", "Commitment", "Contract", "Envelope", "Lot", "Payment"]


def money(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2)


class BudgetLineQuerySet(models.QuerySet):
    def of_programme(self, programme):
        return self.filter(programme=programme)

    def open(self):
        return self.filter(closed_on__isnull=True)


class BudgetLine(BaseModel):
    programme = models.ForeignKey(
        "programme.Programme", verbose_name="programme", on_delete=models.CASCADE, related_name="budget_lines"
    )
    action = models.ForeignKey(
        "programme.ActionSheet", verbose_name="fiche action", on_delete=models.PROTECT, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField("année")
    funding_source = models.ForeignKey(
        "programme.FundingSource", verbose_name="source de financement", on_delete=models.PROTECT, related_name="+"
    )
    amount_eur = money("montant voté (€)")
    label = models.CharField("objet", max_length=255, blank=True)
    closed_on = models.DateField("clôturée le", null=True, blank=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        ordering = ["programme", "year", "action__number", "funding_source__code"]
        constraints = [
            models.UniqueConstraint(fields=["action", "year", "funding_source"], name="funding_line_once"),
            models.CheckConstraint(condition=Q(amount_eur__gte=0), name="funding_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.action.code} — {self.year} — {self.funding_source.code}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Envelope(BaseModel):
    """The share of a budget line given to a territory (an SDSEI): its commitments are the territory's."""

    line = models.ForeignKey(BudgetLine, verbose_name="ligne", on_delete=models.CASCADE, related_name="envelopes")
    territory = models.ForeignKey(
        "territories.Territory", verbose_name="territoire", on_delete=models.PROTECT, related_name="+"
    )
    amount_eur = money("montant (€)")

    class Meta:
        verbose_name = "enveloppe territoriale"
        verbose_name_plural = "enveloppes territoriales"
        ordering = ["line", "territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["line", "territory"], name="funding_envelope_once"),
            models.CheckConstraint(condition=Q(amount_eur__gte=0), name="funding_envelope_not_negative"),
        ]

    def __str__(self):
        return f"{self.line} — {self.territory}"


class Contract(BaseModel):
    """A public contract of the plan (a marché d'insertion), bought in lots."""

    programme = models.ForeignKey(
        "programme.Programme", verbose_name="programme", on_delete=models.CASCADE, related_name="contracts"
    )
    title = models.CharField("intitulé", max_length=255)
    reference = models.CharField("référence", max_length=80, blank=True)
    procedure = models.CharField("procédure", max_length=20, choices=Procedure.choices)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    amount_eur = money("montant (€)")
    amount_is_max = models.BooleanField("montant maximum", default=False)

    class Meta:
        verbose_name = "marché"
        verbose_name_plural = "marchés"
        ordering = ["programme", "-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="funding_contract_dates")
        ]

    def __str__(self):
        return self.title


class Lot(BaseModel):
    contract = models.ForeignKey(Contract, verbose_name="marché", on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=255)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path_step = models.CharField("étape de parcours", max_length=20, choices=LotStep.choices)
    amount_eur = money("montant (€)")
    holder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="titulaire ou mandataire du groupement",
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_contractors = models.ManyToManyField(
        "organisations.Organisation", verbose_name="co-traitants", blank=True, related_name="+"
    )
    # The offer keeps a free text `contract_lot` on its plateaux; the link lives here, as the offer must not
    # know the programme.
    plateaux = models.ManyToManyField(
        "offer.PlateauTechnique", verbose_name="plateaux techniques", blank=True, related_name="+"
    )
    services = models.ManyToManyField("offer.Service", verbose_name="services financés", blank=True, related_name="+")

    class Meta:
        verbose_name = "lot"
        verbose_name_plural = "lots"
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="funding_lot_once")]

    def __str__(self):
        return f"Lot {self.number} — {self.title}"


class Commitment(BaseModel):
    """An engagement: money of a line (or of one of its envelopes) given to an operator."""

    line = models.ForeignKey(BudgetLine, verbose_name="ligne", on_delete=models.PROTECT, related_name="commitments")
    envelope = models.ForeignKey(
        Envelope,
        verbose_name="enveloppe",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    operator = models.ForeignKey(
        "organisations.Organisation", verbose_name="opérateur", on_delete=models.PROTECT, related_name="+"
    )
    instrument = models.CharField("instrument", max_length=12, choices=Instrument.choices)
    lot = models.ForeignKey(
        Lot, verbose_name="lot du marché", null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    reference = models.CharField("référence", max_length=80)
    amount_eur = money("montant (€)")
    committed_on = models.DateField("engagé le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["line", "committed_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_eur__gt=0), name="funding_commitment_positive")]

    def __str__(self):
        return f"{self.reference} — {self.operator}"


class Payment(BaseModel):
    """A mandatement against a commitment."""

    commitment = models.ForeignKey(
        Commitment, verbose_name="engagement", on_delete=models.PROTECT, related_name="payments"
    )
    amount_eur = money("montant (€)")
    paid_on = models.DateField("mandaté le")
    reference = models.CharField("référence", max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "mandatement"
        verbose_name_plural = "mandatements"
        ordering = ["commitment", "paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_eur__gt=0), name="funding_payment_positive")]

    def __str__(self):
        return f"{self.reference} — {self.amount_eur} €"
