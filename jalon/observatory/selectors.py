"""Reads of the observatory: the catalogue, an indicator's definition and its values for the actor's Département."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from jalon.core.periods import add_months
from jalon.core.scoping import Actor
from jalon.observatory.engine import REGISTRY, Places, computations, evaluate, value_of
from jalon.observatory.enums import Dimension, PeriodKind, Source, TerritoryLevel, Unit
from jalon.observatory.models import Indicator, IndicatorValue
from jalon.observatory.periods import Period, periods_between
from jalon.observatory.routers import on_replica
from jalon.orientation.delays.selectors import actor_departement_id
from jalon.territories.models import Territory


if TYPE_CHECKING:
    from jalon.observatory.entered.selectors import EnteredValues


def catalogue(*, seed: str = "", source: str = "", text: str = "") -> QuerySet:
    return Indicator.objects.of_seed(seed).with_source(source).search(text)


def catalogue_shares() -> list[tuple[str, int, float]]:
    """(source label, count, share) of the whole catalogue: what is computed, entered, received, still waiting."""
    counts = Counter(Indicator.objects.values_list("source", flat=True))
    total = sum(counts.values())
    return [(label, counts[value], counts[value] / total if total else 0.0) for value, label in Source.choices]


def indicator_for(*, code: str) -> Indicator:
    try:
        return Indicator.objects.get(code=code)
    except Indicator.DoesNotExist as error:
        raise Http404 from error


def format_value(unit: str, value: float | None) -> str:
    if value is None:
        return "NC"  # non concerné: nothing to divide, as the DREES writes it
    if unit == Unit.RATE:
        return f"{value * 100:.1f} %".replace(".", ",")
    if unit in (Unit.DAYS, Unit.RATIO):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:.0f}"


@dataclass
class ValueRow:
    label: str
    numerator: float
    denominator: float | None
    value: str


def _rows(unit: str, cells: list[tuple[str, float, float | None]]) -> list[ValueRow]:
    return [
        ValueRow(
            label,
            numerator,
            denominator if unit not in (Unit.COUNT, Unit.HOURS) else None,
            format_value(unit, value_of(unit, numerator, denominator)),
        )
        for label, numerator, denominator in cells
    ]


@dataclass
class IndicatorValues:
    computed_live: bool
    by_period: list[ValueRow]
    by_territory: list[ValueRow]
    territory_period: str


@on_replica  # a screen's reads: on the replica when there is one
def indicator_values(*, actor: Actor, indicator: Indicator, today: date) -> "IndicatorValues | EnteredValues | None":
    """The indicator's values for the actor's Département: the stored snapshot when there is one, else computed on
    the spot (the same query): the last three years and six months for the whole, the last full year by territory.
    An entered indicator shows its validated values (published in the same table, without a computation run)."""
    spec = REGISTRY.get(indicator.code) or computations().get(indicator.code)
    departement_id = actor_departement_id(actor)
    if spec is None and departement_id is not None and indicator.source in (Source.ENTERED, Source.PARTNER):
        from jalon.observatory.entered.selectors import entered_indicator_values

        return entered_indicator_values(actor=actor, indicator=indicator, departement_id=departement_id, today=today)
    if spec is None or departement_id is None:
        return None
    years = periods_between(PeriodKind.YEAR, date(today.year - 2, 1, 1), today)
    months = periods_between(PeriodKind.MONTH, add_months(today.replace(day=1), -5), today)
    periods = years + months
    last_year = Period(PeriodKind.YEAR, date(today.year - 1, 1, 1))
    territories = dict(Territory.objects.in_departement(departement_id).values_list("pk", "name"))
    if actor.territory_ids:
        territories = {pk: name for pk, name in territories.items() if pk in actor.territory_ids}
    stored = IndicatorValue.objects.filter(indicator=indicator, departement_id=departement_id, dimension=Dimension.ALL)
    if stored.exists():
        # Only the two levels shown: the communes' and EPCIs' values of a period are thousands of rows.
        found = {
            (kind, start, level, code): (numerator, denominator)
            for kind, start, level, code, numerator, denominator in stored.filter(
                period_start__in=[p.start for p in periods],
                territory_level__in=[TerritoryLevel.DEPARTEMENT, TerritoryLevel.TERRITORY],
            ).values_list(
                "period_kind", "period_start", "territory_level", "territory_code", "numerator", "denominator"
            )
        }

        def cell(period, level, code):
            return found.get((period.kind, period.start, level, code), (0.0, 0.0))

        live = False
    else:
        places = Places.of(departement_id)
        results = {p: evaluate(spec, departement_id, p, segmented=False, places=places) for p in periods}
        if last_year not in results:
            results[last_year] = evaluate(spec, departement_id, last_year, segmented=False, places=places)

        def cell(period, level, code):
            found_cell = results[period].get((level, code, Dimension.ALL, ""))
            return (found_cell.numerator, found_cell.denominator) if found_cell else (0.0, 0.0)

        live = True
    whole_scope = (TerritoryLevel.DEPARTEMENT, departement_id)
    if actor.territory_ids:
        by_period = []  # a manager limited to territories sees them, not the whole Département
    else:
        by_period = _rows(indicator.unit, [(p.label, *cell(p, *whole_scope)) for p in periods])
    by_territory = _rows(
        indicator.unit,
        [
            (name, *cell(last_year, TerritoryLevel.TERRITORY, str(pk)))
            for pk, name in sorted(territories.items(), key=lambda t: t[1])
        ],
    )
    return IndicatorValues(live, by_period, by_territory, last_year.label)


@dataclass
class LatestValue:
    period_start: date
    value: float | None
    shown: str


def latest_yearly_values(*, departement_id: str, codes) -> dict[str, LatestValue]:
    """Each indicator's value for the Département's latest computed year (whole Département, no breakdown): what
    a fiche action shows beside its targets."""
    units = dict(Indicator.objects.filter(code__in=codes).values_list("code", "unit"))
    rows = (
        IndicatorValue.objects.filter(
            departement_id=departement_id,
            indicator__code__in=codes,
            period_kind=PeriodKind.YEAR,
            territory_level=TerritoryLevel.DEPARTEMENT,
            dimension=Dimension.ALL,
            segment="",
        )
        .order_by("indicator__code", "-period_start")
        .values_list("indicator__code", "period_start", "numerator", "denominator")
    )
    latest: dict[str, LatestValue] = {}
    for code, start, numerator, denominator in rows:
        if code not in latest:
            value = value_of(units[code], numerator, denominator)
            latest[code] = LatestValue(start, value, format_value(units[code], value))
    return latest
