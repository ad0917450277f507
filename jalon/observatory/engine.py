"""The indicator engine: each computed indicator is one set-based query, registered once under its catalogue code.

A computation returns rows (persons, orientations, sessions…) annotated with `obs_num` and, for a rate or a mean,
`obs_den`. The engine groups them in the same query by place (commune, or the Département's territory for rows
that are not about persons) and by the person's segments on the period's last day, then rolls the groups up to
every territory level and every dimension in Python. Counts, rates and means are sums of numerators and
denominators, so the roll-up is exact; periods are never added together: each is its own query, so a person
counted in two months counts once in the quarter. Indicators declared as a `Share` (conditions on a common base)
are computed in one query with the other shares of their base when a computation stores them (`evaluate_shares`)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast

from jalon.observatory.enums import Dimension, Measure, TerritoryLevel, Unit
from jalon.observatory.periods import Period
from jalon.observatory.routers import primary
from jalon.observatory.segments import (
    BASE_DIMENSIONS,
    PERSON_DIMENSIONS,
    SegmentBatch,
    profile_of,
    profile_sql,
    segment_expressions,
)
from jalon.territories.models import Commune, Territory


@dataclass(frozen=True)
class Scope:
    departement_id: str
    period: Period
    # The persons' segments of the period's last day, when the computation prepared them (the household's right is
    # then read from them instead of a per-row subquery); None for a read-only evaluation (screens, a replica).
    segments: SegmentBatch | None = None
    # The query is evaluated on many days at once, the day a column (`shares_on_days`): a set the period selects
    # cannot be read once per statement, as it moves with each row's day.
    on_days: bool = False

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end


@dataclass(frozen=True)
class Share:
    """An indicator over persons, given as conditions on the rows of `base`: those meeting `population` (every row
    if None) are its denominator, and its numerator is, for each of them, `numerator` — a condition (a rate: 1 if
    met), or a number (a ratio: the person's appointments, say). A count (`counted`) has no denominator: the rows
    meeting both conditions, each counted once (every row of the population if `numerator` is None).

    Shares over the same `base` (the persons subject to rights and duties, the persons with a carnet) are computed
    together by `evaluate_shares`: one pass over the rows and one grouping for all of them, where each alone would
    cost both."""

    base: Callable[[Scope], QuerySet]
    population: Callable[[Scope], Q] | None  # None: every row of the base
    numerator: Callable[[Scope], Any] | None
    counted: bool = False

    def rows(self, scope: Scope) -> QuerySet:
        rows = self.base(scope) if self.population is None else self.base(scope).filter(self.population(scope))
        if self.counted:
            if self.numerator is not None:
                rows = rows.filter(self.numerator(scope))
            return rows.annotate(obs_num=Value(1))
        return rows.annotate(obs_num=measured(self.numerator(scope)), obs_den=Value(1))

    def columns(self, scope: Scope) -> tuple:
        """The numerator and the denominator of a row of the base, zero outside the population: evaluated with
        other shares over the same rows. A count's denominator is 1 where it counts (a group without any is
        left out, as its own rows would not have it), then dropped (`evaluate_shares`)."""
        population = self.population(scope) if self.population is not None else None
        if self.counted:
            condition = self.numerator(scope) if self.numerator is not None else None
            if population is not None and condition is not None:
                condition = population & condition
            elif condition is None:
                condition = population
            counted = Value(1) if condition is None else flag(condition)
            return counted, counted
        numerator = measured(self.numerator(scope))
        if population is None:
            return numerator, Value(1)
        # Nested, so that a costly numerator (a CER's actions) is only computed on the rows of its population.
        return Case(When(population, then=numerator), default=Value(0)), flag(population)


def flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0))


def measured(numerator):
    """A numerator given as a condition counts 1 when met; one given as a number is that number."""
    return flag(numerator) if getattr(numerator, "conditional", False) else numerator


@dataclass(frozen=True)
class Computation:
    code: str
    query: Callable[[Scope], QuerySet]
    unit: str
    measure: str
    population: str
    numerator: str
    denominator: str = ""
    # How a row leads to its person ("" when rows are persons, None when rows are not about one person).
    person_path: str | None = ""
    # How a row is placed: by the person's commune, or by a territory of the Département (sessions).
    commune_path: str | None = "commune_id"
    territory_path: str | None = None
    # Segments the row carries itself (an orientation's own type), instead of the person's on the last day.
    own_segments: dict = field(default_factory=dict)
    # A rate given as conditions on a base population (`query` is then `share.rows`).
    share: Share | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        return PERSON_DIMENSIONS if self.person_path is not None else ()

    @property
    def bound_to_100(self) -> bool:
        return self.unit == Unit.RATE

    @property
    def evaluated_as(self) -> tuple:
        """What its result depends on besides the scope: codes registered on the same query, placed and segmented
        alike (P06, L05 and L72 are one definition in three plans), have the same result."""
        return (self.query, self.person_path, self.commune_path, self.territory_path, tuple(self.own_segments.items()))


REGISTRY: dict[str, Computation] = {}


def share_indicator(code: str, share: Share, **definition) -> None:
    """Registers an indicator given as a `Share` (its query is the share's rows); a rate unless `unit` says."""
    if code in REGISTRY:
        raise ValueError(f"Indicator {code} is registered twice.")
    definition.setdefault("unit", Unit.COUNT if share.counted else Unit.RATE)
    REGISTRY[code] = Computation(code=code, query=share.rows, share=share, **definition)


def indicator(code: str, **definition):
    """Registers the decorated query as the computation of catalogue entry `code`."""

    def register(query):
        if code in REGISTRY:
            raise ValueError(f"Indicator {code} is registered twice.")
        REGISTRY[code] = Computation(code=code, query=query, **definition)
        return query

    return register


def computation(code: str) -> Computation:
    # The registrations live in the indicators package; importing it here keeps one entry point.
    import jalon.observatory.indicators  # noqa: F401

    return REGISTRY[code]


def computations() -> dict[str, Computation]:
    import jalon.observatory.indicators  # noqa: F401

    return REGISTRY


@dataclass
class Cell:
    numerator: float = 0.0
    denominator: float = 0.0

    def add(self, numerator, denominator) -> None:
        self.numerator += numerator or 0
        self.denominator += denominator or 0


def value_of(unit: str, numerator: float, denominator: float | None) -> float | None:
    """A count is its numerator; a rate, a mean or a ratio divides, and has no value over nothing."""
    if unit in (Unit.COUNT, Unit.HOURS):
        return numerator
    return numerator / denominator if denominator else None


@dataclass
class Places:
    """Where each commune and territory of a Département rolls up."""

    departement_id: str
    commune_epci: dict
    commune_territories: dict
    # Each place's levels, built once: a Département's roll-up asks for them some hundred thousand times.
    _levels: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, departement_id: str) -> "Places":
        commune_territories = defaultdict(list)
        links = Territory.communes.through.objects.filter(territory__departement_id=departement_id)
        for territory_id, commune_id in links.values_list("territory_id", "commune_id"):
            commune_territories[commune_id].append(str(territory_id))
        commune_epci = dict(
            Commune.objects.filter(departement_id=departement_id).exclude(epci=None).values_list("code", "epci_id")
        )
        return cls(departement_id, commune_epci, dict(commune_territories))

    def of_commune(self, commune_id) -> tuple[tuple[str, str], ...]:
        key = ("commune", commune_id)
        if key not in self._levels:
            levels = [(TerritoryLevel.DEPARTEMENT, self.departement_id)]
            if commune_id:
                levels.append((TerritoryLevel.COMMUNE, commune_id))
                if commune_id in self.commune_epci:
                    levels.append((TerritoryLevel.EPCI, self.commune_epci[commune_id]))
                levels += [(TerritoryLevel.TERRITORY, pk) for pk in self.commune_territories.get(commune_id, ())]
            self._levels[key] = tuple(levels)
        return self._levels[key]

    def zones(self) -> tuple[list, list, dict]:
        """The communes grouped by where they roll up besides themselves (their EPCI and territories): the zone of
        each commune (two lists, for an `unnest`) and the levels of each zone. Zone 0, the Département alone, is
        that of a row without a commune or with a commune the Département does not place. A few dozen zones at a
        large Département's scale, where there are hundreds of communes."""
        if "zones" not in self._levels:
            zone_of_key: dict = {(): 0}
            zone_levels: dict = {0: ((TerritoryLevel.DEPARTEMENT, self.departement_id),)}
            communes, zones = [], []
            for commune_id in sorted(set(self.commune_epci) | set(self.commune_territories)):
                levels = tuple(level for level in self.of_commune(commune_id) if level[0] != TerritoryLevel.COMMUNE)
                key = levels[1:]  # after the Département, which every zone has
                if key not in zone_of_key:
                    zone_of_key[key] = len(zone_of_key)
                    zone_levels[zone_of_key[key]] = levels
                communes.append(commune_id)
                zones.append(zone_of_key[key])
            self._levels["zones"] = (communes, zones, zone_levels)
        return self._levels["zones"]

    def zone_arrays(self) -> tuple[list, list[str]]:
        """The levels of all zones numbered, and the arrays `ZonedSums` joins: each commune's zone, and each zone's
        levels by number. Spelled once as array literals: a list parameter is dumped element by element at every
        execution (some four seconds of a full recompute's Python for these two thousand numbers and codes)."""
        if "zone_arrays" not in self._levels:
            communes, zones, zone_levels = self.zones()
            levels = list(dict.fromkeys(level for of_zone in zone_levels.values() for level in of_zone))
            number_of = {level: number for number, level in enumerate(levels)}
            zone_of_level, level_numbers = zip(
                *[(zone, number_of[level]) for zone, of_zone in zone_levels.items() for level in of_zone], strict=True
            )
            arrays = [_array_literal(values) for values in (communes, zones, zone_of_level, level_numbers)]
            self._levels["zone_arrays"] = (levels, arrays)
        return self._levels["zone_arrays"]

    def of_territory(self, territory_id) -> tuple[tuple[str, str], ...]:
        key = ("territory", territory_id)
        if key not in self._levels:
            levels = [(TerritoryLevel.DEPARTEMENT, self.departement_id)]
            if territory_id:
                levels.append((TerritoryLevel.TERRITORY, str(territory_id)))
            self._levels[key] = tuple(levels)
        return self._levels[key]


