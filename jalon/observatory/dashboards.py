"""Reads of the observatory's dashboards: the director summary, an indicator's trend and its targets.

Everything is read from the stored snapshots (`IndicatorValue`), in a fixed number of queries whatever the number
of territories or months: one for the territories, one for the indicators, one for the values, one for the
targets. A territory manager sees his territories only: their numerators and denominators are added up (counts,
rates and means re-aggregate exactly from them), and the Département's own figure is not shown to him."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from jalon.core.periods import add_months
from jalon.core.scoping import Actor
from jalon.observatory import charts
from jalon.observatory.engine import value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel, Unit
from jalon.observatory.models import Indicator, IndicatorTarget, IndicatorValue
from jalon.observatory.periods import Period, periods_between
from jalon.observatory.selectors import format_value
from jalon.orientation.delays.selectors import actor_departement_id
from jalon.territories.models import Territory


@dataclass(frozen=True)
class HeadlineSpec:
    code: str
    label: str
    why: str
    better: str = ""  # "up", "down", or "" when neither direction is a success in itself


# The director summary's headline indicators, in reading order: the public, its orientation, its accompaniment,
# its exits. Each line says why a director looks at it.
HEADLINES = [
    HeadlineSpec(
        "L69",
        "Personnes soumises aux droits et devoirs",
        "La taille du public que le Département doit orienter et accompagner : le dénominateur de tout le reste.",
    ),
    HeadlineSpec(
        "B1",
        "Part des personnes soumises aux droits et devoirs orientées",
        "L'obligation légale d'orientation, mesurée comme la DREES (OARSA) : comparable aux chiffres nationaux.",
        "up",
    ),
    HeadlineSpec(
        "B13",
        "Délai moyen de la demande à la primo-orientation (jours)",
        "La rapidité d'entrée dans le parcours, avec la définition de la DREES.",
        "down",
    ),
    HeadlineSpec(
        "J02",
        "Premières orientations décidées en 30 jours au plus",
        "Le délai d'un mois entre la demande et l'orientation que vise la loi pour le plein emploi.",
        "up",
    ),
    HeadlineSpec(
        "P02",
        "Taux d'orientation des personnes présentes en cellule",
        "L'efficacité des cellules d'orientation (fiche 1 du plan des Pyrénées-Atlantiques).",
        "up",
    ),
    HeadlineSpec(
        "B9",
        "Part des personnes orientées hors France Travail ayant un CER valide",
        "Le contrat qui engage l'accompagnement après l'orientation (OARSA).",
        "up",
    ),
    HeadlineSpec(
        "L66",
        "Personnes ayant un carnet de bord",
        "La diffusion de l'outil de suivi partagé entre professionnels (Landes, C.32).",
        "up",
    ),
    HeadlineSpec(
        "L13",
        "Rendez-vous d'accompagnement par personne ayant un carnet",
        "L'intensité de l'accompagnement une fois le parcours ouvert (Landes, A.3).",
        "up",
    ),
    HeadlineSpec(
        "L70",
        "Personnes dont le droit est ouvert depuis 4 ans ou plus",
        "Le public de longue durée que les deux plans visent en priorité.",
        "down",
    ),
    HeadlineSpec(
        "L10",
        "Sorties du RSA",
        "Le résultat du parcours : des foyers qui quittent le RSA.",
        "up",
    ),
]
HEADLINE_CODES = [spec.code for spec in HEADLINES]
MONTHS = 12


def last_months(today: date, count: int = MONTHS) -> list[Period]:
    """The `count` last complete months before `today`'s month (the current month is still being filled)."""
    last = add_months(today.replace(day=1), -1)
    return periods_between(PeriodKind.MONTH, add_months(last, -(count - 1)), last)


def visible_territories(actor: Actor, departement_id: str) -> dict[str, str]:
    """{territory pk as stored in snapshots: name} of the Département, limited to a manager's own territories."""
    territories = Territory.objects.in_departement(departement_id)
    if actor.territory_ids:
        territories = territories.filter(pk__in=actor.territory_ids)
    return {str(pk): name for pk, name in territories.order_by("name").values_list("pk", "name")}


def _sum(cells) -> tuple[float, float] | None:
    cells = [cell for cell in cells if cell is not None]
    if not cells:
        return None
    return (sum(c[0] for c in cells), sum(c[1] or 0 for c in cells))


