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
    value is derived from them (a count has no denominator)."""

    indicator = models.ForeignKey(Indicator, verbose_name="indicateur", on_delete=models.CASCADE, related_name="+")
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.CASCADE, related_name="+"
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
    run = models.ForeignKey(SnapshotRun, verbose_name="calcul", on_delete=models.SET_NULL, null=True, related_name="+")

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
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
                name="indicator_value_unique",
            )
        ]
        indexes = [models.Index(fields=["departement", "indicator", "period_kind", "territory_level"])]

    def __str__(self):
        return f"{self.indicator_id} {self.territory_level} {self.territory_code} {self.period_start}: {self.value}"


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
