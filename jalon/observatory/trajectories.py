"""Trajectories of a cohort: each entrant's state at fixed dates after the entry (the entry day, +3, +6, +12
months), the counts of each transition, and their alluvial (Sankey) chart as server-rendered SVG.

The chart is laid out here: the Python Sankey libraries draw through matplotlib or plotly (ausankey, pySankey,
alluvial, floweaver…) and none writes a plain, accessible SVG; an alluvial in fixed columns is a few lines."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from jalon.core.periods import add_months
from jalon.notebook.models import Contract
from jalon.observatory.cohorts import AddMonths, entrants, followed
from jalon.observatory.periods import Period
from jalon.orientation.models import Orientation


STEPS = (0, 3, 6, 12)  # months after the entry

# The states, in the order the chart stacks them; the colours are the DSFR's illustrative palette.
STATES = (
    ("non_oriente", "Non orienté", "#929292"),  # grey-625
    ("social", "Orienté social", "#E4794A"),  # orange-terre-battue main-645
    ("socio_professionnel", "Orienté socio-professionnel", "#A558A0"),  # purple-glycine main-494
    ("professionnel", "Orienté professionnel", "#6A6AF4"),  # blue-france main-525
    ("contrat", "Sous contrat", "#009081"),  # green-menthe main-548
    ("sorti", "Sorti du RSA", "#C3992A"),  # yellow-moutarde main-679
)
STATE_LABELS = {code: label for code, label, _ in STATES}
STATE_COLOURS = {code: colour for code, _, colour in STATES}


def step_label(months: int) -> str:
    return "Entrée" if months == 0 else f"Entrée + {months} mois"


def _state_on(day_field: str):
    """The person's state on the day in `day_field`: out of the RSA (exited, not back yet), else under a contract
    in force, else the type of the orientation in force (the latest decided), else not oriented."""
    day = OuterRef(day_field)
    contract = Contract.objects.filter(notebook__person_id=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    orientation = (
        Orientation.objects.filter(
            Q(ended_on=None) | Q(ended_on__gt=day), person_id=OuterRef("pk"), decided_on__lte=day
        )
        .order_by("-decided_on", "-pk")
        .values("orientation_type")[:1]
    )
    out = Q(exit_on__lte=F(day_field)) & (Q(back_on=None) | Q(back_on__gt=F(day_field)))
    return Case(
        When(out, then=Value("sorti")),
        When(Exists(contract), then=Value("contrat")),
        default=Coalesce(Subquery(orientation, output_field=CharField()), Value("non_oriente")),
        output_field=CharField(),
    )


def steps_reached(period: Period, today: date) -> tuple[int, ...]:
    """The steps every entrant of the cohort has reached by `today`."""
    return tuple(months for months in STEPS if add_months(period.end, months) <= today) or (0,)


@dataclass
class Trajectories:
    size: int
    steps: tuple  # months after the entry
    paths: Counter  # (state at each step) -> persons
    transitions: list  # one Counter per pair of successive steps: (from state, to state) -> persons

    def nodes(self, index: int) -> Counter:
        """Persons in each state at the step `index`."""
        counts: Counter = Counter()
        for path, n in self.paths.items():
            counts[path[index]] += n
        return counts


def trajectories(departement_id: str, period: Period, today: date, territory_ids=()) -> Trajectories:
    """The cohort's paths through the states at each step reached, from one grouped query."""
    steps = steps_reached(period, today)
    qs = followed(entrants(departement_id, period.start, period.end, territory_ids))
    qs = qs.annotate(**{f"day_{m}": AddMonths(F("entered_on"), m) for m in steps})
    qs = qs.annotate(**{f"state_{m}": _state_on(f"day_{m}") for m in steps})
    names = [f"state_{m}" for m in steps]
    paths: Counter = Counter()
    for row in qs.order_by().values(*names).annotate(n=Count("pk")):
        paths[tuple(row[name] for name in names)] += row["n"]
    transitions = []
    for i in range(len(steps) - 1):
        pairs: Counter = Counter()
        for path, n in paths.items():
            pairs[(path[i], path[i + 1])] += n
        transitions.append(pairs)
    return Trajectories(sum(paths.values()), steps, paths, transitions)


# -- the alluvial chart ------------------------------------------------------------------------------------------