Result = dict[tuple[str, str, str, str], Cell]  # (level, territory code, dimension, segment) -> cell


def evaluate(
    spec: Computation,
    departement_id: str,
    period: Period,
    *,
    segmented: bool = True,
    only: tuple[str, ...] | None = None,
    places: Places | None = None,
    segments: SegmentBatch | None = None,
    commune_segments: bool = True,
) -> Result:
    """The indicator's numerators and denominators for every territory, and (if `segmented`) every segment, or
    only the dimensions listed in `only`.

    `segments` is a batch prepared by the caller for several indicators of the same day (`snapshot_compute`).
    Without it, a segmented evaluation prepares and discards its own (a write, on the primary database); an
    unsegmented one reads only, with per-row subqueries where an indicator needs the household's right.

    Without `commune_segments`, a commune has only its whole-population cell (what a computation stores): the
    segments are then grouped by zone of communes, not by commune (`_in_grouping_sets`)."""
    if segments is None and segmented and only is None and spec.person_path is not None:
        with primary(), SegmentBatch(departement_id) as batch:
            prepared = batch.prepare(period.end)
            return evaluate(
                spec,
                departement_id,
                period,
                only=only,
                places=places,
                segments=prepared,
                commune_segments=commune_segments,
            )
    if segments is not None:
        with primary():  # the batch's rows are on the primary (and maybe not yet committed)
            return _evaluate(spec, departement_id, period, segmented, only, places, segments, commune_segments)
    return _evaluate(spec, departement_id, period, segmented, only, places, segments, commune_segments)


