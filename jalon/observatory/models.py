from django.db import models

from jalon.core.models import BaseModel
from jalon.observatory.enums import Dimension, Measure, PeriodKind, Seed, SeedStatus, Source, TerritoryLevel, Unit


class IndicatorQuerySet(models.QuerySet):
    def of_seed(self, seed):
        return self.filter(seed=seed) if seed else self

    def with_source(self, source):
        return self.filter(source=source) if source else self

    def search(self, text):
        if not text:
            return self
        return self.filter(models.Q(code__iexact=text) | models.Q(wording__icontains=text))


class Indicator(BaseModel):
    """One entry of the catalogue: an indicator of a plan or of the national return, defined once.

    Loaded from `catalogue.json` (`manage.py observatory_load_catalogue`); the computed ones also have their
    query in `jalon.observatory.indicators`, registered under the same code."""

    code = models.CharField("code", max_length=12, unique=True)
    seed = models.CharField("document", max_length=10, choices=Seed.choices)
    reference = models.CharField("référence dans le document", max_length=120)
    wording = models.TextField("intitulé")
    note = models.TextField("précision du document", blank=True)
    seed_status = models.CharField("constat de l'audit", max_length=2, choices=SeedStatus.choices, blank=True)
    source = models.CharField("source des valeurs", max_length=12, choices=Source.choices)
    needs = models.TextField("données nécessaires", blank=True)
    # The definition; for a computed indicator it is the engine's own (kept in sync by the loader).
    population = models.TextField("population", blank=True)
    numerator = models.TextField("numérateur", blank=True)
    denominator = models.TextField("dénominateur", blank=True)
    measure = models.CharField("nature", max_length=6, choices=Measure.choices, blank=True)
    unit = models.CharField("unité", max_length=8, choices=Unit.choices, default=Unit.COUNT)
    dimensions = models.JSONField("ventilations possibles", default=list, blank=True)
    bound_to_100 = models.BooleanField("ne peut dépasser 100 %", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} — {self.wording}"

    @property
    def dimension_labels(self) -> list[str]:
        labels = dict(Dimension.choices)
        return [str(labels.get(name, name)) for name in self.dimensions]


