"""The Département's open data: datasets built from the stored snapshots, protected by statistical secrecy.

A dataset is one publishable indicator (a count or a rate computed by the engine) at one territory level
(département, territories of the Département, EPCI, commune) for one kind of period (year, quarter), optionally
broken down by one dimension (sex, age band…). Every complete period stored is a row group of the file.

Protection (decisions 0022 and 0028). Every dataset of an indicator is cut from the same counts, so the cells
published by one file must not let anyone recompute a cell hidden in another. For each period and each count
(the count itself, or the numerator and the denominator of a rate):

* **The whole population** is protected as one table, the hierarchy commune → EPCI → département (a commune
  without EPCI sits directly under the département; people without a known commune of the Département form a
  « non localisé » cell, so that the table adds up). The département, EPCI and commune files read their cells
  from this one suppression.
* **The territories of the Département** (SDSEI…) are another partition of the same communes: a territory is
  hidden as soon as one of its communes is hidden (a published territory is then the sum of published communes,
  so it reveals nothing), and so is the « hors territoire » remainder.
* **Segments** are published for the département and one sub-level only (the territories, or the EPCI, as the
  Département chooses): two sub-levels with segments would let the segments of one be crossed with the other's.
  The table level × segments is protected with its « ensemble » column frozen (it is published above): no
  protection pattern may move it, so segment patterns never reach the published whole. A row whose whole is
  hidden is hidden entirely, zeros included, so that the patterns protecting the whole can always be spread over
  its segments. When no pattern protects a small segment, the period's segments are all withheld.
* **Communes are never broken down** (the snapshots do not even keep their segments): a commune × segment
  request is refused.
* **A rate** is hidden when its numerator or its denominator is.

Before a file is written every table is verified again (`secrecy.verify`, which re-checks each certificate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from jalon.observatory.enums import Dimension, PeriodKind, Source, TerritoryLevel, Unit
from jalon.observatory.models import Indicator, IndicatorValue, OpenDataSettings, SnapshotRun
from jalon.observatory.periods import Period
from jalon.observatory.secrecy import (
    DEFAULT_THRESHOLD,
    Hierarchy,
    SecretCellError,
    Table,
    suppress,
    verify,
)
from jalon.observatory.segments import SEGMENT_LABELS, segment_label
from jalon.territories.models import Commune, Departement, Territory


PUBLISHABLE_UNITS = (Unit.COUNT, Unit.RATE)
# Counts and rates of persons a Département publishes first: its population subject to rights and duties, the
# long-term beneficiaries, exits, carnets, orientation decisions and the two rates the plans follow most.
DEFAULT_INDICATORS = ("L69", "L70", "L20", "L10", "L66", "P05", "B1", "J02")
PERIOD_KINDS = (PeriodKind.YEAR, PeriodKind.QUARTER)
LEVELS = (TerritoryLevel.DEPARTEMENT, TerritoryLevel.TERRITORY, TerritoryLevel.EPCI, TerritoryLevel.COMMUNE)
SEGMENT_LEVELS = (TerritoryLevel.TERRITORY, TerritoryLevel.EPCI)
MIN_THRESHOLD = 3  # below, counts of 1 or 2 persons would be published
MAX_THRESHOLD = 50
REST = "reste"  # code of the remainder row of a level (what its units do not cover)
REST_LABELS = {
    TerritoryLevel.COMMUNE: "Commune non renseignée ou hors du département",
    TerritoryLevel.EPCI: "Communes hors EPCI, ou non renseignées",
    TerritoryLevel.TERRITORY: "Communes hors territoires, ou non renseignées",
}
FREQUENCY = {PeriodKind.YEAR: "annual", PeriodKind.QUARTER: "quarterly"}
GRANULARITY = {
    TerritoryLevel.DEPARTEMENT: "fr:departement",
    TerritoryLevel.TERRITORY: "other",
    TerritoryLevel.EPCI: "fr:epci",
    TerritoryLevel.COMMUNE: "fr:commune",
}
LEVEL_LABELS = {
    TerritoryLevel.DEPARTEMENT: "département",
    TerritoryLevel.TERRITORY: "territoires du Département",
    TerritoryLevel.EPCI: "EPCI",
    TerritoryLevel.COMMUNE: "communes",
}
PERIOD_LABELS = {PeriodKind.YEAR: "annuel", PeriodKind.QUARTER: "trimestriel"}


class OpenDataRefused(ValueError):
    """An open-data request refused because it would reveal a secret cell, or makes no sense (French message)."""


# --- The Département's settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    threshold: int = DEFAULT_THRESHOLD
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    segment_level: str = TerritoryLevel.TERRITORY
    territory_kind: str = "sdsei"


def config_for(departement_id: str) -> Config:
    row = OpenDataSettings.objects.filter(departement_id=departement_id).first()
    if row is None:
        return Config()
    return Config(row.threshold, tuple(row.indicators) or DEFAULT_INDICATORS, row.segment_level, row.territory_kind)


def threshold_check(threshold: int) -> None:
    if threshold is None or threshold < MIN_THRESHOLD:
        raise OpenDataRefused(
            f"Le seuil du secret statistique doit être d'au moins {MIN_THRESHOLD} : avec un seuil de "
            f"{threshold}, des effectifs de une ou deux personnes seraient publiés, et ces personnes reconnues."
        )
    if threshold > MAX_THRESHOLD:
        raise OpenDataRefused(f"Le seuil du secret statistique ne peut dépasser {MAX_THRESHOLD}.")


def publishable_indicators() -> list[Indicator]:
    """The computed counts and rates: the indicators a Département may choose to publish."""
    return list(Indicator.objects.filter(source=Source.COMPUTED, unit__in=PUBLISHABLE_UNITS))


def published_indicators(config: Config) -> list[Indicator]:
    by_code = {i.code: i for i in publishable_indicators()}
    return [by_code[code] for code in config.indicators if code in by_code]


# --- Geography --------------------------------------------------------------------------------------------------


@dataclass
class Geography:
    departement: Departement
    communes: dict[str, tuple[str, str | None]]  # code -> (name, EPCI SIREN or None)
    epcis: dict[str, str]
    territories: dict[str, tuple[str, tuple[str, ...]]]  # str(pk) -> (name, communes)
    territories_overlap: bool

    @classmethod
    def of(cls, departement_id: str, territory_kind: str) -> Geography:
        departement = Departement.objects.get(code=departement_id)
        communes = {
            code: (name, epci)
            for code, name, epci in Commune.objects.filter(departement_id=departement_id)
            .order_by("name", "code")
            .values_list("code", "name", "epci_id")
        }
        epci_names = dict(
            Commune.objects.filter(departement_id=departement_id)
            .exclude(epci=None)
            .values_list("epci_id", "epci__name")
            .distinct()
        )
        epcis = dict(sorted(epci_names.items(), key=lambda item: (item[1], item[0])))
        members = defaultdict(list)
        links = Territory.communes.through.objects.filter(
            territory__departement_id=departement_id, territory__kind=territory_kind
        )
        for territory_id, commune_id in links.values_list("territory_id", "commune_id"):
            members[str(territory_id)].append(commune_id)
        names = Territory.objects.in_departement(departement_id).filter(kind=territory_kind).order_by("name", "pk")
        territories = {str(t.pk): (t.name, tuple(sorted(members[str(t.pk)]))) for t in names}
        seen = [c for _, cs in territories.values() for c in cs]
        return cls(departement, communes, epcis, territories, len(seen) != len(set(seen)))

    @property
    def code(self) -> str:
        return self.departement.code


# --- Protection of one period -----------------------------------------------------------------------------------

CellKey = tuple[str, str, str, str]  # (level, code, dimension, segment)


def _count(value) -> int:
    return int(round(value or 0))


def _geo_tree(geo: Geography):
    dep = (TerritoryLevel.DEPARTEMENT, geo.code)
    top, under = [], defaultdict(list)
    for code, (_, epci) in geo.communes.items():
        if epci:
            under[(TerritoryLevel.EPCI, epci)].append((TerritoryLevel.COMMUNE, code))
        else:
            top.append((TerritoryLevel.COMMUNE, code))
    children = {dep: [(TerritoryLevel.EPCI, e) for e in geo.epcis] + top + [(TerritoryLevel.COMMUNE, REST)]}
    children.update({epci: kids for epci, kids in under.items()})
    return dep, children


def _protect_whole(geo: Geography, whole: dict, threshold: int) -> dict[tuple[str, str], bool]:
    """Hidden or not, for every place of the commune → EPCI → département table and the derived rows."""
    dep, children = _geo_tree(geo)
    values = {(node,): _count(whole.get(node)) for node in [dep, *children[dep]]}
    for epci, communes in children.items():
        if epci == dep:
            continue
        for commune in communes:
            values[(commune,)] = _count(whole.get(commune))
        values[(epci,)] = sum(values[(c,)] for c in communes)
    listed = sum(values[(node,)] for node in children[dep] if node[1] != REST)
    values[((TerritoryLevel.COMMUNE, REST),)] = values[(dep,)] - listed
    table = Table(values, [Hierarchy(children)])
    result = suppress(table, threshold=threshold)
    verify(table, result.hidden(), threshold=threshold, certificates=result.certificates)
    hidden = {key[0]: result.is_secret(key) for key in values}
    count = {key[0]: value for key, value in values.items()}
    # Derived rows: a territory or a remainder is hidden as soon as one of the cells it adds up is hidden.
    non_located = (TerritoryLevel.COMMUNE, REST)
    for code, (_, communes) in geo.territories.items():
        parts = [(TerritoryLevel.COMMUNE, c) for c in communes]
        hidden[(TerritoryLevel.TERRITORY, code)] = any(hidden[p] for p in parts)
        count[(TerritoryLevel.TERRITORY, code)] = sum(count[p] for p in parts)
    in_territory = {c for _, cs in geo.territories.values() for c in cs}
    for level, parts in (
        (TerritoryLevel.TERRITORY, [c for c in geo.communes if c not in in_territory]),
        (TerritoryLevel.EPCI, [c for c, (_, epci) in geo.communes.items() if not epci]),
    ):
        nodes = [(TerritoryLevel.COMMUNE, c) for c in parts] + [non_located]
        hidden[(level, REST)] = any(hidden[n] for n in nodes)
        count[(level, REST)] = sum(count[n] for n in nodes)
    return hidden, count


def _units(geo: Geography, level: str) -> list[str]:
    if level == TerritoryLevel.TERRITORY:
        return list(geo.territories)
    if level == TerritoryLevel.EPCI:
        return list(geo.epcis)
    return []


def _protect_segments(
    geo: Geography, level: str | None, stored: dict, hidden_whole: dict, counts: dict, dimension: str, segments, t
) -> dict[CellKey, bool]:
    """Hidden or not, for every (place × segment) of the table département (→ level units) × segments."""
    dep = (TerritoryLevel.DEPARTEMENT, geo.code)
    rows = [dep] + ([(level, u) for u in _units(geo, level)] + [(level, REST)] if level else [])
    total, seg_nodes = ("E",), [("S", s) for s in segments]
    values = {}
    for row in rows:
        values[(row, total)] = counts[row]
        for node in seg_nodes:
            values[(row, node)] = _count(stored.get((*row, dimension, node[1])))
    if level:
        for node in [total, *seg_nodes]:
            values[((level, REST), node)] = values[(dep, node)] - sum(
                values[(r, node)] for r in rows[1:] if r[1] != REST
            )
    tree = {dep: rows[1:]} if level else {}
    table = Table(values, [Hierarchy(tree, [dep]), Hierarchy({total: seg_nodes})])
    forced = {(row, node) for row in rows if hidden_whole[row] for node in seg_nodes}
    frozen = {(row, total) for row in rows}
    result = {}
    try:
        protected = suppress(table, threshold=t, forced=forced, frozen=frozen)
        verify(table, protected.hidden(), threshold=t, certificates=protected.certificates)
        secret = protected.hidden()
    except SecretCellError:
        secret = {(row, node) for row in rows for node in seg_nodes}  # the period's segments are withheld
    for row, node in values:
        if node == total:
            continue
        # A hidden row hides its zeros too: the patterns protecting its whole must be free to move any segment.
        result[(*row, dimension, node[1])] = (row, node) in secret or (row, node) in forced
    return result, {(*row, dimension, node[1]): v for (row, node), v in values.items() if node != total}


@dataclass
class Measure:
    """One protected count per cell of a period: its value and whether it is secret."""

    value: dict[CellKey, int] = field(default_factory=dict)
    secret: dict[CellKey, bool] = field(default_factory=dict)


def protect_period(
    *, geo: Geography, stored: dict, config: Config, dimension: str, segments: list[str], segment_level
) -> Measure:
    """`stored` maps (level, code) for the whole and (level, code, dimension, segment) to a count."""
    hidden, counts = _protect_whole(geo, stored, config.threshold)
    measure = Measure()
    for place, value in counts.items():
        measure.value[(*place, "", "")] = value
        measure.secret[(*place, "", "")] = hidden[place]
    if dimension:
        secret, values = _protect_segments(
            geo, segment_level, stored, hidden, counts, dimension, segments, config.threshold
        )
        measure.secret.update(secret)
        measure.value.update(values)
    return measure


# --- A dataset ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    period: Period
    level: str
    code: str
    label: str
    segment: str
    segment_label: str
    numerator: int | None  # None: secret
    denominator: int | None
    rate: float | None  # a share, 0–1; None: secret or nothing to divide
    secret: bool


@dataclass
class Dataset:
    indicator: Indicator
    level: str
    period_kind: str
    dimension: str
    config: Config
    geography: Geography
    rows: list[Row]
    periods: list[Period]

    @property
    def is_rate(self) -> bool:
        return self.indicator.unit == Unit.RATE

    @property
    def slug(self) -> str:
        parts = [self.geography.code, self.indicator.code, self.level, self.period_kind]
        if self.dimension:
            parts.append(self.dimension)
        return "donnees-ouvertes-" + "-".join(parts).lower()

    @property
    def title(self) -> str:
        title = f"{self.indicator.wording} — {LEVEL_LABELS[self.level]}, {PERIOD_LABELS[self.period_kind]}"
        if self.dimension:
            title += f", par {Dimension(self.dimension).label}"
        return f"{title} ({self.geography.departement.name})"


def dataset_check(*, config: Config, indicator: Indicator | None, level: str, period_kind: str, dimension: str):
    """Refuse, in French, a dataset the Département does not publish or that would reveal a secret cell."""
    threshold_check(config.threshold)
    if indicator is None or indicator.code not in config.indicators:
        raise OpenDataRefused("Cet indicateur ne fait pas partie des données ouvertes du Département.")
    if indicator.source != Source.COMPUTED or indicator.unit not in PUBLISHABLE_UNITS:
        raise OpenDataRefused(
            "Seuls les effectifs et les taux calculés par Jalon sont publiés en données ouvertes : les moyennes "
            "et les délais révéleraient la situation de chacun quand ils portent sur peu de personnes."
        )
    if level not in LEVELS:
        raise OpenDataRefused("Ce niveau de territoire n'existe pas.")
    if period_kind not in PERIOD_KINDS:
        raise OpenDataRefused("Les données ouvertes sont publiées par année ou par trimestre.")
    if not dimension:
        return
    if dimension not in indicator.dimensions:
        raise OpenDataRefused("Cet indicateur ne peut pas être ventilé selon ce critère.")
    if level == TerritoryLevel.COMMUNE:
        raise OpenDataRefused(
            "Les communes sont publiées sans ventilation : croisées avec un sexe, un âge ou un profil, elles "
            "compteraient si peu de personnes que le secret statistique en masquerait l'essentiel, et les cases "
            "restantes permettraient de recalculer les cases masquées."
        )
    if level not in (TerritoryLevel.DEPARTEMENT, config.segment_level):
        allowed = LEVEL_LABELS[config.segment_level]
        raise OpenDataRefused(
            f"Le Département publie ses ventilations au niveau des {allowed} : les publier aussi à ce niveau "
            "permettrait de recalculer des cases masquées en croisant les deux fichiers."
        )


def _complete_periods(indicator, departement_id, period_kind) -> list[Period]:
    """The stored periods already over on the day of the last computation (a running period would change)."""
    run = SnapshotRun.objects.filter(departement_id=departement_id, finished_at__isnull=False).first()
    if run is None:
        return []
    starts = (
        IndicatorValue.objects.filter(indicator=indicator, departement_id=departement_id, period_kind=period_kind)
        .order_by("period_start")
        .values_list("period_start", flat=True)
        .distinct()
    )
    return [p for p in (Period(period_kind, s) for s in starts) if p.end < run.as_of]


def dataset_build(
    *, departement_id: str, indicator: Indicator | None, level: str, period_kind: str, dimension: str = ""
) -> Dataset:
    config = config_for(departement_id)
    dataset_check(config=config, indicator=indicator, level=level, period_kind=period_kind, dimension=dimension)
    geo = Geography.of(departement_id, config.territory_kind)
    if level == TerritoryLevel.TERRITORY and geo.territories_overlap:
        raise OpenDataRefused(
            "Des communes appartiennent à plusieurs territoires de ce type : publiés ensemble, ces territoires "
            "permettraient de recalculer des cases masquées."
        )
    segment_level = config.segment_level
    if segment_level == TerritoryLevel.TERRITORY and geo.territories_overlap:
        segment_level = None  # segments for the département alone
    periods = _complete_periods(indicator, departement_id, period_kind)
    values = IndicatorValue.objects.filter(
        indicator=indicator,
        departement_id=departement_id,
        period_kind=period_kind,
        period_start__in=[p.start for p in periods],
        dimension__in=["", dimension],
    ).values_list(
        "period_start", "territory_level", "territory_code", "dimension", "segment", "numerator", "denominator"
    )
    numerators, denominators = defaultdict(dict), defaultdict(dict)
    for start, lvl, code, dim, seg, num, den in values:
        key = (lvl, code) if not dim else (lvl, code, dim, seg)
        numerators[start][key] = num
        denominators[start][key] = den
    segments: list[str] = []
    if dimension:
        # Periods stored without their segments (old history) cannot be broken down: they are left out.
        periods = [
            p
            for p in periods
            if any(len(k) == 4 for k in numerators[p.start]) or not _count(numerators[p.start].get(_dep(geo)))
        ]
        found = {k[3] for p in periods for k in numerators[p.start] if len(k) == 4}
        segments = sorted(found | set(SEGMENT_LABELS.get(dimension, {})))
    rows: list[Row] = []
    is_rate = indicator.unit == Unit.RATE
    for period in periods:
        options = {"geo": geo, "config": config, "dimension": dimension, "segments": segments}
        num = protect_period(stored=numerators[period.start], segment_level=segment_level, **options)
        den = (
            protect_period(stored=denominators[period.start], segment_level=segment_level, **options)
            if is_rate
            else None
        )
        rows += _rows(geo, period, level, dimension, segments, num, den)
    return Dataset(indicator, level, period_kind, dimension, config, geo, rows, periods)


def _dep(geo):
    return (TerritoryLevel.DEPARTEMENT, geo.code)


def _places(geo: Geography, level: str) -> list[tuple[str, str, str]]:
    places = [(TerritoryLevel.DEPARTEMENT, geo.code, geo.departement.name)]
    if level == TerritoryLevel.TERRITORY:
        places += [(level, code, name) for code, (name, _) in geo.territories.items()]
    elif level == TerritoryLevel.EPCI:
        places += [(level, code, name) for code, name in geo.epcis.items()]
    elif level == TerritoryLevel.COMMUNE:
        places += [(level, code, name) for code, (name, _) in geo.communes.items()]
    if level != TerritoryLevel.DEPARTEMENT:
        places.append((level, REST, REST_LABELS[level]))
    return places


def _rows(geo, period, level, dimension, segments, num: Measure, den: Measure | None) -> list[Row]:
    rows = []
    for place_level, code, label in _places(geo, level):
        cuts = [("", "", "Ensemble")]
        if dimension:
            cuts += [(dimension, s, segment_label(dimension, s)) for s in segments]
        for dim, seg, seg_label in cuts:
            key = (place_level, code, dim, seg)
            n_secret = num.secret[key]
            d_secret = den.secret[key] if den else False
            n = None if n_secret else num.value[key]
            d = None if (den is None or d_secret) else den.value[key]
            rate = None
            if den is not None and n is not None and d:
                rate = n / d
            rows.append(
                Row(period, place_level, code, label, seg, seg_label if dim else "", n, d, rate, n_secret or d_secret)
            )
    return rows


def first_day_published(dataset: Dataset) -> date | None:
    return dataset.periods[0].start if dataset.periods else None
