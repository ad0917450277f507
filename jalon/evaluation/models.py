"""The evaluation of a plan: its référentiel (registers, times, evaluation questions, the instance évaluative and its
work programme), the framework of each fiche (the logic actions → objectives → impacts, the questions with their
criteria, indicators and other sources, the schedule and the owner), the instance's qualitative findings, and the
generated reports, each generation a new version.

The référentiel of a plan that writes one is loaded from `data/<plan>-evaluation.yaml`; from then on it is living
data that the instance évaluative completes."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jalon.core.models import BaseModel
from jalon.evaluation.enums import EvaluationTime, MemberKind, QuestionOrigin, Register, SourceKind, WorkStatus


class EvaluationFramework(BaseModel):
    """A plan's référentiel d'évaluation and its instance évaluative."""

    programme = models.OneToOneField(
        "programme.Programme",
        verbose_name="programme",
        on_delete=models.CASCADE,
        related_name="evaluation_framework",
    )
    title = models.CharField("intitulé", max_length=255)
    from_document = models.BooleanField("écrit dans le plan", default=True)
    principle = models.TextField("ce qu'est l'évaluation", blank=True)
    chain = models.TextField("maillons (actions, objectifs, impacts)", blank=True)
    # [{code, example, source}]: the register's example as the document writes it.
    registers = models.JSONField("registres évaluatifs", default=list, blank=True)
    # [{code, label, text, source}]: « au fil de l'eau », in itinere, ex post.
    times = models.JSONField("temps de l'évaluation", default=list, blank=True)
    instance_name = models.CharField("instance évaluative", max_length=255, blank=True)
    instance_composition = models.CharField("composition telle qu'écrite", max_length=500, blank=True)
    instance_role = models.TextField("rôle de l'instance", blank=True)
    instance_source = models.CharField("source (instance)", max_length=255, blank=True)
    body = models.ForeignKey(
        "programme.Body",
        verbose_name="instance du plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField("source", max_length=255, blank=True)
    notes = models.JSONField("remarques sur la source", default=list, blank=True)

    class Meta:
        verbose_name = "référentiel d'évaluation"
        verbose_name_plural = "référentiels d'évaluation"

    def __str__(self):
        return self.title

    def register_example(self, code: str) -> str:
        return next((item.get("example", "") for item in self.registers if item.get("code") == code), "")


class EvaluativeMember(BaseModel):
    framework = models.ForeignKey(
        EvaluationFramework, verbose_name="référentiel", on_delete=models.CASCADE, related_name="members"
    )
    kind = models.CharField("place dans l'instance", max_length=20, choices=MemberKind.choices)
    name = models.CharField("membre", max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField("rôle", max_length=500, blank=True)
    since = models.DateField("depuis le", null=True, blank=True)
    until = models.DateField("jusqu'au", null=True, blank=True)
    source = models.CharField("source", max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="historique des membres de l'instance évaluative")

    class Meta:
        verbose_name = "membre de l'instance évaluative"
        verbose_name_plural = "membres de l'instance évaluative"
        ordering = ["framework", "kind", "name"]

    def __str__(self):
        return self.name


class WorkItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=(WorkStatus.PLANNED, WorkStatus.IN_PROGRESS))


class WorkItem(BaseModel):
    """An item of the instance évaluative's work programme."""

    framework = models.ForeignKey(
        EvaluationFramework, verbose_name="référentiel", on_delete=models.CASCADE, related_name="work_items"
    )
    title = models.CharField("travail", max_length=500)
    description = models.TextField("description", blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    done_on = models.DateField("fait le", null=True, blank=True)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="responsable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne responsable",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche concernée",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField("source", max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="historique du programme de travail")
    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = "travail de l'instance évaluative"
        verbose_name_plural = "programme de travail de l'instance évaluative"
        ordering = ["framework", models.F("due_on").asc(nulls_last=True), "pk"]

    def __str__(self):
        return self.title


class SheetEvaluation(BaseModel):
    """The evaluation framework of one fiche: its logic (the fiche's objectives lead to the impacts expected), its
    owner; its questions, schedule and findings hang from it."""

    framework = models.ForeignKey(
        EvaluationFramework, verbose_name="référentiel", on_delete=models.CASCADE, related_name="sheets"
    )
    action = models.OneToOneField(
        "programme.ActionSheet", verbose_name="fiche action", on_delete=models.CASCADE, related_name="evaluation"
    )
    impacts = models.JSONField("impacts attendus", default=list, blank=True)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="responsable de l'évaluation",
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne responsable",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("version", default=1)

    history = HistoricalRecords(verbose_name="historique du cadre d'évaluation de la fiche")

    class Meta:
        verbose_name = "cadre d'évaluation d'une fiche"
        verbose_name_plural = "cadres d'évaluation des fiches"
        ordering = ["action__number"]

    def __str__(self):
        return f"Évaluation — {self.action.code}"


class EvaluationQuestion(BaseModel):
    """An evaluation question: of a fiche (as the plan writes it, or added by the instance), or of the whole plan."""

    framework = models.ForeignKey(
        EvaluationFramework, verbose_name="référentiel", on_delete=models.CASCADE, related_name="questions"
    )
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField("numéro")
    text = models.TextField("question")
    register = models.CharField("registre", max_length=20, choices=Register.choices)
    asked_to = models.CharField("posée à", max_length=255, blank=True)
    origin = models.CharField(
        "origine", max_length=10, choices=QuestionOrigin.choices, default=QuestionOrigin.INSTANCE
    )
    criteria = models.JSONField("critères de jugement", default=list, blank=True)
    indicators = models.ManyToManyField(
        "observatory.Indicator", verbose_name="indicateurs du catalogue", blank=True, related_name="+"
    )
    source = models.CharField("source", max_length=255, blank=True)
    notes = models.JSONField("remarques sur la source", default=list, blank=True)

    history = HistoricalRecords(verbose_name="historique des questions évaluatives")

    class Meta:
        verbose_name = "question évaluative"
        verbose_name_plural = "questions évaluatives"
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="evaluation_question_number_once")]

    def __str__(self):
        return f"Q{self.number} — {self.text}"