def _evaluate(spec, departement_id, period, segmented, only, places, segments, commune_segments=True) -> Result:
    places = places or Places.of(departement_id)
    if segments is not None:
        segments.prepare(period.end)
    rows = spec.query(Scope(departement_id, period, segments)).order_by()
    if "obs_den" not in rows.query.annotations:
        rows = rows.annotate(obs_den=Value(0.0, output_field=FloatField()))
    place = spec.territory_path or spec.commune_path
    rows = rows.annotate(obs_place=F(place))
    dimensions: tuple = ()
    if only is not None:
        # Only the row's own segments, which need no join (a figures page's split by type, for instance).
        rows = rows.annotate(**{f"seg_{name}": spec.own_segments[name] for name in only})
        dimensions = only
    elif segmented and spec.person_path is not None:
        rows = _with_segments(rows, spec, period.end, segments)
        dimensions = BASE_DIMENSIONS
    sums = {"n": Sum(Cast("obs_num", FloatField())), "d": Sum(Cast("obs_den", FloatField()))}
    if GROUPING_SETS and dimensions == BASE_DIMENSIONS and connections[rows.db].vendor == "postgresql":
        totals = _in_grouping_sets(
            rows,
            [("obs_num", "obs_den")],
            places,
            spec,
            commune_segments,
        )
        result = {(TerritoryLevel.DEPARTEMENT, departement_id, Dimension.ALL, ""): Cell()}  # as `_rolled_up`
        return result | {key: Cell(*values) for key, values in totals.items()}
    else:
        by_place = _by_place(
            rows.values("obs_place", *[f"seg_{name}" for name in dimensions]).annotate(**sums), dimensions
        )
    return _rolled_up(by_place, departement_id, places, spec)


