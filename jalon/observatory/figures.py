"""The « Chiffres de l'orientation » page, read from the indicator engine: every figure is a catalogue indicator
(P01 present, P02 taux d'orientation, P03 réorientations, P04 professionals per cell, P05 decisions by type and
dispositif, P06 mean delay, J01/J02 shares within 15 and 30 days), so the page and the observatory agree."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from jalon.core.periods import months_between
from jalon.observatory.engine import Cell, Places, Result, computations, evaluate
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.models import IndicatorValue, computed_as_of
from jalon.observatory.periods import Period, Span
from jalon.observatory.routers import on_replica
from jalon.orientation.enums import OrientationType
from jalon.territories.models import Territory


def full_months(months: list[date], start: date, end: date) -> list[date]:
    """The months of the list that the period [start, end] covers whole."""
    return [month for month in months if start <= month and Period(PeriodKind.MONTH, month).end <= end]


def stored_month_results(
    departement_id: str, codes, months: list[date], *, dimensions: dict | None = None
) -> dict[date, dict[str, Result]]:
    """The values `snapshot_compute` stored for these calendar months, as the engine's results: {month: {code:
    {(level, territory, dimension, segment): Cell}}}, for the Département and its territories. The figures pages
    read them instead of evaluating the engine live (one query instead of one per indicator and month: 1.2–1.7 s
    for « Chiffres des carnets » at Nord scale). A month is given only when every indicator's values are there and
    were computed after the month ended; the month still running is left to the live evaluation. `dimensions`
    names the segments an indicator's figures need besides the whole ({"P05": (Dimension.ORIENTATION_TYPE, …)})."""
    dimensions = dimensions or {}
    if not months:
        return {}
    wanted = Q(dimension=Dimension.ALL)
    for code, names in dimensions.items():
        wanted |= Q(indicator__code=code, dimension__in=names)
    rows = IndicatorValue.objects.filter(
        wanted,
        departement_id=departement_id,
        indicator__code__in=list(codes),
        period_kind=PeriodKind.MONTH,
        period_start__in=months,
        territory_level__in=(TerritoryLevel.DEPARTEMENT, TerritoryLevel.TERRITORY),
    ).values_list(
        "indicator__code",
        "period_start",
        "territory_level",
        "territory_code",
        "dimension",
        "segment",
        "numerator",
        "denominator",
        computed_as_of(),
    )
    found: dict = defaultdict(lambda: defaultdict(dict))
    for code, month, level, territory, dimension, segment, numerator, denominator, as_of in rows:
        if as_of is None or as_of <= Period(PeriodKind.MONTH, month).end:
            continue  # computed while the month was running: its figures still move
        found[month][code][(level, territory, dimension, segment)] = Cell(numerator, denominator or 0.0)

    def complete(month_results: dict) -> bool:
        for code in codes:
            result = month_results.get(code)
            whole = result and result.get((TerritoryLevel.DEPARTEMENT, departement_id, Dimension.ALL, ""))
            if not whole:
                return False
            # Stored without its segments (the demo's early history): the split is missing, not zero.
            if whole.numerator and any(not any(key[2] == name for key in result) for name in dimensions.get(code, ())):
                return False
        return True

    return {month: dict(results) for month, results in found.items() if complete(results)}