class EvidenceSource(BaseModel):
    """A source other than the catalogue's indicators that answers a question: a survey (a campaign of the surveys
    room, whose thresholded results the reports print), interviews, documents."""

    question = models.ForeignKey(
        EvaluationQuestion, verbose_name="question", on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField("nature", max_length=12, choices=SourceKind.choices)
    description = models.TextField("description")
    reference = models.CharField("référence (campagne, document)", max_length=255, blank=True)
    campaign = models.ForeignKey(
        "surveys.Campaign",
        verbose_name="campagne d'enquête",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "autre source"
        verbose_name_plural = "autres sources"
        ordering = ["question", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.description[:60]}"


class ScheduledEvaluationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_on__isnull=True)


class ScheduledEvaluation(BaseModel):
    sheet = models.ForeignKey(
        SheetEvaluation, verbose_name="cadre de la fiche", on_delete=models.CASCADE, related_name="schedule"
    )
    time = models.CharField("temps", max_length=12, choices=EvaluationTime.choices)
    due_on = models.DateField("date prévue")
    done_on = models.DateField("réalisée le", null=True, blank=True)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="responsable", on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne responsable",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScheduledEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation programmée"
        verbose_name_plural = "évaluations programmées"
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["sheet", "time", "due_on"], name="evaluation_schedule_once")]

    def __str__(self):
        return f"{self.sheet.action.code} — {self.get_time_display()} — {self.due_on:%d/%m/%Y}"


class Finding(BaseModel):
    """A qualitative finding of the instance évaluative on a question; its earlier wordings are kept."""

    question = models.ForeignKey(
        EvaluationQuestion, verbose_name="question", on_delete=models.CASCADE, related_name="findings"
    )
    text = models.TextField("constat")
    sources = models.TextField("sources", blank=True)
    observed_on = models.DateField("date du constat")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(verbose_name="historique des constats")

    class Meta:
        verbose_name = "constat qualitatif"
        verbose_name_plural = "constats qualitatifs"
        ordering = ["question", "-observed_on", "-pk"]

    def __str__(self):
        return f"Q{self.question.number} — {self.observed_on:%d/%m/%Y}"


class EvaluationReport(BaseModel):
    """One generation of an evaluation report (a fiche's, or the whole plan's when `action` is empty): each
    generation is a new version; the earlier ones stay downloadable."""

    framework = models.ForeignKey(
        EvaluationFramework, verbose_name="référentiel", on_delete=models.CASCADE, related_name="reports"
    )
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    time = models.CharField("temps", max_length=12, choices=EvaluationTime.choices)
    version = models.PositiveIntegerField("version")
    pdf = models.FileField("PDF", upload_to="evaluation/reports/%Y/")
    docx = models.FileField("DOCX", upload_to="evaluation/reports/%Y/")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="produit par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "rapport d'évaluation"
        verbose_name_plural = "rapports d'évaluation"
        ordering = ["-created_at", "-pk"]
        # One version number per fiche and time, and per time for the whole plan (no fiche): two partial
        # constraints, which SQLite enforces too (it ignores `nulls_distinct`).
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "action", "time", "version"],
                condition=models.Q(action__isnull=False),
                name="evaluation_report_version_once",
            ),
            models.UniqueConstraint(
                fields=["framework", "time", "version"],
                condition=models.Q(action__isnull=True),
                name="evaluation_plan_report_version_once",
            ),
        ]

    def __str__(self):
        scope = self.action.code if self.action_id else "plan"
        return f"Rapport {scope} — {self.get_time_display()} — v{self.version}"