def _with_segments(rows: QuerySet, spec: Computation, day: date, segments: SegmentBatch) -> QuerySet:
    prefix = f"{spec.person_path}__" if spec.person_path else ""
    rows = segments.join(rows, day, prefix)
    expressions = {**segment_expressions(day, prefix), **spec.own_segments}
    return rows.annotate(**{f"seg_{name}": expressions[name] for name in BASE_DIMENSIONS})


def _rolled_up_columns(grouped: dict, places: Places, spec: Computation) -> dict:
    """`_rolled_up` of several columns at once (the numerators and denominators of shares evaluated together):
    each place's values are added to every level it rolls up to, in the same order, so the sums are the same."""
    locate = places.of_territory if spec.territory_path else places.of_commune
    totals: dict = {}
    for (place, dimension, segment), values in grouped.items():
        for level, code in locate(place):
            key = (level, code, dimension, segment)
            rolled = totals.get(key)
            totals[key] = values if rolled is None else [a + b for a, b in zip(rolled, values, strict=True)]
    return totals


def _rolled_up(by_place: dict, departement_id: str, places: Places, spec: Computation) -> Result:
    result: Result = defaultdict(Cell)
    result[(TerritoryLevel.DEPARTEMENT, departement_id, Dimension.ALL, "")] = Cell()  # zero is a value, not a gap
    locate = places.of_territory if spec.territory_path else places.of_commune
    for (place, dimension, segment), cell in by_place.items():
        numerator, denominator = cell.numerator, cell.denominator
        for level, code in locate(place):
            rolled = result[(level, code, dimension, segment)]
            rolled.numerator += numerator
            rolled.denominator += denominator
    return dict(result)


def evaluate_shares(
    specs: list[Computation],
    departement_id: str,
    period: Period,
    *,
    places: Places,
    segments: SegmentBatch,
    commune_segments: bool = True,
) -> dict[str, Result]:
    """The segmented results of several shares over the same base, in one query (PostgreSQL, with the day's
    segment batch): each row carries a numerator and a denominator per share, zero outside its population, and
    PostgreSQL sums them all in the same GROUPING SETS. A group where a share has no row is left out of its result,
    as its own evaluation would not have it. Equal to `evaluate` of each (`test_golden` compares them)."""
    return evaluate_shares_over(
        [(period, specs)], departement_id, places=places, segments=segments, commune_segments=commune_segments
    )[period]


