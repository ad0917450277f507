"""Exits of the path (« fin d'accompagnement ») and the follow-up in employment after them.

The set-based filters the figures use are QuerySet methods here (`Exit.objects.in_period(...).positive()`,
`Checkpoint.objects.due_between(...)`); `selectors.py` documents them and adds the scoped reads and the rates.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.core.validators import validate_siret
from jalon.exits.enums import (
    EmployerAssessment,
    EmployerConcern,
    EmployerSupport,
    EmploymentContract,
    IaeCategory,
    ProposalStatus,
    RiskReason,
)


DEFAULT_CHECKPOINT_MONTHS = [1, 3, 6, 24]


def _default_checkpoint_months() -> list[int]:
    return list(DEFAULT_CHECKPOINT_MONTHS)


# --- the Département's settings ---------------------------------------------------------------------------------


class ExitType(BaseModel):
    """One exit type of a Département's typology (its plan's words), mapped to the IAE typology."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField("code", max_length=40)
    label = models.CharField("libellé", max_length=150)
    iae_category = models.CharField("catégorie IAE", max_length=12, choices=IaeCategory.choices)
    to_employment = models.BooleanField(
        "sortie vers l'emploi", default=False, help_text="ouvre le suivi en emploi (points à 1, 3, 6 mois…)"
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "type de sortie"
        verbose_name_plural = "types de sortie"
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["departement", "code"], name="exit_type_unique_code")]

    def __str__(self):
        return self.label


class PositiveRuleQuerySet(models.QuerySet):
    def in_force_on(self, departement_id, day: datetime.date):
        return self.filter(departement_id=departement_id, valid_from__lte=day).filter(
            Q(valid_until=None) | Q(valid_until__gte=day)
        )


