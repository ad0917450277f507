from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from jalon.core.models import BaseModel
from jalon.observatory.entered.enums import EntryAction, EntryStatus, ReminderKind
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel


__all__ = ["EnteredValue", "EntryEvent", "EntryReminder", "EntrySetup"]


class EntrySetup(BaseModel):
    """How a Département collects an entered indicator: who owns it, at which period, by which deadline.

    Without a row, the defaults of `entered.selectors.setup_for` apply (no owner organisation: the Département's
    pilots and analysts enter it)."""

    indicator = models.ForeignKey(
        "observatory.Indicator", verbose_name="indicateur", on_delete=models.CASCADE, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure responsable de la saisie",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period_kind = models.CharField("périodicité", max_length=10, choices=PeriodKind.choices)
    deadline_days = models.PositiveSmallIntegerField(
        "délai de saisie (jours après la fin de la période)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        "rappel (jours avant l'échéance)", default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    evidence_required = models.BooleanField("justificatif obligatoire", default=True)
    starts_on = models.DateField("valeurs attendues à partir de")

    class Meta:
        verbose_name = "réglage de saisie d'un indicateur"
        verbose_name_plural = "réglages de saisie des indicateurs"
        constraints = [models.UniqueConstraint(fields=["indicator", "departement"], name="entry_setup_unique")]

    def __str__(self):
        return f"{self.indicator_id} ({self.departement_id})"


class EnteredValueQuerySet(models.QuerySet):
    def in_departement(self, departement_id):
        return self.filter(departement_id=departement_id)

    def with_status(self, *statuses):
        return self.filter(status__in=statuses)


class EnteredValue(BaseModel):
    """One value entered for an indicator, a territory, a period and a segment, with its evidence and its
    validation. Once validated it is published as an `IndicatorValue` without a computation run (`run=None`)."""

    indicator = models.ForeignKey(
        "observatory.Indicator", verbose_name="indicateur", on_delete=models.CASCADE, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    territory_level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    territory_code = models.CharField("territoire", max_length=20)
    period_kind = models.CharField("période", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("début de la période")
    dimension = models.CharField("ventilation", max_length=20, choices=Dimension.choices, blank=True)
    segment = models.CharField("segment", max_length=120, blank=True)
    # As entered: a rate in percent (0–100), a count, days or hours.
    value = models.FloatField("valeur")
    comment = models.TextField("commentaire", blank=True)
    evidence = models.FileField("justificatif", upload_to="observatoire/justificatifs/%Y/", blank=True)
    evidence_name = models.CharField("nom du justificatif", max_length=255, blank=True)
    evidence_url = models.URLField("lien vers le justificatif", max_length=500, blank=True)
    status = models.CharField("statut", max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="saisie pour", on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validée ou renvoyée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("validée ou renvoyée le", null=True, blank=True)
    sent_back_reason = models.TextField("motif du renvoi", blank=True)

    objects = EnteredValueQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur saisie"
        verbose_name_plural = "valeurs saisies"
        ordering = ["-period_start", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "departement",
                    "territory_level",
                    "territory_code",
                    "period_kind",
                    "period_start",
                    "dimension",
                    "segment",
                ],
                name="entered_value_unique",
            )
        ]
        indexes = [models.Index(fields=["departement", "status"])]

    def __str__(self):
        return f"{self.indicator_id} {self.territory_code} {self.period_kind} {self.period_start}"


class EntryEvent(models.Model):
    """A step of an entered value's life, for its history (the audit log keeps the same, for the administrator)."""

    entered_value = models.ForeignKey(
        EnteredValue, verbose_name="valeur saisie", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("étape", max_length=12, choices=EntryAction.choices)
    value = models.FloatField("valeur")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("le")
    note = models.TextField("motif ou commentaire", blank=True)

    class Meta:
        verbose_name = "étape d'une valeur saisie"
        verbose_name_plural = "étapes des valeurs saisies"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.entered_value} : {self.get_action_display()}"


class EntryReminder(models.Model):
    """A reminder sent to one owner about one period: the unique key is what keeps it from being sent twice."""

    indicator = models.ForeignKey(
        "observatory.Indicator", verbose_name="indicateur", on_delete=models.CASCADE, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField("période", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("début de la période")
    kind = models.CharField("nature", max_length=10, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="destinataire", on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField("envoyé le")

    class Meta:
        verbose_name = "rappel de saisie"
        verbose_name_plural = "rappels de saisie"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "departement", "period_kind", "period_start", "kind", "recipient"],
                name="entry_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_start} {self.kind} → {self.recipient_id}"