class _Values:
    """The snapshot cells read in one query, keyed by (code, period kind, period start, level, territory code)."""

    def __init__(self, rows):
        self.cells = {
            (r["indicator__code"], r["period_kind"], r["period_start"], r["territory_level"], r["territory_code"]): (
                r["numerator"],
                r["denominator"],
            )
            for r in rows
        }

    def scope(self, code, period: Period, territory_codes: list[str] | None, departement_id: str):
        """(numerator, denominator) of the scope: the Département, or the sum of a manager's territories."""
        if territory_codes is None:
            return self.cells.get((code, period.kind, period.start, TerritoryLevel.DEPARTEMENT, departement_id))
        return _sum(
            self.cells.get((code, period.kind, period.start, TerritoryLevel.TERRITORY, territory))
            for territory in territory_codes
        )

    def territory(self, code, period: Period, territory: str):
        return self.cells.get((code, period.kind, period.start, TerritoryLevel.TERRITORY, territory))


def _read_values(departement_id, codes, periods: list[Period], territory_codes: list[str], whole: bool):
    places = Q(territory_level=TerritoryLevel.TERRITORY, territory_code__in=territory_codes)
    if whole:
        places |= Q(territory_level=TerritoryLevel.DEPARTEMENT)
    by_kind = defaultdict(list)
    for period in periods:
        by_kind[period.kind].append(period.start)
    when = Q()
    for kind, starts in by_kind.items():
        when |= Q(period_kind=kind, period_start__in=starts)
    rows = (
        IndicatorValue.objects.filter(
            places, when, departement_id=departement_id, indicator__code__in=codes, dimension=Dimension.ALL, segment=""
        )
        .order_by()
        .values(
            "indicator__code",
            "period_kind",
            "period_start",
            "territory_level",
            "territory_code",
            "numerator",
            "denominator",
        )
    )
    return _Values(rows)


def _value(unit, cell) -> float | None:
    return value_of(unit, cell[0], cell[1]) if cell else None


def _target_status(better: str, actual: float | None, target: float | None) -> bool | None:
    if actual is None or target is None or not better:
        return None
    return actual >= target if better == "up" else actual <= target


@dataclass
class TerritoryRow:
    name: str
    value: float | None
    text: str
    numerator: float | None
    denominator: float | None


@dataclass
class Headline:
    spec: HeadlineSpec
    unit: str
    wording: str
    last_text: str
    last_label: str
    trend: list[tuple[str, str]]
    change_text: str
    sparkline: charts.Chart
    year: int
    target_text: str = ""
    year_text: str = ""
    target_met: bool | None = None
    territories: list[TerritoryRow] = field(default_factory=list)
    comparison: charts.Chart | None = None


@dataclass
class Summary:
    departement_id: str
    period_label: str
    whole: bool  # the Département as a whole (not a manager limited to territories)
    territory_names: list[str]
    headlines: list[Headline]
    has_values: bool


def _change_text(unit: str, first: float | None, last: float | None) -> str:
    """The change over the window, in the indicator's unit (points for a rate)."""
    if first is None or last is None:
        return ""
    delta = last - first
    if unit == Unit.RATE:
        text = f"{delta * 100:+.1f} pt"
    elif unit in (Unit.DAYS, Unit.RATIO):
        text = f"{delta:+.1f}"
    else:
        text = f"{delta:+.0f}"
    return text.replace(".", ",").replace("-", "−")


def _targets(departement_id, codes, years) -> dict:
    rows = IndicatorTarget.objects.filter(departement_id=departement_id, indicator__code__in=codes, year__in=years)
    return {
        (code, year, str(territory) if territory else ""): value
        for code, year, territory, value in rows.values_list("indicator__code", "year", "territory_id", "value")
    }


