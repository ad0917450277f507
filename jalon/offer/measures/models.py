"""Measures with their own follow-up — IAE, PMSMP, PEC, AVIP places, insertion clauses, service civique —
recorded on a person's carnet, from a referral when they come from one, so that the Landes indicators (B.10
AVIP places, B.17 clause hours, B.18 IAE employees, B.25 PMSMP prescribed, B.26 PEC contracts) are counted;
imported by `jalon.offer.models`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from jalon.core.models import BaseModel


__all__ = ["Measure", "MeasureKind", "SiaeKind"]


class MeasureKind(models.TextChoices):
    IAE = "iae", "insertion par l'activité économique (IAE)"
    PMSMP = "pmsmp", "immersion (PMSMP)"
    PEC = "pec", "parcours emploi compétences (PEC)"
    AVIP = "avip", "place en crèche à vocation d'insertion professionnelle (AVIP)"
    CLAUSE = "clause", "clause sociale d'insertion"
    CIVIC_SERVICE = "service_civique", "service civique"


class SiaeKind(models.TextChoices):
    ACI = "aci", "atelier et chantier d'insertion (ACI)"
    AI = "ai", "association intermédiaire (AI)"
    EI = "ei", "entreprise d'insertion (EI)"
    ETTI = "etti", "entreprise de travail temporaire d'insertion (ETTI)"
    EITI = "eiti", "entreprise d'insertion par le travail indépendant (EITI)"


class Measure(BaseModel):
    notebook = models.ForeignKey(
        "notebook.Notebook", verbose_name="carnet de bord", on_delete=models.CASCADE, related_name="measures"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="measures"
    )
    referral = models.ForeignKey(
        "offer.Referral",
        verbose_name="orientation d'origine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    kind = models.CharField("mesure", max_length=20, choices=MeasureKind.choices)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    structure = models.ForeignKey(
        "offer.Structure",
        verbose_name="structure (SIAE, crèche…)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="employeur (annuaire)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    employer_name = models.CharField("employeur ou structure d'accueil", max_length=200, blank=True)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)
    siae_kind = models.CharField("type de SIAE", max_length=10, choices=SiaeKind.choices, blank=True)
    weekly_hours = models.DecimalField(
        "heures hebdomadaires du contrat", max_digits=4, decimal_places=1, null=True, blank=True
    )
    hours_done = models.DecimalField("heures réalisées", max_digits=7, decimal_places=1, null=True, blank=True)
    note = models.TextField("précisions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure qui l'a saisie",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "mesure"
        verbose_name_plural = "mesures"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on=None) | Q(ends_on__gte=F("starts_on")), name="measure_dates_in_order"
            ),
            models.CheckConstraint(condition=~Q(kind="iae") | ~Q(siae_kind=""), name="measure_iae_has_siae_kind"),
        ]
        indexes = [models.Index(fields=["kind", "starts_on"], name="measure_kind_start_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.starts_on:%d/%m/%Y}"