class PositiveRule(BaseModel):
    """What counts as a positive exit in a Département, version by version: each exit keeps the version that
    classified it, so that last year's rate is explained by last year's rule."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField("version")
    valid_from = models.DateField("en vigueur à partir du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)
    positive_codes = models.JSONField("types de sortie comptés comme positifs", default=list)
    note = models.CharField("pourquoi cette version", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="publiée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PositiveRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle des sorties positives"
        verbose_name_plural = "règles des sorties positives"
        ordering = ["departement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "version"], name="positive_rule_unique_version"),
            models.CheckConstraint(
                condition=Q(valid_until=None) | Q(valid_until__gte=models.F("valid_from")),
                name="positive_rule_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"Règle des sorties positives v{self.version} (depuis le {self.valid_from:%d/%m/%Y})"


class FollowUpSchedule(BaseModel):
    """When the follow-up in employment checks on the person, in months after the exit (1, 3, 6 and N+2 by
    default)."""

    departement = models.OneToOneField(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    checkpoint_months = models.JSONField("points de suivi (mois après la sortie)", default=_default_checkpoint_months)

    class Meta:
        verbose_name = "calendrier du suivi en emploi"
        verbose_name_plural = "calendriers du suivi en emploi"

    def __str__(self):
        return ", ".join(f"{months} mois" for months in self.checkpoint_months)


# --- exits ------------------------------------------------------------------------------------------------------


def exit_reach(actor, prefix: str = "") -> Q:
    """The exits an actor reaches: those of the people they see, and those their organisation recorded (the
    follow-up in employment goes on after the exit has ended the orientation that let them see the person).
    `prefix` ("exit__") filters another model through its relation to the exit, in the same query: joined
    rather than `exit__in=(subquery)`, which PostgreSQL would first build for every exit of the département."""
    from jalon.people.models import Person

    if actor.is_platform_admin:
        return Q()
    if actor.organisation is None:
        return Q(**{f"{prefix}pk__in": []})
    seen = Person.objects.visible_to(actor).filter(pk=OuterRef(f"{prefix}person_id"))
    reach = Q(Exists(seen))
    if actor.organisation.kind not in DEPARTEMENT_STAFF_KINDS:
        reach |= Q(**{f"{prefix}organisation_id": actor.organisation_id})
    return reach


class ExitQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return self.filter(exit_reach(actor))

    def in_period(self, start: datetime.date | None, end: datetime.date | None):
        """Exits dated within [start, end] (either bound may be open)."""
        qs = self
        if start:
            qs = qs.filter(exited_on__gte=start)
        if end:
            qs = qs.filter(exited_on__lte=end)
        return qs

    def for_departement(self, code: str):
        return self.filter(person__departement_id=code)

    def in_force(self):
        """Exits not undone by a reopening: the person is out of the path."""
        return self.filter(reopened_on=None)

    def positive(self):
        """Positive under the rule version that classified each exit (the figure stays as it was published)."""
        return self.filter(is_positive=True)

    def positive_under(self, rule: PositiveRule):
        """Positive under another version of the rule (to compare two versions on the same exits)."""
        return self.filter(exit_type__code__in=rule.positive_codes)

    def to_employment(self):
        return self.filter(exit_type__to_employment=True)

    def of_category(self, category: str):
        return self.filter(iae_category=category)


class Exit(BaseModel):
    """The end of a person's path (not of their RSA right): its type, date, reason and evidence. It closes the
    carnet to writes until the path is reopened; reopening is recorded on it (who, when, why)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="exits"
    )
    exit_type = models.ForeignKey(ExitType, verbose_name="type de sortie", on_delete=models.PROTECT, related_name="+")
    # Copied from the type when recorded: editing the typology later does not change a published figure.
    iae_category = models.CharField("catégorie IAE", max_length=12, choices=IaeCategory.choices)
    rule = models.ForeignKey(
        PositiveRule, verbose_name="règle appliquée", on_delete=models.PROTECT, related_name="exits"
    )
    is_positive = models.BooleanField("sortie positive")
    exited_on = models.DateField("date de sortie")
    reason = models.TextField("motif et précisions", blank=True)
    evidence = models.TextField("justificatif", blank=True, help_text="pièce vue : contrat, attestation d'entrée…")
    contract = models.CharField(
        "contrat signé", max_length=12, choices=EmploymentContract.choices, blank=True, default=""
    )
    job_title = models.CharField("poste", max_length=150, blank=True)
    # The directory's employer when known; the name and SIRET typed at the time stay, for history.
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="employeur (annuaire)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exits",
    )
    employer_name = models.CharField("employeur", max_length=200, blank=True)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True, validators=[validate_siret])
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="suivi en emploi par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employment_follow_ups",
    )
    # The orientation the exit ended, resumed when the path is reopened (unless a new one was decided since).
    ended_orientation = models.ForeignKey(
        "orientation.Orientation",
        verbose_name="orientation close",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_on = models.DateField("parcours rouvert le", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rouvert par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_reason = models.TextField("motif de la réouverture", blank=True)

    objects = ExitQuerySet.as_manager()

    class Meta:
        verbose_name = "sortie de parcours"
        verbose_name_plural = "sorties de parcours"
        ordering = ["-exited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(reopened_on=None), name="exit_one_in_force"),
            models.CheckConstraint(
                condition=Q(reopened_on=None) | Q(reopened_on__gte=models.F("exited_on")),
                name="exit_reopened_after_exit",
            ),
        ]
        indexes = [
            models.Index(fields=["exited_on"], name="exit_date_idx"),
            models.Index(fields=["organisation", "reopened_on"], name="exit_org_in_force_idx"),
            # The employer page's hires, latest first: walked within the employer (a large one has over a thousand
            # exits) instead of along every exit's date until a hundred the actor sees turn up.
            models.Index(
                fields=["employer", "-exited_on"], condition=Q(reopened_on=None), name="exit_employer_hires_idx"
            ),
        ]

    def __str__(self):
        return f"{self.exit_type} le {self.exited_on:%d/%m/%Y}"


class CheckpointQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return self.filter(exit_reach(actor, prefix="exit__"))

    def pending(self):
        return self.filter(done_on=None)

    def done(self):
        return self.exclude(done_on=None)

    def due_between(self, start: datetime.date | None, end: datetime.date | None):
        qs = self
        if start:
            qs = qs.filter(due_on__gte=start)
        if end:
            qs = qs.filter(due_on__lte=end)
        return qs

    def overdue(self, today: datetime.date):
        return self.pending().filter(due_on__lt=today)

    def at_risk(self):
        return self.exclude(risk_reason="")

    def of_exits_in_force(self):
        return self.filter(exit__reopened_on=None)


class Checkpoint(BaseModel):
    """One point of the follow-up in employment (1, 3, 6 months, N+2 after the exit), with its outcome."""

    exit = models.ForeignKey(Exit, verbose_name="sortie", on_delete=models.CASCADE, related_name="checkpoints")
    months = models.PositiveSmallIntegerField("mois après la sortie")
    due_on = models.DateField("prévu le")
    done_on = models.DateField("fait le", null=True, blank=True)
    still_employed = models.BooleanField("toujours en emploi", null=True, blank=True)
    same_employer = models.BooleanField("même employeur", null=True, blank=True)
    contract = models.CharField("contrat", max_length=12, choices=EmploymentContract.choices, blank=True, default="")
    rupture_on = models.DateField("rupture le", null=True, blank=True)
    rupture_reason = models.CharField("motif de la rupture", max_length=255, blank=True)
    in_trial_period = models.BooleanField("rupture pendant la période d'essai", default=False)
    comment = models.TextField("commentaire", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="fait par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by the daily run (missed point) or by the outcome (rupture in the trial period); cleared once handled.
    risk_reason = models.CharField("situation à risque", max_length=15, choices=RiskReason.choices, blank=True)
    risk_since = models.DateField("à risque depuis", null=True, blank=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = "point de suivi en emploi"
        verbose_name_plural = "points de suivi en emploi"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "months"], name="checkpoint_once_per_month"),
            models.CheckConstraint(
                condition=Q(rupture_on=None) | Q(still_employed=False), name="checkpoint_rupture_not_employed"
            ),
        ]
        indexes = [
            models.Index(fields=["due_on", "id"], condition=Q(done_on=None), name="checkpoint_pending_due_idx"),
            # The list of situations at risk, by due date: walked in order and stopped at the page.
            models.Index(fields=["due_on", "id"], condition=~Q(risk_reason=""), name="checkpoint_at_risk_due_idx"),
        ]

    def __str__(self):
        return f"Point à {self.months} mois (prévu le {self.due_on:%d/%m/%Y})"

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class EmployerFeedback(BaseModel):
    """The employer's side of the follow-up in employment (« fiche miroir »): what the employer says of the
    integration at a cross review or in an alert, and what they put in place to secure it. An assessment of
    difficulties, or a rupture considered, puts the person at risk."""

    exit = models.ForeignKey(Exit, verbose_name="sortie", on_delete=models.CASCADE, related_name="employer_feedback")
    given_on = models.DateField("date de l'échange")
    contact = models.CharField("interlocuteur chez l'employeur", max_length=150, blank=True)
    assessment = models.CharField("appréciation de l'employeur", max_length=12, choices=EmployerAssessment.choices)
    concerns = models.JSONField("difficultés relevées", default=list, blank=True)
    supports = models.JSONField("ce que l'employeur met en place", default=list, blank=True)
    note = models.TextField("compte rendu", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "fiche miroir de l'employeur"
        verbose_name_plural = "fiches miroir des employeurs"
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"Échange avec l'employeur du {self.given_on:%d/%m/%Y}"

    @property
    def concern_labels(self) -> list[str]:
        return [EmployerConcern(code).label for code in self.concerns if code in EmployerConcern.values]

    @property
    def support_labels(self) -> list[str]:
        return [EmployerSupport(code).label for code in self.supports if code in EmployerSupport.values]


class ExitProposal(BaseModel):
    """The CAF closed the household's right: the référent is asked whether the path ends too. Nothing closes by
    itself; the proposal is accepted (an exit is recorded) or dismissed (the path goes on)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="exit_proposals"
    )
    closure_date = models.DateField("droit clos le")
    closure_reason = models.CharField("motif de clôture", max_length=5, blank=True)
    raised_on = models.DateField("proposée le", default=timezone.localdate)
    status = models.CharField("statut", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    decided_on = models.DateField("examinée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="examinée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismiss_reason = models.CharField("pourquoi le parcours continue", max_length=255, blank=True)
    exit = models.OneToOneField(
        Exit, verbose_name="sortie", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )

    class Meta:
        verbose_name = "sortie proposée (droit clos)"
        verbose_name_plural = "sorties proposées (droit clos)"
        ordering = ["-closure_date", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "closure_date"], name="exit_proposal_once")]
        indexes = [
            # The follow-up list shows the latest 50 proposals still to examine: walked in order, stopped at 50,
            # rather than sorting every proposal of the département (tens of thousands after a CAF import).
            models.Index(
                F("closure_date").desc(),
                "id",
                condition=Q(status=ProposalStatus.PROPOSED),
                name="exit_proposal_open_idx",
            ),
        ]

    def __str__(self):
        return f"Droit clos le {self.closure_date:%d/%m/%Y} : {self.get_status_display()}"