def base_reads_the_last_day_only(base: Callable[[Scope], QuerySet], scopes: list[Scope]) -> bool:
    """Whether a share's base selects the same rows for these scopes, which end on the same day: the same SQL and
    parameters (the persons with a carnet on the last day, say, but not the persons first oriented in the period)."""
    compiled = {base(scope).order_by().query.sql_with_params() for scope in scopes}
    return len(compiled) == 1


def evaluate_shares_over(
    asked: list[tuple[Period, list[Computation]]],
    departement_id: str,
    *,
    places: Places,
    segments: SegmentBatch,
    commune_segments: bool = True,
) -> dict[Period, dict[str, Result]]:
    """`evaluate_shares` of shares over the same base for several periods that end on the same day, in one query,
    when the base reads nothing of a period but its last day (`base_reads_the_last_day_only`): the rows, their
    segments and places are those of the day, and each (period, share) is its own pair of columns, computed with the
    period's scope (the carnet's appointments of the month, of the quarter, of the year). The results are those of
    each period's own `evaluate_shares`."""
    rows, measures, column_of = shares_rows(asked, departement_id, segments)
    totals = _in_grouping_sets(rows, [(name,) for name in measures], places, asked[0][1][0], commune_segments)
    return share_results(asked, departement_id, column_of, totals)


def shares_rows(
    asked, departement_id: str, segments: SegmentBatch, *, on_days: bool = False
) -> tuple[QuerySet, dict, dict]:
    """The query of `evaluate_shares_over` before its grouping: the base's rows with their place, segments and a
    column per distinct numerator or denominator; the columns by name, and the positions of each (period, share)'s
    numerator and denominator among them. `on_days`: the query is written for many days (`shares_on_days`), so its
    columns are the same whatever the day: a period kind's are never merged with another's (on a 31 January the
    month, the quarter and the year to date count the same appointments)."""
    first_period, first_specs = asked[0]
    base = first_specs[0].share.base
    day = first_period.end
    if any(
        spec.share is None or spec.share.base is not base or period.end != day
        for period, specs in asked
        for spec in specs
    ):
        raise ValueError("Only shares over the same base, for periods ending on the same day, are evaluated together.")
    segments.prepare(day)
    scopes = {period: Scope(departement_id, period, segments, on_days=on_days) for period, _ in asked}
    if len(scopes) > 1 and not base_reads_the_last_day_only(base, list(scopes.values())):
        raise ValueError("This base depends on the period's start: its periods are evaluated apart.")
    populations = [
        spec.share.population and spec.share.population(scopes[period]) for period, specs in asked for spec in specs
    ]
    rows = base(scopes[first_period]).order_by()
    if None not in populations:
        anyone = populations[0]
        for population in populations[1:]:
            anyone |= population
        rows = rows.filter(anyone)
    # Each distinct expression is one column: a share registered under several codes, the denominators of the shares
    # over the same population (B1–B4's seniority bands…) are summed once.
    expressions: list = []
    column_of: dict = {}  # (period, share) -> the positions of its numerator and denominator

    def position(expression, kind: str) -> int:
        owned = (kind if on_days else None, expression)
        for index, known in enumerate(expressions):
            if known == owned:
                return index
        expressions.append(owned)
        return len(expressions) - 1

    for period, specs in asked:
        for spec in specs:
            if (period, spec.share) not in column_of:
                numerator, denominator = spec.share.columns(scopes[period])
                kind = period.kind
                column_of[(period, spec.share)] = (position(numerator, kind), position(denominator, kind))
    measures = {f"obs_col_{index}": expression for index, (_, expression) in enumerate(expressions)}
    rows = rows.annotate(**measures, obs_place=F("commune_id"))
    rows = _with_segments(rows, first_specs[0], day, segments)
    return rows, measures, column_of