def director_summary(*, actor: Actor, today: date) -> Summary:
    departement_id = actor_departement_id(actor)
    territories = visible_territories(actor, departement_id)
    whole = not actor.territory_ids
    scope_codes = None if whole else list(territories)
    months = last_months(today)
    last = months[-1]
    year = Period(PeriodKind.YEAR, date(last.start.year, 1, 1))
    indicators = {
        code: (unit, wording)
        for code, unit, wording in Indicator.objects.filter(code__in=HEADLINE_CODES).values_list(
            "code", "unit", "wording"
        )
    }
    values = _read_values(departement_id, HEADLINE_CODES, [*months, year], list(territories), whole)
    targets = _targets(departement_id, HEADLINE_CODES, [year.start.year])
    # A manager of one territory sees that territory's target; of several, none is his alone.
    target_place = "" if whole else (next(iter(territories)) if len(territories) == 1 else None)
    headlines = []
    for spec in HEADLINES:
        if spec.code not in indicators:
            continue
        unit, wording = indicators[spec.code]

        def fmt(value, unit=unit):
            return format_value(unit, value)

        series = [(p.label, _value(unit, values.scope(spec.code, p, scope_codes, departement_id))) for p in months]
        last_value = series[-1][1]
        headline = Headline(
            spec=spec,
            unit=unit,
            wording=wording,
            last_text=fmt(last_value) if values.scope(spec.code, last, scope_codes, departement_id) else "—",
            last_label=last.label,
            trend=[(label, fmt(value)) for label, value in series],
            change_text=_change_text(unit, series[0][1], last_value),
            sparkline=charts.sparkline(
                series,
                title=f"{spec.label} : évolution sur {MONTHS} mois",
                description=f"De {series[0][0]} ({fmt(series[0][1])}) à {series[-1][0]} ({fmt(last_value)}).",
            ),
            year=year.start.year,
        )
        target = targets.get((spec.code, year.start.year, target_place)) if target_place is not None else None
        year_value = _value(unit, values.scope(spec.code, year, scope_codes, departement_id))
        if target is not None:
            headline.target_text = fmt(target)
            headline.year_text = fmt(year_value)
            headline.target_met = _target_status(spec.better, year_value, target)
        rows = []
        for code, name in territories.items():
            cell = values.territory(spec.code, last, code)
            value = _value(unit, cell)
            rows.append(TerritoryRow(name, value, fmt(value), *(cell if cell else (None, None))))
        headline.territories = rows
        headline.comparison = charts.hbar_chart(
            [(row.name, row.value) for row in rows],
            title=f"{spec.label} par territoire, {last.label}",
            description=(
                "Une barre par territoire"
                + (f" ; la ligne pointillée marque le Département ({fmt(last_value)})." if whole else ".")
            ),
            formatter=fmt,
            reference=last_value if whole else None,
            reference_label="Département" if whole else "",
        )
        headlines.append(headline)
    return Summary(
        departement_id=departement_id,
        period_label=last.label,
        whole=whole,
        territory_names=list(territories.values()),
        headlines=headlines,
        has_values=bool(values.cells),
    )


# -- one indicator -----------------------------------------------------------------------------------------------


@dataclass
class TargetRow:
    year: int
    place: str
    target_text: str
    actual_text: str
    met: bool | None


@dataclass
class IndicatorTrend:
    chart: charts.Chart
    rows: list[tuple[str, str]]
    targets: list[TargetRow]
    target_year: int


def indicator_trend(*, actor: Actor, indicator: Indicator, today: date, months: int = 24) -> IndicatorTrend:
    """The indicator's last `months` complete months (for the actor's scope), with this year's target drawn, and
    every target set for the last three years next to the year's actual value."""
    departement_id = actor_departement_id(actor)
    territories = visible_territories(actor, departement_id)
    whole = not actor.territory_ids
    scope_codes = None if whole else list(territories)
    periods = last_months(today, months)
    years = [Period(PeriodKind.YEAR, date(today.year - back, 1, 1)) for back in (2, 1, 0)]
    values = _read_values(departement_id, [indicator.code], [*periods, *years], list(territories), whole)
    unit = indicator.unit

    def fmt(value):
        return format_value(unit, value)

    series = [(p.label, _value(unit, values.scope(indicator.code, p, scope_codes, departement_id))) for p in periods]
    better = next((spec.better for spec in HEADLINES if spec.code == indicator.code), "")
    targets = IndicatorTarget.objects.filter(
        departement_id=departement_id, indicator=indicator, year__in=[p.start.year for p in years]
    ).select_related("territory")
    if not whole:
        targets = targets.filter(territory_id__in=[int(pk) for pk in territories])
    target_rows, drawn = [], None
    for target in targets.order_by("-year", "territory__name"):
        period = Period(PeriodKind.YEAR, date(target.year, 1, 1))
        if target.territory_id:
            actual = _value(unit, values.territory(indicator.code, period, str(target.territory_id)))
        else:
            actual = _value(unit, values.scope(indicator.code, period, None, departement_id))
        target_rows.append(
            TargetRow(
                target.year,
                target.territory.name if target.territory else "Département",
                fmt(target.value),
                fmt(actual),
                _target_status(better, actual, target.value),
            )
        )
        if target.year == today.year and target.territory_id is None and whole:
            drawn = target.value
    chart = charts.line_chart(
        series,
        title=f"{indicator.code} : évolution mensuelle sur {months} mois",
        description=(
            f"Valeur de chaque mois de {series[0][0]} à {series[-1][0]}"
            + (f" ; la ligne pointillée marque l'objectif {today.year} ({fmt(drawn)})." if drawn is not None else ".")
        ),
        formatter=fmt,
        target=drawn,
    )
    return IndicatorTrend(chart, [(label, fmt(value)) for label, value in series], target_rows, today.year)


def targets_of(*, actor: Actor):
    """The targets set for the actor's Département, newest year first, each with its value as written on screens."""
    targets = list(
        IndicatorTarget.objects.of_departement(actor_departement_id(actor))
        .select_related("indicator", "territory", "set_by")
        .order_by("-year", "indicator__position", "territory__name")
    )
    for target in targets:
        target.text = format_value(target.indicator.unit, target.value)
    return targets
