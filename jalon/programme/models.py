"""The action plan as data: a programme (PDI, PTI or both), its axes and objectives, its actions / fiches actions
with their pilots, steps, indicators and targets, the signatories in their circles, the funding named, and the
governance bodies. The action sheet and what hangs from it are versioned (django-simple-history): the plans are
updated every year, and a fiche can be read as it stood on a date."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jalon.core.models import BaseModel
from jalon.programme.enums import (
    ActionStatus,
    AmountPeriod,
    AxisKind,
    BodyKind,
    BodyLevel,
    Frequency,
    ObjectiveLevel,
    PartnerRole,
    ProgrammeKind,
)


class ProgrammeQuerySet(models.QuerySet):
    def of_departement(self, departement_id):
        return self.filter(departement_id=departement_id)


class Programme(BaseModel):
    code = models.SlugField("code", max_length=80, unique=True)
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("type", max_length=10, choices=ProgrammeKind.choices)
    title = models.CharField("intitulé", max_length=255)
    start = models.DateField("début")
    end = models.DateField("fin")
    voted_on = models.DateField("voté le", null=True, blank=True)
    document = models.CharField("document", max_length=255, blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    notes = models.JSONField("remarques sur la source", default=list, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        ordering = ["-start", "title"]

    def __str__(self):
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


class Signatory(BaseModel):
    """An organisation named by the plan: a signatory in its circle, or a contributor who did not sign."""

    programme = models.ForeignKey(
        Programme, verbose_name="programme", on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="+"
    )
    key = models.SlugField("clé dans le fichier du plan", max_length=40)
    signed = models.BooleanField("signataire", default=True)
    circle = models.PositiveSmallIntegerField(
        "cercle", null=True, blank=True, choices=[(1, "1er cercle"), (2, "2nd cercle")]
    )
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["circle", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="programme_signatory_once"),
            models.UniqueConstraint(fields=["programme", "key"], name="programme_signatory_key_once"),
        ]

    def __str__(self):
        return str(self.organisation)


class FundingSource(BaseModel):
    programme = models.ForeignKey(
        Programme, verbose_name="programme", on_delete=models.CASCADE, related_name="funding_sources"
    )
    code = models.CharField("code", max_length=40)
    name = models.CharField("nom", max_length=255)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        verbose_name = "source de financement"
        verbose_name_plural = "sources de financement"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="programme_funding_code_once")]

    def __str__(self):
        return self.code


class Axis(BaseModel):
    programme = models.ForeignKey(Programme, verbose_name="programme", on_delete=models.CASCADE, related_name="axes")
    code = models.CharField("code", max_length=10)
    title = models.CharField("intitulé", max_length=500)
    kind = models.CharField("nature", max_length=12, choices=AxisKind.choices, default=AxisKind.PATH)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        verbose_name = "axe"
        verbose_name_plural = "axes"
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="programme_axis_code_once")]

    def __str__(self):
        return f"{self.code} — {self.title}"


class Objective(BaseModel):
    axis = models.ForeignKey(Axis, verbose_name="axe", on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=500)
    level = models.CharField("niveau", max_length=12, choices=ObjectiveLevel.choices, default=ObjectiveLevel.STRATEGIC)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["axis", "position"]
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="programme_objective_code_once")]

    def __str__(self):
        return f"{self.code} — {self.title}"


class ActionSheetQuerySet(models.QuerySet):
    def of_programme(self, programme):
        return self.filter(programme=programme)

    def piloted_by(self, organisation_id):
        return self.filter(partners__organisation_id=organisation_id, partners__role=PartnerRole.PILOT)


class ActionSheet(BaseModel):
    """An action of the plan; with `has_sheet`, a fiche action is written for it."""

    programme = models.ForeignKey(
        Programme, verbose_name="programme", on_delete=models.CASCADE, related_name="actions"
    )
    axis = models.ForeignKey(Axis, verbose_name="axe", on_delete=models.PROTECT, related_name="actions")
    objective = models.ForeignKey(
        Objective, verbose_name="objectif", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    code = models.CharField("code", max_length=20)
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=500)
    has_sheet = models.BooleanField("fiche action rédigée", default=True)
    context = models.TextField("contexte", blank=True)
    objectives = models.JSONField("objectifs opérationnels", default=list, blank=True)
    modalities = models.JSONField("modalités", default=list, blank=True)
    schedule = models.CharField("échéancier", max_length=255, blank=True)
    target_publics = models.JSONField("publics visés", default=list, blank=True)
    territories = models.JSONField("territoires", default=list, blank=True)
    evaluation_questions = models.JSONField("questions évaluatives", default=list, blank=True)
    # The offer the action runs on or funds (the offer room knows nothing of the plan).
    services = models.ManyToManyField("offer.Service", verbose_name="services liés", blank=True, related_name="+")
    plateaux = models.ManyToManyField(
        "offer.PlateauTechnique", verbose_name="plateaux techniques liés", blank=True, related_name="+"
    )
    dispositifs = models.ManyToManyField(
        "orientation.Dispositif", verbose_name="dispositifs d'accompagnement liés", blank=True, related_name="+"
    )
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    source = models.CharField("source", max_length=255, blank=True)
    notes = models.JSONField("remarques sur la source", default=list, blank=True)
    # Optimistic lock: a form carries the version it read, and a save from an older version is refused.
    version = models.PositiveIntegerField("version", default=1)

    history = HistoricalRecords(verbose_name="historique de la fiche action")
    objects = ActionSheetQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="programme_action_code_once")]

    def __str__(self):
        return f"{self.code} — {self.title}"


class ActionPartner(BaseModel):
    action = models.ForeignKey(ActionSheet, verbose_name="action", on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("rôle", max_length=12, choices=PartnerRole.choices)

    history = HistoricalRecords(verbose_name="historique des pilotes et contributeurs")

    class Meta:
        verbose_name = "pilote ou contributeur"
        verbose_name_plural = "pilotes et contributeurs"
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation", "role"], name="programme_partner_once")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ActionStep(BaseModel):
    action = models.ForeignKey(ActionSheet, verbose_name="action", on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("étape", max_length=500)
    planned_start = models.DateField("début prévu", null=True, blank=True)
    planned_end = models.DateField("fin prévue", null=True, blank=True)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    source = models.CharField("source", max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="historique des étapes")

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["action", "position"]

    def __str__(self):
        return self.title

    def is_late(self, today) -> bool:
        due = self.planned_end or self.planned_start
        return self.done_on is None and due is not None and due < today


class ActionIndicator(BaseModel):
    """An indicator of the observatory's catalogue that the action is measured by. Its targets are the
    observatory's (one target per indicator, year and territory); the plan's own wording of a target stays here
    as written."""

    action = models.ForeignKey(ActionSheet, verbose_name="action", on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        "observatory.Indicator", verbose_name="indicateur", on_delete=models.PROTECT, related_name="+"
    )
    written_targets = models.JSONField("cibles écrites dans le plan", default=list, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "indicateur de la fiche"
        verbose_name_plural = "indicateurs de la fiche"
        ordering = ["action", "position"]
        constraints = [models.UniqueConstraint(fields=["action", "indicator"], name="programme_indicator_once")]

    def __str__(self):
        return str(self.indicator_id)


class PlannedAmount(BaseModel):
    """A cost or amount the plan writes for an action (an estimate, not a budget line)."""

    action = models.ForeignKey(ActionSheet, verbose_name="action", on_delete=models.CASCADE, related_name="amounts")
    label = models.CharField("objet", max_length=255)
    amount_eur = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    per = models.CharField("période", max_length=8, choices=AmountPeriod.choices, default=AmountPeriod.YEAR)
    funding_source = models.ForeignKey(
        FundingSource, verbose_name="financement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        verbose_name = "montant prévu"
        verbose_name_plural = "montants prévus"
        ordering = ["action", "pk"]

    def __str__(self):
        return f"{self.label} : {self.amount_eur} €"


class ActionFunding(models.Model):
    action = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="funding")
    funding_source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "financement mobilisable"
        verbose_name_plural = "financements mobilisables"
        constraints = [models.UniqueConstraint(fields=["action", "funding_source"], name="programme_funding_once")]

    def __str__(self):
        return f"{self.action_id} — {self.funding_source_id}"


class ProgressReview(BaseModel):
    """The yearly account of an action: where it stands, what was done, what blocks."""

    action = models.ForeignKey(ActionSheet, verbose_name="action", on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices)
    summary = models.TextField("bilan")
    difficulties = models.TextField("difficultés", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(verbose_name="historique des bilans")

    class Meta:
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        ordering = ["action", "-year"]
        constraints = [models.UniqueConstraint(fields=["action", "year"], name="programme_review_once_a_year")]

    def __str__(self):
        return f"{self.action.code} — {self.year}"


class Body(BaseModel):
    """A governance body of the plan (COPIL, comité des financeurs, CTP, EPL…)."""

    programme = models.ForeignKey(Programme, verbose_name="programme", on_delete=models.CASCADE, related_name="bodies")
    code = models.SlugField("code", max_length=40)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("nature", max_length=20, choices=BodyKind.choices)
    level = models.CharField("échelon", max_length=12, choices=BodyLevel.choices, default=BodyLevel.DEPARTEMENT)
    chairs = models.ManyToManyField(
        "organisations.Organisation", verbose_name="présidence", blank=True, related_name="+"
    )
    members = models.ManyToManyField(
        "organisations.Organisation", verbose_name="membres", blank=True, related_name="+"
    )
    members_text = models.CharField("composition telle qu'écrite", max_length=500, blank=True)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices, blank=True)
    min_meetings_per_year = models.PositiveSmallIntegerField("réunions par an au moins", null=True, blank=True)
    role = models.TextField("rôle", blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    notes = models.JSONField("remarques sur la source", default=list, blank=True)

    class Meta:
        verbose_name = "instance"
        verbose_name_plural = "instances"
        ordering = ["programme", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="programme_body_code_once")]

    def __str__(self):
        return self.name


from jalon.programme.commitments.models import *  # noqa: E402, F403
from jalon.programme.funding.models import *  # noqa: E402, F403
from jalon.programme.governance.models import *  # noqa: E402, F403
from jalon.programme.network.models import *  # noqa: E402, F403
