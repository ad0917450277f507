"""Plateaux techniques de partenaires (Pyrénées-Atlantiques PDI, fiche 4): a groupement of operators — a
mandataire and its co-traitants, selected by a public contract for a lot — that receives people on a territory
and offers modules, which are services of the offer (`Service.plateau`). Participants are the people referred to
its modules; imported by `jalon.offer.models`."""

from django.db import models
from django.db.models import F, Q

from jalon.core.models import BaseModel


__all__ = ["PathStep", "PlateauTechnique"]


class PathStep(models.TextChoices):
    """The path steps the Département buys its offer by (fiche 4, « marchés publics par étape de parcours »)."""

    ENTRY = "entree", "entrée dans le parcours"
    BARRIERS = "freins", "levée des freins et remobilisation"
    SKILLS = "competences", "repérage des compétences et validation de projet"
    EMPLOYMENT = "emploi", "positionnement dans l'emploi"
    IN_WORK = "suivi_emploi", "suivi dans l'emploi"
    SELF_EMPLOYED = "tns", "travailleurs non salariés"


class PlateauTechnique(BaseModel):
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("nom", max_length=200)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plateaux",
        help_text="vide pour un plateau départemental",
    )
    path_step = models.CharField("étape de parcours", max_length=20, choices=PathStep.choices)
    contract_lot = models.CharField("marché et lot", max_length=200, blank=True)
    lead_structure = models.ForeignKey(
        "offer.Structure",
        verbose_name="mandataire du groupement",
        on_delete=models.PROTECT,
        related_name="plateaux_led",
    )
    co_contractors = models.ManyToManyField(
        "offer.Structure", verbose_name="co-traitants", blank=True, related_name="plateaux_joined"
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    # The denominators of the fiche 4 rates.
    target_participants = models.PositiveIntegerField(
        "publics à accompagner", help_text="nombre de personnes attendues sur la période (taux de couverture)"
    )
    professionals = models.PositiveIntegerField(
        "professionnels mobilisés", help_text="nombre de professionnels du groupement (taux d'encadrement)"
    )

    class Meta:
        verbose_name = "plateau technique"
        verbose_name_plural = "plateaux techniques"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on=None) | Q(ends_on__gte=F("starts_on")), name="plateau_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(professionals__gt=0), name="plateau_has_professionals"),
        ]

    def __str__(self):
        return self.name