@dataclass
class Node:
    x: float
    y: float
    width: float
    height: float
    state: str
    count: int
    colour: str
    label: str
    label_x: float

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2


@dataclass
class Band:
    path: str
    colour: str
    count: int
    thickness: float
    title: str


@dataclass
class Column:
    x: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the first column's label starts at its nodes, or it is cut at the edge


@dataclass
class Chart:
    width: int
    height: int
    columns: list
    nodes: list
    bands: list


WIDTH, HEIGHT = 960, 440
TOP, BOTTOM, SIDE = 40, 10, 10
NODE_WIDTH, GAP, LABEL_ROOM = 14, 14, 190


def chart(data: Trajectories) -> Chart | None:
    """The alluvial layout: a column per step, a node per state (height ∝ persons), a band per transition
    (thickness ∝ persons, the same scale everywhere), stacked in the states' order at both ends."""
    if not data.size:
        return None
    order = [code for code, _, _ in STATES]
    columns_n = len(data.steps)
    most_nodes = max(len([s for s, n in data.nodes(i).items() if n]) for i in range(columns_n))
    scale = (HEIGHT - TOP - BOTTOM - GAP * (most_nodes - 1)) / data.size
    span = WIDTH - 2 * SIDE - NODE_WIDTH - LABEL_ROOM
    xs = [SIDE + (span * i / (columns_n - 1) if columns_n > 1 else 0) for i in range(columns_n)]
    nodes, tops = [], []
    for i in range(columns_n):
        counts = data.nodes(i)
        y, top_of = float(TOP), {}
        for state in order:
            if not counts[state]:
                continue
            height = counts[state] * scale
            nodes.append(
                Node(
                    xs[i],
                    y,
                    NODE_WIDTH,
                    height,
                    state,
                    counts[state],
                    STATE_COLOURS[state],
                    f"{STATE_LABELS[state]} : {counts[state]}",
                    xs[i] + NODE_WIDTH + 6,  # labels on the right: the last column keeps room for them
                )
            )
            top_of[state] = y
            y += height + GAP
        tops.append(top_of)
    bands = []
    for i, pairs in enumerate(data.transitions):
        out_y = dict(tops[i])  # where the next band leaves each source node
        for source in order:
            for target in order:
                n = pairs.get((source, target), 0)
                if not n:
                    continue
                thickness = n * scale
                x0, x1 = xs[i] + NODE_WIDTH, xs[i + 1]
                y0, y1 = out_y[source], _in_position(pairs, order, source, target, tops[i + 1], scale)
                out_y[source] += thickness
                middle = (x0 + x1) / 2
                path = (
                    f"M{x0:.2f},{y0:.2f} C{middle:.2f},{y0:.2f} {middle:.2f},{y1:.2f} {x1:.2f},{y1:.2f} "
                    f"L{x1:.2f},{y1 + thickness:.2f} C{middle:.2f},{y1 + thickness:.2f} {middle:.2f},"
                    f"{y0 + thickness:.2f} {x0:.2f},{y0 + thickness:.2f} Z"
                )
                title = (
                    f"{step_label(data.steps[i])} {STATE_LABELS[source]} → {step_label(data.steps[i + 1])} "
                    f"{STATE_LABELS[target]} : {n}"
                )
                bands.append(Band(path, STATE_COLOURS[source], n, thickness, title))
    columns = [Column(x + NODE_WIDTH / 2, step_label(m)) for x, m in zip(xs, data.steps, strict=True)]
    columns[0] = Column(xs[0], columns[0].label, "start")
    return Chart(WIDTH, HEIGHT, columns, nodes, bands)


def _in_position(pairs, order, source, target, target_tops, scale) -> float:
    """Where the band source → target enters its target node: below the bands from the states stacked before."""
    before = sum(pairs.get((other, target), 0) for other in order[: order.index(source)])
    return target_tops[target] + before * scale


def transition_rows(data: Trajectories) -> list[tuple[str, str, str, str, int]]:
    """The chart's data table: (from step, from state, to step, to state, persons), in the chart's order."""
    order = [code for code, _, _ in STATES]
    return [
        (step_label(data.steps[i]), STATE_LABELS[source], step_label(data.steps[i + 1]), STATE_LABELS[target], n)
        for i, pairs in enumerate(data.transitions)
        for source in order
        for target in order
        if (n := pairs.get((source, target), 0))
    ]