def _percent_label(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def _decimal_label(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _divide(cell: Cell) -> float | None:
    return cell.numerator / cell.denominator if cell.denominator else None


@dataclass
class PeriodFigures:
    """The orientation figures of one territory over a month (or the whole chosen period)."""

    month: date
    present: int = 0
    oriented: int = 0  # present at a cell and oriented by it (P02's numerator)
    reorientations: int = 0
    cells: Cell = field(default_factory=Cell)  # professionals / cells
    delay: Cell = field(default_factory=Cell)  # days / first orientations
    within_15: Cell = field(default_factory=Cell)
    within_30: Cell = field(default_factory=Cell)
    by_type: dict = field(default_factory=dict)
    by_dispositif: dict = field(default_factory=dict)

    @property
    def orientation_rate(self) -> float | None:
        return self.oriented / self.present if self.present else None

    @property
    def sessions(self) -> int:
        return int(self.cells.denominator)

    @property
    def professionals_per_session(self) -> float | None:
        return _divide(self.cells)

    @property
    def first_orientations(self) -> int:
        return int(self.delay.denominator)

    @property
    def mean_delay(self) -> float | None:
        return _divide(self.delay)

    @property
    def within_15_days(self) -> float | None:
        return _divide(self.within_15)

    @property
    def within_30_days(self) -> float | None:
        return _divide(self.within_30)

    @property
    def rate_label(self) -> str:
        return _percent_label(self.orientation_rate)

    @property
    def professionals_label(self) -> str:
        return _decimal_label(self.professionals_per_session)

    @property
    def mean_delay_label(self) -> str:
        return _decimal_label(self.mean_delay)

    @property
    def within_15_days_label(self) -> str:
        return _percent_label(self.within_15_days)

    @property
    def within_30_days_label(self) -> str:
        return _percent_label(self.within_30_days)

    @property
    def type_counts(self) -> list[int]:
        return [self.by_type.get(value, 0) for value in OrientationType.values]


@dataclass
class ScopeFigures:
    label: str
    territory_id: int | None
    months: list[PeriodFigures]
    period: PeriodFigures

    @property
    def dispositif_rows(self) -> list[tuple[str, int, str]]:
        """(dispositif, decisions, share) over the period, the most used first."""
        total = sum(self.period.by_dispositif.values())
        rows = sorted(self.period.by_dispositif.items(), key=lambda row: (-row[1], row[0]))
        return [(name, count, _percent_label(count / total)) for name, count in rows if count]


@dataclass
class OrientationFigures:
    start: date
    end: date
    months: list[date]
    dispositifs: list[str]
    scopes: list[ScopeFigures]  # the whole scope first, then each territory (when no territory is chosen)

    @property
    def main(self) -> ScopeFigures:
        return self.scopes[0]

    @property
    def types(self) -> list[tuple[str, str]]:
        return list(OrientationType.choices)


CODES = ("P01", "P02", "P03", "P04", "P06", "J01", "J02")
SPLIT = (Dimension.ORIENTATION_TYPE, Dimension.DISPOSITIF)  # P05's decisions by type and dispositif


def _fill(
    departement_id: str, period, places: Places, scopes: list[tuple[str, str]], stored: dict | None = None
) -> dict[str, PeriodFigures]:
    """The figures of `period` for each scope (level, code): from the stored values of the period when given,
    otherwise from one evaluation of each indicator."""
    if stored is not None:
        results, decisions = {code: stored[code] for code in CODES}, stored["P05"]
    else:
        registry = computations()
        results = {
            code: evaluate(registry[code], departement_id, period, segmented=False, places=places) for code in CODES
        }
        decisions = evaluate(registry["P05"], departement_id, period, only=SPLIT, places=places)
    figures = {}
    for level, code in scopes:

        def cell(indicator: str, level=level, code=code) -> Cell:
            return results[indicator].get((level, code, Dimension.ALL, ""), Cell())

        entry = PeriodFigures(period.start)
        entry.present = int(cell("P01").numerator)
        entry.oriented = int(cell("P02").numerator)
        entry.reorientations = int(cell("P03").numerator)
        entry.cells, entry.delay = cell("P04"), cell("P06")
        entry.within_15, entry.within_30 = cell("J01"), cell("J02")
        for (row_level, row_code, dimension, segment), value in decisions.items():
            if (row_level, row_code) != (level, code):
                continue
            if dimension == Dimension.ORIENTATION_TYPE:
                entry.by_type[segment] = int(value.numerator)
            elif dimension == Dimension.DISPOSITIF:
                entry.by_dispositif[segment] = int(value.numerator)
        figures[code] = entry
    return figures


@on_replica  # a screen's reads: on the replica when there is one
def orientation_figures(*, departement_id, start: date, end: date, territory_id=None) -> OrientationFigures:
    """The orientation figures by territory and month, and over the whole period (a person present in two months
    counts once in the period)."""
    months = months_between(start, end)
    territories = Territory.objects.in_departement(departement_id).order_by("name")
    if territory_id:
        territories = territories.filter(pk=territory_id)
    named = list(territories.values_list("pk", "name"))
    if territory_id:
        scopes = [(TerritoryLevel.TERRITORY, str(territory_id), dict(named).get(territory_id, "Territoire"))]
    else:
        scopes = [(TerritoryLevel.DEPARTEMENT, departement_id, "Ensemble du département")]
        scopes += [(TerritoryLevel.TERRITORY, str(pk), name) for pk, name in named]
    keys = [(level, code) for level, code, _ in scopes]
    places = Places.of(departement_id)
    stored = stored_month_results(
        departement_id, (*CODES, "P05"), full_months(months, start, end), dimensions={"P05": SPLIT}
    )
    by_month = {
        month: _fill(
            departement_id,
            Span(max(month, start), min(Period(PeriodKind.MONTH, month).end, end)),
            places,
            keys,
            stored.get(month),
        )
        for month in months
    }
    whole = _fill(departement_id, Span(start, end), places, keys)
    dispositifs = sorted({name for entry in whole.values() for name in entry.by_dispositif})
    return OrientationFigures(
        start=start,
        end=end,
        months=months,
        dispositifs=dispositifs,
        scopes=[
            ScopeFigures(
                label,
                int(code) if level == TerritoryLevel.TERRITORY else None,
                [by_month[month][code] for month in months],
                whole[code],
            )
            for level, code, label in scopes
        ],
    )


def _percent(value: float | None) -> str:
    # Decimal comma: the CSV is read by spreadsheet software set to French.
    return "" if value is None else f"{value * 100:.1f}".replace(".", ",")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def figures_rows(figures: OrientationFigures):
    """The figures as CSV rows (header first): one row per territory (or the whole) and month."""
    yield [
        "Territoire",
        "Mois",
        "Présents en cellule (P01)",
        "Orientés par la cellule (P02, numérateur)",
        "Taux d'orientation (%) (P02)",
        "Réorientations (P03)",
        *[f"Décisions {label} (P05)" for _, label in OrientationType.choices],
        *[f"Dispositif : {name}" for name in figures.dispositifs],
        "Cellules (P04)",
        "Professionnels par cellule (P04)",
        "Premières orientations",
        "Délai moyen demande → orientation (jours) (P06)",
        "Orientés sous 15 jours (%) (J01)",
        "Orientés sous 30 jours (%) (J02)",
    ]
    for scope in figures.scopes:
        for month in scope.months:
            yield [
                scope.label,
                f"{month.month:%Y-%m}",
                month.present,
                month.oriented,
                _percent(month.orientation_rate),
                month.reorientations,
                *month.type_counts,
                *[month.by_dispositif.get(name, 0) for name in figures.dispositifs],
                month.sessions,
                _number(month.professionals_per_session),
                month.first_orientations,
                _number(month.mean_delay),
                _percent(month.within_15_days),
                _percent(month.within_30_days),
            ]
