"""Job offers (Landes B.27), the positioning of people on them, and entries into training (Pyrénées-Atlantiques
fiche 6). A hire, or a qualifying training completed, proposes an exit of the path: the référent records it through
the exits' services or says why the path goes on; nothing ends by itself.

An offer points to the directory's establishment (`employer`) and keeps the name, SIRET and commune it was published
with; an offer typed for an establishment not yet in the directory is linked when the establishment is added."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jalon.core.models import BaseModel
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.core.validators import validate_siret
from jalon.employment.enums import (
    CertificationLevel,
    ExitSuggestion,
    OfferContract,
    OfferStatus,
    PositioningStatus,
    TrainingFunding,
    TrainingOutcome,
)


class JobOfferQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Job offers are shared across the Département and its partners: every professional of the département
        reads them (they hold no personal data)."""
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        return self.filter(departement_id=actor.organisation.departement_id)

    def open(self):
        return self.filter(status=OfferStatus.OPEN)

    def present_between(self, start, end):
        """Offers on the platform at some point of [start, end]: published by `end`, not closed before `start`."""
        return self.filter(published_on__lte=end).filter(Q(ended_on=None) | Q(ended_on__gte=start))


class JobOffer(BaseModel):
    """An employer's job offer, with the ROME appellation that matches it to people's professional projects."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="employeur (annuaire)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="job_offers",
    )
    employer_name = models.CharField("employeur", max_length=200)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, validators=[validate_siret])
    employer_commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune de l'employeur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("intitulé de l'offre", max_length=200, blank=True)
    appellation = models.ForeignKey(
        "notebook.RomeAppellation",
        verbose_name="métier (appellation ROME)",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Copied from the appellation: people whose project names another job of the same ROME code match too.
    rome = models.ForeignKey("notebook.RomeCode", verbose_name="code ROME", on_delete=models.PROTECT, related_name="+")
    contract = models.CharField("type de contrat", max_length=12, choices=OfferContract.choices)
    duration_months = models.PositiveSmallIntegerField("durée du contrat (mois)", null=True, blank=True)
    weekly_hours = models.DecimalField("durée hebdomadaire (heures)", max_digits=4, decimal_places=1)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name="lieu de travail", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("description du poste", blank=True)
    published_on = models.DateField("publiée le")
    fill_by = models.DateField("à pourvoir avant le", null=True, blank=True)
    social_clause = models.BooleanField("clause sociale d'insertion", default=False)
    in_tension = models.BooleanField("métier en tension", default=False)
    positions = models.PositiveSmallIntegerField("nombre de postes", default=1)
    status = models.CharField("statut", max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    ended_on = models.DateField("pourvue ou close le", null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="publiée par la structure",
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="publiée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JobOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre d'emploi"
        verbose_name_plural = "offres d'emploi"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="job_offer_at_least_one_position"),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=48), name="job_offer_weekly_hours_legal"
            ),
            models.CheckConstraint(
                condition=Q(fill_by=None) | Q(fill_by__gte=models.F("published_on")), name="job_offer_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["departement", "status", "rome"], name="job_offer_search_idx"),
            models.Index(fields=["employer_siret"], name="job_offer_siret_idx"),
        ]

    def __str__(self):
        return f"{self.title or self.appellation} — {self.employer_name}"


def _person_reach(actor) -> Q:
    """The people the actor sees, and what a partner organisation wrote itself (it keeps it once the person has left
    its caseload); the Département's staff read through their scope only, as for exits."""
    from jalon.people.models import Person

    reach = Q(person__in=Person.objects.visible_to(actor))
    if actor.organisation.kind not in DEPARTEMENT_STAFF_KINDS:
        reach |= Q(organisation_id=actor.organisation_id)
    return reach


class PositioningQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The positionings of the people the actor sees, and those their organisation made."""
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        return self.filter(_person_reach(actor))

    def hires(self):
        return self.filter(status=PositioningStatus.HIRED)


class Positioning(BaseModel):
    """A person put forward for an offer, and where the application stands."""

    offer = models.ForeignKey(JobOffer, verbose_name="offre", on_delete=models.CASCADE, related_name="positionings")
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="positionings"
    )
    status = models.CharField(
        "statut", max_length=12, choices=PositioningStatus.choices, default=PositioningStatus.PROPOSED
    )
    status_on = models.DateField("statut depuis le")
    hired_on = models.DateField("embauche le", null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="positionnée par la structure",
        on_delete=models.PROTECT,
        related_name="+",
    )
    positioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="positionnée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exit_suggestion = models.CharField(
        "sortie de parcours", max_length=12, choices=ExitSuggestion.choices, blank=True, default=""
    )
    exit_dismiss_reason = models.CharField("pourquoi le parcours continue", max_length=255, blank=True)
    exit = models.OneToOneField(
        "exits.Exit", verbose_name="sortie", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PositioningQuerySet.as_manager()

    class Meta:
        verbose_name = "positionnement sur une offre"
        verbose_name_plural = "positionnements sur des offres"
        ordering = ["-status_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "person"], name="positioning_once_per_offer"),
            models.CheckConstraint(
                condition=Q(hired_on=None) | Q(status=PositioningStatus.HIRED), name="positioning_hired_on_if_hired"
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} : {self.offer}"


class PositioningStep(BaseModel):
    """Each status of a positioning, with who set it and when (the history of the loop)."""

    positioning = models.ForeignKey(
        Positioning, verbose_name="positionnement", on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField("statut", max_length=12, choices=PositioningStatus.choices)
    on = models.DateField("le")
    comment = models.CharField("commentaire", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "étape d'un positionnement"
        verbose_name_plural = "étapes des positionnements"
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.get_status_display()} le {self.on:%d/%m/%Y}"


class TrainingEntryQuerySet(models.QuerySet):
    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        return self.filter(_person_reach(actor))

    def started_between(self, start, end):
        return self.filter(starts_on__gte=start, starts_on__lte=end)

    def qualifying_completed(self):
        """Certifying trainings gone to their end (completed or certified): what the rule may count as positive."""
        return self.filter(certifying=True, outcome__in=[TrainingOutcome.COMPLETED, TrainingOutcome.CERTIFIED])


class TrainingEntry(BaseModel):
    """A person's entry into training: who trains, what, whether it certifies, who pays, and how it ended."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="trainings"
    )
    provider = models.CharField("organisme de formation", max_length=200)
    title = models.CharField("intitulé de la formation", max_length=200)
    certifying = models.BooleanField("certifiante (qualifiante)", default=False)
    level = models.CharField(
        "niveau de la certification", max_length=1, choices=CertificationLevel.choices, blank=True
    )
    starts_on = models.DateField("entrée en formation le")
    ends_on = models.DateField("fin prévue le", null=True, blank=True)
    funding = models.CharField("financement", max_length=15, choices=TrainingFunding.choices)
    outcome = models.CharField(
        "issue", max_length=10, choices=TrainingOutcome.choices, blank=True, default=TrainingOutcome.IN_PROGRESS
    )
    outcome_on = models.DateField("issue le", null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="enregistrée par la structure",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exit_suggestion = models.CharField(
        "sortie de parcours", max_length=12, choices=ExitSuggestion.choices, blank=True, default=""
    )
    exit_dismiss_reason = models.CharField("pourquoi le parcours continue", max_length=255, blank=True)
    exit = models.OneToOneField(
        "exits.Exit", verbose_name="sortie", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TrainingEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée en formation"
        verbose_name_plural = "entrées en formation"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on=None) | Q(ends_on__gte=models.F("starts_on")), name="training_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(certifying=True) | Q(level=""), name="training_level_if_certifying"),
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on=None) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="training_outcome_dated",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.provider})"


class MeasureExitDecision(BaseModel):
    """What the référent decided at the end of an IAE or PEC contract (offer room's `Measure`): the exit it led to
    (a CDI after the insertion contract, a job after the PEC), or why the path goes on. The exit itself is the exits'
    room's; this row only links the measure to it."""

    measure = models.OneToOneField(
        "offer.Measure", verbose_name="mesure", on_delete=models.CASCADE, related_name="exit_decision"
    )
    person = models.ForeignKey("people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="+")
    exit_suggestion = models.CharField(
        "sortie de parcours", max_length=12, choices=ExitSuggestion.choices, default=ExitSuggestion.PROPOSED
    )
    exit_dismiss_reason = models.CharField("pourquoi le parcours continue", max_length=255, blank=True)
    exit = models.OneToOneField(
        "exits.Exit", verbose_name="sortie", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "sortie examinée à la fin d'une mesure"
        verbose_name_plural = "sorties examinées à la fin d'une mesure"

    def __str__(self):
        return f"Sortie à la fin de « {self.measure} »"
