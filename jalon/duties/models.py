"""The suspension-remobilisation procedure (décret n° 2025-478 du 30 mai 2025): a failure to one's duties, the
invitation to explain, the answer, the Président's decision, the remobilisation and the lines sent to the CAF/MSA.
See docs/decisions/0035-suspension-remobilisation.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.duties.enums import CafLineNature, Duty, Nature, ProcedureState, Rank


class DutySettings(BaseModel):
    """The Département's bounds. The defaults are the décret's; a Département changes them only where a later
    text or a court decision says otherwise (see the decision note)."""

    departement = models.OneToOneField(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    first_min_rate = models.PositiveSmallIntegerField("1er manquement : taux minimal (%)", default=30)
    first_max_rate = models.PositiveSmallIntegerField("1er manquement : taux maximal (%)", default=100)
    first_min_months = models.PositiveSmallIntegerField("1er manquement : durée minimale (mois)", default=1)
    first_max_months = models.PositiveSmallIntegerField("1er manquement : durée maximale (mois)", default=2)
    repeated_min_rate = models.PositiveSmallIntegerField("manquement répété : taux minimal (%)", default=30)
    repeated_max_rate = models.PositiveSmallIntegerField("manquement répété : taux maximal (%)", default=100)
    repeated_min_months = models.PositiveSmallIntegerField("manquement répété : durée minimale (mois)", default=1)
    repeated_max_months = models.PositiveSmallIntegerField("manquement répété : durée maximale (mois)", default=4)
    household_cap_rate = models.PositiveSmallIntegerField(
        "plafond pour un foyer de plus d'une personne (%)", default=50
    )
    answer_days = models.PositiveSmallIntegerField("délai pour présenter ses observations (jours)", default=10)
    repeat_window_months = models.PositiveSmallIntegerField("fenêtre du manquement répété (mois)", default=12)

    class Meta:
        verbose_name = "réglage des droits et devoirs"
        verbose_name_plural = "réglages des droits et devoirs"

    def __str__(self):
        return f"Droits et devoirs — {self.departement_id}"

    def bounds(self, rank: str) -> tuple[int, int, int, int]:
        """(min rate, max rate, min months, max months) for a first or a repeated failure."""
        if rank == Rank.REPEATED:
            return self.repeated_min_rate, self.repeated_max_rate, self.repeated_min_months, self.repeated_max_months
        return self.first_min_rate, self.first_max_rate, self.first_min_months, self.first_max_months


class FailureQuerySet(models.QuerySet):
    def of_departement(self, departement_id):
        return self.filter(departement_id=departement_id)

    def awaiting_answer(self, today):
        return self.filter(state=ProcedureState.INVITED, answered_on=None, answer_due_on__gte=today)

    def to_decide(self, today):
        """Invited, and either answered without a legitimate reason or past the answer deadline."""
        return self.filter(state=ProcedureState.INVITED).filter(
            Q(answered_on__isnull=False, legitimate=False) | Q(answered_on=None, answer_due_on__lt=today)
        )


class Failure(BaseModel):
    """A failure to one's duties (manquement) and the procedure it opens, up to the decision."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="duty_failures"
    )
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    duty = models.CharField("obligation manquée", max_length=12, choices=Duty.choices)
    occurred_on = models.DateField("date du manquement")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="constaté par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    evidence_text = models.TextField("éléments constatés")
    evidence = models.FileField("pièce justificative", upload_to="droits-devoirs/%Y/", blank=True)
    evidence_name = models.CharField("nom de la pièce", max_length=255, blank=True)
    rank = models.CharField("rang", max_length=8, choices=Rank.choices)
    state = models.CharField("état", max_length=12, choices=ProcedureState.choices, default=ProcedureState.TO_INVITE)
    invited_on = models.DateField("invitée à s'expliquer le", null=True, blank=True)
    answer_due_on = models.DateField("réponse attendue avant le", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invitée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField("réponse reçue le", null=True, blank=True)
    answer = models.TextField("observations de la personne", blank=True)
    legitimate = models.BooleanField("motif légitime", null=True)
    legitimate_reason = models.TextField("motif retenu", blank=True)

    objects = FailureQuerySet.as_manager()

    class Meta:
        verbose_name = "manquement"
        verbose_name_plural = "manquements"
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["departement", "state"], name="duty_failure_dept_state_idx")]

    def __str__(self):
        return f"{self.get_duty_display()} du {self.occurred_on:%d/%m/%Y}"

    def waiting(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == ProcedureState.INVITED and self.answered_on is None and self.answer_due_on >= today

    def decidable(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.state != ProcedureState.INVITED:
            return False
        if self.answered_on is not None:
            return self.legitimate is False
        return self.answer_due_on < today


class Decision(BaseModel):
    """The decision of the Président du conseil départemental on a failure."""

    failure = models.OneToOneField(
        Failure, verbose_name="manquement", on_delete=models.CASCADE, related_name="decision"
    )
    nature = models.CharField("nature", max_length=12, choices=Nature.choices)
    rate = models.PositiveSmallIntegerField("taux (%)")
    months = models.PositiveSmallIntegerField("durée (mois)")
    starts_on = models.DateField("à compter du")
    ends_on = models.DateField("jusqu'au")
    household_size = models.PositiveSmallIntegerField("personnes au foyer")
    decided_on = models.DateField("décidée le", default=timezone.localdate)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décidée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = models.TextField("motifs")
    epl_meeting = models.ForeignKey(
        "orientation.EplMeeting",
        verbose_name="équipe pluridisciplinaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    epl_opinion = models.TextField("avis de l'équipe pluridisciplinaire", blank=True)
    remobilised_on = models.DateField("remobilisée le", null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="reversement par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "décision de suspension ou de suppression"
        verbose_name_plural = "décisions de suspension ou de suppression"
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.get_nature_display()} de {self.rate} % pendant {self.months} mois"


class CafExport(BaseModel):
    """One instruction file for the paying bodies: the lines not yet sent when it was made."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="produit par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "fichier d'instruction CAF/MSA"
        verbose_name_plural = "fichiers d'instruction CAF/MSA"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Fichier CAF/MSA n° {self.pk} du {timezone.localtime(self.created_at):%d/%m/%Y}"


class CafLine(BaseModel):
    """A line to send to the CAF/MSA: a suspension or suppression decided, or the reversal of a suspension."""

    decision = models.ForeignKey(Decision, verbose_name="décision", on_delete=models.CASCADE, related_name="lines")
    nature = models.CharField("nature", max_length=12, choices=CafLineNature.choices)
    export = models.ForeignKey(
        CafExport, verbose_name="fichier", null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )

    class Meta:
        verbose_name = "ligne d'instruction CAF/MSA"
        verbose_name_plural = "lignes d'instruction CAF/MSA"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "nature"], name="duty_caf_line_unique")]