class SnapshotRun(models.Model):
    """One computation of the indicators of a Département (full or the recent periods only)."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField("commencé le")
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    as_of = models.DateField("données au")
    full = models.BooleanField("recalcul complet", default=False)
    values_written = models.PositiveIntegerField("valeurs écrites", default=0)
    # Of `values_written`, those that were new or differed from the stored ones (the others are kept as they were).
    values_changed = models.PositiveIntegerField("valeurs modifiées", default=0)

    class Meta:
        verbose_name = "calcul des indicateurs"
        verbose_name_plural = "calculs des indicateurs"
        ordering = ["-started_at"]

    def __str__(self):
        return f"Calcul du {self.started_at:%d/%m/%Y %H:%M} ({self.departement_id})"


class IndicatorValueQuerySet(models.QuerySet):
    def of(self, indicator_code, departement_id):
        return self.filter(indicator__code=indicator_code, departement_id=departement_id)

    def whole(self):
        """The values for the whole population (no segment)."""
        return self.filter(dimension=Dimension.ALL, segment="")

    def at_level(self, level, code=""):
        qs = self.filter(territory_level=level)
        return qs.filter(territory_code=code) if code else qs


class IndicatorValue(models.Model):
    """A computed value: an indicator for a territory, a period and a segment, as of its last computation.

    `numerator` and `denominator` are kept so that a rate or a mean can be re-aggregated and explained; the
    value is derived from them (a count has no denominator). `run` is the computation that last wrote the value
    (created or changed it): a computation that finds the same value leaves the row as it is. Which computation
    last computed the indicator for the period, and as of which day, is its `ComputedPeriod`."""

    # No index of their own on the foreign keys (decision 0045): `indicator` and `departement` lead the unique key
    # and the period index, which serve their lookups and cascades; an index on `run` would make every changed value
    # a non-HOT update rewritten in all the table's indexes, and nothing reads or deletes values by their run.
    # Not checked by the database either (decision 0048): the computation writes the ids it has just read, the two
    # checks were 40 % of inserting a value, and Django still cascades a deletion.
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="indicateur",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    territory_level = models.CharField("niveau", max_length=12, choices=TerritoryLevel.choices)
    territory_code = models.CharField("territoire", max_length=20)
    period_kind = models.CharField("période", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("début de la période")
    dimension = models.CharField("ventilation", max_length=20, choices=Dimension.choices, blank=True)
    segment = models.CharField("segment", max_length=120, blank=True)
    numerator = models.FloatField("numérateur")
    denominator = models.FloatField("dénominateur", null=True, blank=True)
    value = models.FloatField("valeur", null=True, blank=True)
    # Not checked by the database (decision 0046): each changed value of a nightly run sets it, and the check cost a
    # lookup per row; the computation that sets it has just created its run, and nothing deletes one.
    run = models.ForeignKey(
        SnapshotRun,
        verbose_name="calcul",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        # Every index ends with the Département rather than starting with it (decision 0052): within its partition it
        # is the same on every row, and a full recompute sorts three million rows per index, each comparison going
        # past it. Lookups give each column, so the order serves them alike, but for what leads: the unique key
        # leads with the indicator (the screens join the indicators by code, then probe their values).
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "period_start",
                    "territory_code",
                    "territory_level",
                    "period_kind",
                    "dimension",
                    "segment",
                    "departement",
                ],
                name="indicator_value_unique",
            )
        ]
        indexes = [
            # The summary, the homes and the figures pages read the whole values (no segment) of the Département and
            # its territories: without it, a full table of three years (3.4 M values at Nord scale) is scanned.
            models.Index(
                fields=["territory_level", "indicator", "period_kind", "period_start", "departement"],
                name="value_whole_idx",
                condition=models.Q(dimension=""),
            ),
            # A computation compares its values with the stored ones of its periods (a few of the table's periods)
            # through the unique key: its indicators, then the period's first day. The unique key also serves the
            # values of an indicator by kind of period (an entered indicator's years, an open dataset's periods):
            # a few milliseconds over the indicator's entries, where an index of their own cost a full recompute
            # as much to build as the unique key (decision 0053).
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.territory_level} {self.territory_code} {self.period_start}: {self.value}"


class ComputedPeriod(models.Model):
    """The computation that last computed an indicator for a period of a Département: the day its stored values hold
    for (`run.as_of`), whether or not it changed them. Written with the values, in the same transaction."""

    indicator = models.ForeignKey(Indicator, verbose_name="indicateur", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    period_kind = models.CharField("période", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("début de la période")
    run = models.ForeignKey(SnapshotRun, verbose_name="calcul", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "période calculée"
        verbose_name_plural = "périodes calculées"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "departement", "period_kind", "period_start"], name="computed_period_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_kind} {self.period_start}: calcul {self.run_id}"


def computed_as_of():
    """For a queryset of values: the day their indicator's period was last computed as of (`ComputedPeriod`), which
    a value found unchanged since an older computation does not say by its own `run`; None for an entered value."""
    return models.Subquery(
        ComputedPeriod.objects.filter(
            indicator=models.OuterRef("indicator"),
            departement=models.OuterRef("departement"),
            period_kind=models.OuterRef("period_kind"),
            period_start=models.OuterRef("period_start"),
        ).values("run__as_of")[:1]
    )


class PersonSegment(models.Model):
    """Working table of the engine: each person's day-dependent segments on the periods' last days, computed for all
    the days of a computation in one set-based statement (`segments.SegmentBatch`) and joined by every indicator of
    each day, instead of per-row subqueries in each indicator's query. A row holds for the batch's days from `day` to
    before `until`: a person whose segments do not change over three years has one row, not one per month end. Rows
    live only during a computation (`batch`); on PostgreSQL the table is UNLOGGED (no WAL: it is never needed after a
    crash, nor on a replica)."""

    batch = models.BigIntegerField("lot")
    day = models.DateField("du jour")
    until = models.DateField("jusqu'au jour (exclu)")
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # Looked up by (batch, person, day) only: a second index on the person would be kept up for every row of a
        # computation and never read.
        db_index=False,
        related_name="observatory_segments",
    )
    household_id = models.BigIntegerField("foyer", null=True)
    opened_on = models.DateField("ouverture du droit", null=True)
    requested_on = models.DateField("demande du RSA", null=True)
    partner = models.BooleanField("conjoint au foyer", default=False)
    child = models.BooleanField("enfant au foyer", default=False)
    orientation_type = models.CharField("type d'orientation", max_length=20)
    dispositif = models.CharField("dispositif", max_length=120)
    # The stock indicators' filters of the day, with the EXISTS semantics of their definitions: subject to rights and
    # duties, an orientation in force toward an organisme référent (and its DREES group), a CER valid that day.
    subject = models.BooleanField("soumise aux droits et devoirs", default=False)
    oriented = models.BooleanField("orientée vers un organisme référent", default=False)
    to_france_travail = models.BooleanField("orientée vers France Travail", default=False)
    to_other_spe = models.BooleanField("orientée vers un autre organisme du SPE", default=False)
    to_departement = models.BooleanField("orientée vers le Département", default=False)
    cer_valid = models.BooleanField("CER valide", default=False)

    class Meta:
        verbose_name = "segments d'une personne (calcul)"
        verbose_name_plural = "segments des personnes (calcul)"
        indexes = [
            models.Index(fields=["batch", "person", "day"], name="person_segment_interval"),
            # The entrants of a period (B13, B14: the RSA requested in it), a few hundred rows of a batch's hundreds of
            # thousands, read 102 times a recompute (decision 0055).
            models.Index(fields=["batch", "requested_on"], name="person_segment_request"),
        ]

    def __str__(self):
        return f"{self.person_id} du {self.day} au {self.until} (exclu)"


class IndicatorTargetQuerySet(models.QuerySet):
    def of_departement(self, departement_id):
        return self.filter(departement_id=departement_id)


class IndicatorTarget(BaseModel):
    """The value the Département aims at for an indicator in a year, for the whole Département or one of its
    territories; set by its programme pilot. Stored in the unit of the indicator's values (a rate as a share of
    1, as in `IndicatorValue.value`)."""

    indicator = models.ForeignKey(Indicator, verbose_name="indicateur", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("année")
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : l'objectif du Département entier.",
    )
    value = models.FloatField("objectif")
    set_by = models.ForeignKey(
        "accounts.User", verbose_name="fixé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = IndicatorTargetQuerySet.as_manager()

    class Meta:
        verbose_name = "objectif d'indicateur"
        verbose_name_plural = "objectifs d'indicateurs"
        ordering = ["-year", "indicator__position", "territory__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "departement", "year", "territory"],
                name="indicator_target_unique_territory",
                condition=models.Q(territory__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "departement", "year"],
                name="indicator_target_unique_departement",
                condition=models.Q(territory__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Objectif {self.indicator_id} {self.year}"


from jalon.observatory.entered.models import *  # noqa: E402, F403


class OpenDataSettings(BaseModel):
    """How a Département publishes its open data: which indicators, the secrecy threshold, where segments go.

    Edited by its programme pilot or analyst (`opendata_services.opendata_settings_update`); a Département
    without a row publishes with the defaults of `opendata_datasets`."""

    departement = models.OneToOneField(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
    )
    indicators = models.JSONField("indicateurs publiés", default=list, blank=True)
    threshold = models.PositiveSmallIntegerField("seuil du secret statistique", default=5)
    segment_level = models.CharField(
        "niveau des ventilations",
        max_length=12,
        choices=[(TerritoryLevel.TERRITORY, "territoires du Département"), (TerritoryLevel.EPCI, "EPCI")],
        default=TerritoryLevel.TERRITORY,
    )
    territory_kind = models.CharField("territoires publiés", max_length=10, default="sdsei")

    class Meta:
        verbose_name = "réglages des données ouvertes"
        verbose_name_plural = "réglages des données ouvertes"

    def __str__(self):
        return f"Données ouvertes ({self.departement_id})"