def share_results(asked, departement_id: str, column_of: dict, totals: dict) -> dict[Period, dict[str, Result]]:
    """Each asked share's result from the sums of its columns (`shares_rows`) by cell."""
    everyone = (TerritoryLevel.DEPARTEMENT, departement_id, Dimension.ALL, "")
    results: dict[Period, dict[str, Result]] = {}
    for period, specs in asked:
        for spec in specs:
            cells = share_cells(totals, column_of[(period, spec.share)], spec.share.counted, everyone)
            results.setdefault(period, {})[spec.code] = {key: Cell(n, d) for key, n, d in cells}
    return results


def share_cells(totals: dict, columns: tuple[int, int], counted: bool, everyone: tuple):
    """A share's (key, numerator, denominator) by cell from the sums of its columns (`columns`: the positions of its
    numerator and denominator). A share is absent where it has no row (no denominator), but for the Département as a
    whole; a count has no denominator."""
    numerator, denominator = columns
    whole = totals.get(everyone)
    if not whole or not whole[denominator]:
        yield everyone, 0.0, 0.0
    for key, values in totals.items():
        if values[denominator]:
            yield key, values[numerator], 0.0 if counted else values[denominator]


def _by_place(grouped, dimensions) -> dict:
    """The cells of each place from rows grouped by place and every combination of segments (tens of thousands of
    rows at a large Département's scale): each row adds to its place's cell of every dimension."""
    by_place: dict = defaultdict(Cell)
    for row in grouped:
        segments_of_row = [(Dimension.ALL, "")]
        if dimensions:
            values = {name: row[f"seg_{name}"] for name in dimensions}
            segments_of_row += [(name, str(value)) for name, value in values.items()]
            if dimensions == BASE_DIMENSIONS:
                segments_of_row.append((Dimension.PROFILE, profile_of(values)))
        for dimension, segment in segments_of_row:
            by_place[(row["obs_place"], dimension, segment)].add(row["n"], row["d"])
    return by_place


SEGMENT_COLUMNS = (*BASE_DIMENSIONS, Dimension.PROFILE)
# The segment columns of the grouped rows themselves: the profile is computed from them where they are grouped.
ROW_SEGMENTS = [f"seg_{name}" for name in BASE_DIMENSIONS]
PROFILE_COLUMN = f"seg_{Dimension.PROFILE}"
# PostgreSQL groups the segments itself (`_by_place_in_grouping_sets`); SQLite, or a test comparing, groups every
# combination and rolls them up in Python (`_by_place`).
GROUPING_SETS = True


def _in_grouping_sets(rows: QuerySet, measures, places: Places, spec: Computation, commune_segments: bool) -> dict:
    """The measures' sums at every level (`_rolled_up_columns`), grouped by PostgreSQL: by place and segment, or,
    when a commune needs only its whole cell, by commune whole and by zone and segment."""
    if commune_segments or spec.territory_path:
        return _rolled_up_columns(_by_place_in_grouping_sets(rows, measures), places, spec)
    return _by_zone_in_grouping_sets(rows, measures, places)


def _by_zone_in_grouping_sets(rows: QuerySet, measures: list[tuple[str, ...]], places: Places) -> dict:
    """`_rolled_up_columns` of `_by_place_in_grouping_sets` without the communes' segments: each commune's whole
    cell, and the segments grouped by zone (the communes that roll up to the same EPCI and territories), then summed
    by PostgreSQL into every level of each zone. A few thousand groups instead of one per commune and segment, and
    one result row per value; the sums are the same (`test_golden`)."""
    zoned = ZonedSums(places, [column for pair in measures for column in pair], connections[rows.db].ops.quote_name)
    inner, params = rows.values("obs_place", *ROW_SEGMENTS, *zoned.columns).query.sql_with_params()
    sql, outer_params = zoned.statement(inner)
    totals: dict = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, [*params, *outer_params])
        for number, commune, dimension_index, segment, *values in cursor.fetchall():
            totals[zoned.key(number, commune, dimension_index, segment)] = [value or 0.0 for value in values]
    return totals


def _array_literal(values) -> str:
    """A PostgreSQL array's text input (`{"a","b"}`): each element quoted, its quotes and backslashes escaped."""
    return "{" + ",".join('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "}"


class ZonedSums:
    """The statement of `_by_zone_in_grouping_sets` around a query of rows (`inner`), and the cell of each of its
    result rows. `statement(inner, days=…)` sums rows that each hold over an interval of days (`obs_from`,
    `obs_until` columns) into the sums of each of those days (`shares_on_days`)."""

    def __init__(self, places: Places, columns: list[str], quote):
        self.columns = columns
        self.segments = [f"seg_{name}" for name in SEGMENT_COLUMNS]
        self.quote = quote
        self.levels, self.params = places.zone_arrays()

    def key(self, number: int, commune, dimension_index: int, segment: str) -> tuple:
        if number < 0:
            return (TerritoryLevel.COMMUNE, commune, Dimension.ALL, "")
        level, code = self.levels[number]
        dimension = SEGMENT_COLUMNS[dimension_index] if dimension_index >= 0 else Dimension.ALL
        return (level, code, dimension, segment)

    def statement(self, inner: str, *, days: list[date] | None = None) -> tuple[str, list]:
        """The statement and the parameters that follow `inner`'s.

        With `days`, each row holds from `obs_from` to before `obs_until`: it is grouped as two changes, its values
        added on its first day and taken away on its end (if it ends by the last day), and each result row is a
        cell's running sums on a day where they change (sorted by day, then cell): they hold until the cell's next
        row. Grouping the changes by day, rather than the rows by interval, keeps one group per cell and day."""
        quote = self.quote
        place, zone = quote("obs_place"), quote("obs_zone")
        sets = ", ".join([place, zone, *[f"({zone}, {quote(name)})" for name in self.segments]])
        totals_of = [f"obs_sum_{index}" for index in range(len(self.columns))]
        sums = ", ".join(
            f"SUM({quote(column)}::double precision) AS {total}"
            for column, total in zip(self.columns, totals_of, strict=True)
        )
        # A zone's row is of the first dimension whose segment is set (the others are NULL in its grouping set).
        dimension = " ".join(
            f"WHEN {quote(name)} IS NOT NULL THEN {index}" for index, name in enumerate(self.segments)
        )
        segment = ", ".join(f"{quote(name)}::text" for name in self.segments)
        by_day = ", obs_day" if days else ""
        rows = "obs_rows"
        # Django compiled `inner` (its values stay parameters); the rest is quoted column names and positions.
        sql = f"WITH obs_rows AS MATERIALIZED ({inner}), "
        if days:
            kept = ", ".join(quote(name) for name in ["obs_place", *ROW_SEGMENTS])
            sql += (
                f"obs_changes AS (SELECT {kept}, obs_from AS obs_day, {', '.join(map(quote, self.columns))} "  # noqa: S608
                f"FROM obs_rows UNION ALL SELECT {kept}, obs_until, "
                f"{', '.join(f'-{quote(column)}' for column in self.columns)} FROM obs_rows WHERE obs_until <= %s), "
            )
            rows = "obs_changes"
        sql += (
            f"obs_zoned AS (SELECT {rows}.*, {profile_sql(quote)} AS {quote(PROFILE_COLUMN)}, "  # noqa: S608
            f"COALESCE(obs_zones.zone, 0) AS {zone} FROM {rows} "
            f"LEFT JOIN unnest(%s::varchar[], %s::integer[]) AS obs_zones (commune, zone) "
            f"ON obs_zones.commune = {rows}.{place}), "
            f"obs_cells AS (SELECT GROUPING({place}) AS obs_by_zone, {place}, {zone}{by_day}, "
            f"CASE {dimension} ELSE -1 END AS obs_dimension, COALESCE({segment}, '') AS obs_segment, {sums} "
            f"FROM obs_zoned GROUP BY {'obs_day, ' if days else ''}GROUPING SETS ({sets})) "
        )
        totals = (
            # Each commune's whole cell (a row without a commune is in the Département's zone).
            f"SELECT -1 AS obs_level, {place} AS obs_commune, -1 AS obs_dimension, '' AS obs_segment{by_day}, "  # noqa: S608
            f"{', '.join(totals_of)} FROM obs_cells WHERE obs_by_zone = 0 AND {place} <> '' "
            # Each zone's cells added into every level the zone rolls up to.
            f"UNION ALL SELECT obs_levels.level, NULL, obs_dimension, obs_segment{by_day}, "
            f"{', '.join(f'SUM({total})' for total in totals_of)} FROM obs_cells "
            f"JOIN unnest(%s::integer[], %s::integer[]) AS obs_levels (zone, level) "
            f"ON obs_levels.zone = obs_cells.{zone} "
            f"WHERE obs_by_zone = 1 GROUP BY obs_levels.level, obs_dimension, obs_segment{by_day}"
        )
        if not days:
            return sql + totals, self.params
        cell = "obs_level, obs_commune, obs_dimension, obs_segment"
        sql += (
            f", obs_totals AS ({totals}) "  # noqa: S608
            f"SELECT {cell}, obs_day, {', '.join(f'SUM({total}) OVER obs_cell' for total in totals_of)} "
            f"FROM obs_totals WINDOW obs_cell AS (PARTITION BY {cell} ORDER BY obs_day) ORDER BY obs_day, {cell}"
        )
        return sql, [max(days), *self.params]


def _by_place_in_grouping_sets(rows: QuerySet, measures: list[tuple[str, ...]]) -> dict:
    """The same sums (the measures' values, a list per place, dimension and segment), grouped by PostgreSQL itself
    with GROUPING SETS: one set per dimension (the place and that dimension's segment) and one for the whole
    population, so a row is already one place's cell of one dimension (a few thousand rows instead of every
    combination). The rows are materialised first: an indicator's per-row subqueries run once per row, not once per
    grouping set. In a result row the segments of the other sets are NULL; a segment is never NULL itself (each
    expression has its default)."""
    names = ["obs_place", *[f"seg_{name}" for name in SEGMENT_COLUMNS]]
    columns = [column for pair in measures for column in pair]
    inner, params = rows.values("obs_place", *ROW_SEGMENTS, *columns).query.sql_with_params()
    quote = connections[rows.db].ops.quote_name
    sets = ", ".join(["(1)", *[f"(1, {position})" for position in range(2, len(names) + 1)]])
    selected = [*[quote(name) for name in names[:-1]], f"{profile_sql(quote)} AS {quote(PROFILE_COLUMN)}"]
    sums = ", ".join(f"SUM({quote(column)}::double precision)" for column in columns)
    # Django compiled `inner` (its values stay parameters); the rest is quoted column names and positions.
    sql = (
        f"WITH obs_rows AS MATERIALIZED ({inner}) "  # noqa: S608
        f"SELECT {', '.join(selected)}, {sums} "
        f"FROM obs_rows GROUP BY GROUPING SETS ({sets})"
    )
    by_place: dict = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        first_value, values = len(names), range(len(names), len(names) + len(columns))
        for row in cursor.fetchall():
            for index in range(1, first_value):
                if row[index] is not None:
                    key = (row[0], SEGMENT_COLUMNS[index - 1], str(row[index]))
                    break
            else:
                key = (row[0], Dimension.ALL, "")
            by_place[key] = [row[index] or 0.0 for index in values]
    return by_place


def whole(result: Result, level: str = TerritoryLevel.DEPARTEMENT, code: str | None = None) -> Cell:
    """The cell of a territory (the Département by default) for the whole population."""
    for (row_level, row_code, dimension, _), cell in result.items():
        if row_level == level and dimension == Dimension.ALL and (code is None or row_code == code):
            return cell
    return Cell()


__all__ = [
    "Computation",
    "Measure",
    "Scope",
    "Share",
    "evaluate",
    "evaluate_shares",
    "evaluate_shares_over",
    "indicator",
    "share_indicator",
    "value_of",
    "whole",
]
