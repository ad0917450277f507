"""Statistical secrecy for published count tables: primary and secondary cell suppression.

The rule (loi n° 51-711 du 7 juin 1951; practice of French départements publishing RSA counts by commune):

* **Primary suppression**: a count ``n`` with ``0 < n < threshold`` is hidden (threshold 5 by default, so 1 to 4
  are hidden). **0 is published**: an empty cell describes nobody, so it discloses nothing about a person, and
  hiding zeros would hide most of a rural table for no protection. Because zeros are always shown, anyone knows
  that a hidden count is at least 1; the protection below is computed with that knowledge.
* **Secondary suppression**: further cells are hidden so that no hidden count can be recomputed, or narrowed to a
  small range, from the published cells and the table's additive relations (``parent = sum(children)``). For each
  sensitive cell, the values compatible with the publication must span at least ``margin`` (by default
  ``threshold - 1``): since a hidden count is at least 1, its compatible values then always reach the threshold,
  so nobody can even tell that it was a small count.

A table is the product of one or more *dimensions* (``Hierarchy``): territories (commune → EPCI or territory →
département), a segment with its total (sex, age band…), etc. Every cell is keyed by a tuple with one node per
dimension, and every parent node equals the sum of its children along each dimension: this covers a list with
its total, a territorial hierarchy, and two-way tables with row and column margins. Periods are *not* a
dimension: each period is published on its own, so each is its own table (``suppress_periods``).

The algorithm (a hierarchical *hypercube* method, after Repsilber, as in τ-ARGUS): for each sensitive cell, in a
fixed order, look for a *balancing pattern*: a set of cells with signs +1/−1 such that adding ``t`` to the +1
cells and removing ``t`` from the −1 cells keeps every additive relation true. In each dimension the pattern
moves from the cell's node to a sibling (sign flips), climbing as many levels as needed, or to the root; the
pattern of the table is the product of those (a rectangle in a two-way table, a cube in three dimensions, with
the descents needed below non-leaf nodes). All cells of the chosen pattern are hidden; the pattern itself is kept
as a *certificate*: it proves that ``t`` can move by at least ``margin`` without making any hidden count smaller
than 1, whatever else is published. Among the patterns of the lowest climbing level that give enough room, the
one hiding the least (sum of newly hidden counts, cells already hidden are free) is chosen, ties broken by
declaration order: the same input always hides the same cells. Zero cells are never hidden.

The result is safe by construction (each certificate is re-checked by ``verify``) but not optimal: optimal
secondary suppression is NP-hard, and a linear-programming method would be much slower in pure Python.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


Node = Hashable
Key = tuple
Pattern = tuple[tuple[Key, int], ...]

DEFAULT_THRESHOLD = 5


def default_margin(threshold: int) -> int:
    """Width of the interval of compatible values every sensitive cell must keep (see the module docstring)."""
    return max(1, threshold - 1)


class Status(enum.StrEnum):
    PUBLISHED = "publie"
    PRIMARY = "secret_primaire"
    SECONDARY = "secret_secondaire"


class SecretCellError(ValueError):
    """A publication would reveal a value under statistical secrecy (the message is in French)."""


class TableError(ValueError):
    """The table given is not an additive table (the message is in French)."""


class Hierarchy:
    """One dimension: nodes declared in order, each parent equal to the sum of its children.

    ``Hierarchy({"40": ["CA1", "CC2"], "CA1": ["40001", "40002"], "CC2": ["40003"]})`` is a département with two
    EPCI and three communes; ``Hierarchy.with_total("ensemble", ["femmes", "hommes"])`` a segment and its total;
    ``Hierarchy.flat([...])`` a dimension without total.
    """

    def __init__(self, children: Mapping[Node, Sequence[Node]], nodes: Iterable[Node] = ()):
        self.children: dict[Node, tuple[Node, ...]] = {}
        self.parent: dict[Node, Node] = {}
        order: dict[Node, int] = {}
        for node in itertools.chain(nodes, *([p, *cs] for p, cs in children.items())):
            order.setdefault(node, len(order))
        for parent, kids in children.items():
            if not kids:
                continue
            self.children[parent] = tuple(kids)
            for kid in kids:
                if kid in self.parent or kid == parent:
                    raise TableError(f"Le niveau « {kid} » a plusieurs parents ou est son propre parent.")
                self.parent[kid] = parent
        self.rank = order
        self.nodes = tuple(order)
        for node in self.nodes:  # no cycles: every climb reaches a root
            seen = {node}
            while node in self.parent:
                node = self.parent[node]
                if node in seen:
                    raise TableError(f"La hiérarchie forme une boucle autour de « {node} ».")
                seen.add(node)

    @classmethod
    def with_total(cls, total: Node, parts: Sequence[Node]) -> Hierarchy:
        return cls({total: parts})

    @classmethod
    def flat(cls, nodes: Sequence[Node]) -> Hierarchy:
        return cls({}, nodes)

    def ancestors(self, node: Node) -> list[Node]:
        result = []
        while node in self.parent:
            node = self.parent[node]
            result.append(node)
        return result

    def siblings(self, node: Node) -> tuple[Node, ...]:
        if node not in self.parent:
            return ()
        return tuple(s for s in self.children[self.parent[node]] if s != node)


class Table:
    """Non-negative integer counts keyed by tuples, one node per dimension, for every combination of nodes."""

    def __init__(self, values: Mapping[Key, int], dimensions: Sequence[Hierarchy]):
        self.dimensions = tuple(dimensions)
        self.values: dict[Key, int] = {}
        expected = set(itertools.product(*(d.nodes for d in self.dimensions)))
        for key, value in values.items():
            if key not in expected:
                raise TableError(f"La case {key!r} ne correspond à aucune combinaison des dimensions du tableau.")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise TableError(f"La case {key!r} doit être un effectif entier positif ou nul, pas {value!r}.")
            self.values[key] = value
        missing = expected - self.values.keys()
        if missing:
            raise TableError(f"Il manque {len(missing)} case(s) au tableau, par exemple {min(missing, key=str)!r}.")
        for total, parts in self.constraints():
            if self.values[total] != sum(self.values[p] for p in parts):
                raise TableError(f"La case {total!r} ne vaut pas la somme de ses composantes {list(parts)!r}.")

    def constraints(self) -> list[tuple[Key, tuple[Key, ...]]]:
        """Every additive relation ``total = sum(parts)`` of the table."""
        result = []
        for axis, dim in enumerate(self.dimensions):
            for key in self.keys():
                kids = dim.children.get(key[axis])
                if kids:
                    result.append((key, tuple(_replace(key, axis, kid) for kid in kids)))
        return result

    def keys(self) -> list[Key]:
        """Cells in declaration order (the order used to break ties)."""
        return sorted(self.values, key=self.order)

    def order(self, key: Key) -> tuple[int, ...]:
        return tuple(dim.rank[node] for dim, node in zip(self.dimensions, key, strict=True))


@dataclass(frozen=True)
class Suppression:
    """The outcome of ``suppress``: a status per cell and, per sensitive cell, the pattern that protects it."""

    table: Table
    threshold: int
    margin: int
    status: Mapping[Key, Status]
    certificates: Mapping[Key, Pattern]

    def is_secret(self, key: Key) -> bool:
        return self.status[key] != Status.PUBLISHED

    def hidden(self) -> set[Key]:
        return {k for k, s in self.status.items() if s != Status.PUBLISHED}

    def published_values(self) -> dict[Key, int]:
        return {k: v for k, v in self.table.values.items() if self.status[k] == Status.PUBLISHED}


def is_sensitive(value: int, threshold: int) -> bool:
    """Primary rule: a count strictly between 0 and the threshold is secret; 0 is published."""
    return 0 < value < threshold


def suppress(
    table: Table,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    margin: int | None = None,
    forced: Iterable[Key] = (),
    frozen: Iterable[Key] = (),
) -> Suppression:
    """Hide the small counts of ``table`` and enough other cells that none of them can be recomputed.

    ``forced`` cells are hidden whatever their value (they are hidden in a linked table); ``frozen`` cells are
    known from elsewhere (a total published in a linked table), so no pattern may move them. With frozen cells a
    small count may have no protection at all: ``SecretCellError`` then says so.
    """
    if threshold < 1:
        raise ValueError("Le seuil du secret statistique doit être au moins 1.")
    margin = default_margin(threshold) if margin is None else margin
    if margin < 1:
        raise ValueError("La marge de protection doit être au moins 1.")
    values = table.values
    status = {k: Status.PRIMARY if is_sensitive(v, threshold) else Status.PUBLISHED for k, v in values.items()}
    for key in forced:
        if status[key] == Status.PUBLISHED:
            status[key] = Status.SECONDARY
    hidden = {k for k, s in status.items() if s != Status.PUBLISHED}
    frozen = set(frozen)
    allowed = (set(values) - frozen) if frozen else None
    certificates: dict[Key, Pattern] = {}
    # Aggregates first: their patterns descend to detailed cells, which later patterns then reuse for free.
    primaries = sorted(
        (k for k in hidden if status[k] == Status.PRIMARY),
        key=lambda k: (-_aggregation(table, k), values[k], table.order(k)),
    )
    for key in primaries:
        pattern = _best_pattern(table, key, hidden, margin, allowed=allowed)
        if pattern is None and allowed is not None:
            label = " × ".join(str(node) for node in key)
            raise SecretCellError(f"Aucune combinaison de cases ne peut protéger la case « {label} ».")
        if pattern is None:  # cannot happen: climbing to the roots always works (every ancestor is >= the cell)
            raise AssertionError(f"no protection pattern for {key!r}")
        certificates[key] = pattern
        for cell, _sign in pattern:
            if cell not in hidden:
                hidden.add(cell)
                status[cell] = Status.SECONDARY
    return Suppression(table, threshold, margin, status, certificates)


def suppress_periods(tables: Mapping[Hashable, Table], **options) -> dict[Hashable, Suppression]:
    """Periods are published separately (they do not add up), so each one is protected on its own."""
    return {period: suppress(table, **options) for period, table in tables.items()}


def verify(
    table: Table,
    hidden: set[Key],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    margin: int | None = None,
    certificates: Mapping[Key, Pattern] | None = None,
) -> None:
    """Raise ``SecretCellError`` unless publishing every cell outside ``hidden`` is safe.

    Each small count must be hidden and protected by a balancing pattern made of hidden cells (the one given in
    ``certificates`` after re-checking it, otherwise one searched among the hidden cells). The check is
    conservative: a hand-made pattern protected only by a combination of patterns may be refused.
    """
    margin = default_margin(threshold) if margin is None else margin
    certificates = certificates or {}
    for key in table.keys():
        value = table.values[key]
        if not is_sensitive(value, threshold):
            continue
        label = " × ".join(str(node) for node in key)
        if key not in hidden:
            raise SecretCellError(
                "Cette publication révélerait une valeur soumise au secret statistique : la case "
                f"« {label} » compte moins de {threshold} unités et serait publiée."
            )
        pattern = certificates.get(key)
        if pattern is None or not _certifies(table, key, pattern, hidden, margin):
            pattern = _best_pattern(table, key, hidden, margin, allowed=hidden)
        if pattern is None:
            raise SecretCellError(
                "Cette publication révélerait une valeur soumise au secret statistique : la case "
                f"« {label} » est masquée mais pourrait être recalculée à partir des totaux et des cases publiées."
            )


# --- Rates -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A rate published only when both its numerator and its denominator are published."""

    numerator: int | None
    denominator: int | None
    value: Fraction | None
    secret: bool


def rates(numerators: Suppression, denominators: Suppression) -> dict[Key, Rate]:
    """Rate per cell common to both tables; secret as soon as one of its parts is secret (else it recomputes it)."""
    result = {}
    for key in numerators.table.keys():
        if key not in denominators.status:
            continue
        secret = numerators.is_secret(key) or denominators.is_secret(key)
        if secret:
            result[key] = Rate(None, None, None, True)
            continue
        num, den = numerators.table.values[key], denominators.table.values[key]
        result[key] = Rate(num, den, Fraction(num, den) if den else None, False)
    return result


# --- Search of a balancing pattern -----------------------------------------------------------------------------


def _replace(key: Key, axis: int, node: Node) -> Key:
    return key[:axis] + (node,) + key[axis + 1 :]


def _aggregation(table: Table, key: Key) -> int:
    """How far a cell is from the detailed level (sum over dimensions of the depth below its node)."""
    total = 0
    for dim, node in zip(table.dimensions, key, strict=True):
        depth = 0
        while node in dim.children:
            node = dim.children[node][0]
            depth += 1
        total += depth
    return total


def _descent(table: Table, key: Key, axis: int, node: Node, hidden: set[Key], margin: int) -> list[Node] | None:
    """Nodes below ``node`` down to a leaf, one per level, along the slice of ``key`` (None if only zeros)."""
    dim = table.dimensions[axis]
    path = []
    while node in dim.children:
        candidates = [c for c in dim.children[node] if table.values[_replace(key, axis, c)] > 0]
        if not candidates:
            return None

        def preference(child, _key=key):
            cell = _replace(_key, axis, child)
            value = table.values[cell]
            return (cell not in hidden, value < margin + 1, value, dim.rank[child])

        node = min(candidates, key=preference)
        path.append(node)
    return path


def _axis_moves(table: Table, key: Key, axis: int, level: int, below: list, hidden: set[Key], margin: int) -> list:
    """One-dimensional balancing vectors through ``key[axis]`` climbing ``level`` levels: [[(node, sign)…]…].

    ``below`` is the path from ``key[axis]`` down to a leaf (+1). At level ``j`` the vector climbs ``j`` levels
    (+1), crosses to a sibling (−1) and descends to a leaf (−1); at the last level (the number of ancestors) it
    climbs to the root instead, which unbalances nothing.
    """
    dim = table.dimensions[axis]
    start = key[axis]
    ancestors = dim.ancestors(start)
    climbed = [(start, 1)] + [(n, 1) for n in below] + [(n, 1) for n in ancestors[:level]]
    if level == len(ancestors):
        return [climbed]
    node = ([start] + ancestors)[level]
    moves = []
    for sibling in dim.siblings(node):
        if table.values[_replace(key, axis, sibling)] == 0:
            continue
        down = _descent(table, key, axis, sibling, hidden, margin)
        if down is not None:
            moves.append(climbed + [(sibling, -1)] + [(n, -1) for n in down])
    return moves


def _width(table: Table, pattern: Pattern) -> float:
    """Room for the cells of ``pattern`` when every hidden count is known to be at least 1."""
    lowest = {1: math.inf, -1: math.inf}
    for cell, sign in pattern:
        lowest[sign] = min(lowest[sign], table.values[cell])
    return (lowest[1] - 1) + (lowest[-1] - 1)


def _best_pattern(table: Table, key: Key, hidden: set[Key], margin: int, allowed: set[Key] | None) -> Pattern | None:
    """The cheapest pattern of the lowest total climbing level that protects ``key`` by ``margin``, or None."""
    values = table.values
    depth = [len(dim.ancestors(node)) for dim, node in zip(table.dimensions, key, strict=True)]
    # One detailed non-zero cell under ``key`` fixes the descent in every dimension at once: every cell of the
    # climb-to-the-roots pattern is then an aggregate of it, hence non-zero, so that pattern always exists.
    target = _target_cell(table, key, hidden, margin)
    below = [_path_down(dim, node, leaf) for dim, node, leaf in zip(table.dimensions, key, target, strict=True)]
    cache: dict[tuple[int, int], list] = {}

    def moves(axis: int, level: int) -> list:
        # A move's cells in the slice through ``key`` belong to every pattern built from it: a move whose slice is
        # already too tight, or holds a forbidden cell, is dropped; its slice cost bounds the pattern's cost.
        if (axis, level) not in cache:
            kept = []
            for move in _axis_moves(table, key, axis, level, below[axis], hidden, margin):
                cells = [(_replace(key, axis, node), sign) for node, sign in move]
                if any(values[c] == 0 or (allowed is not None and c not in allowed) for c, _ in cells):
                    continue
                if _width(table, cells) < margin:
                    continue
                kept.append((sum(values[c] for c, _ in cells if c not in hidden), move))
            cache[(axis, level)] = kept
        return cache[(axis, level)]

    for total in range(sum(depth) + 1):
        combos = []
        for levels in itertools.product(*(range(d + 1) for d in depth)):
            if sum(levels) != total:
                continue
            for combo in itertools.product(*(moves(a, lv) for a, lv in enumerate(levels))):
                combos.append((sum(cost for cost, _ in combo), len(combos), [move for _, move in combo]))
        combos.sort(key=lambda c: c[:2])
        best = None  # (cost, order, pattern)
        for bound, _n, combo in combos:
            if best is not None and bound > best[0]:
                break
            pattern = _product(table, combo, allowed)
            if pattern is None or _width(table, pattern) < margin:
                continue
            cost = sum(values[c] for c, _ in pattern if c not in hidden)
            candidate = (cost, sorted(table.order(c) for c, _ in pattern), pattern)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is not None:
            return best[2]
    return None


def _target_cell(table: Table, key: Key, hidden: set[Key], margin: int) -> Key:
    leaves = [_leaves_below(dim, node) for dim, node in zip(table.dimensions, key, strict=True)]
    cells = [c for c in itertools.product(*leaves) if table.values[c] > 0]  # key > 0, so one at least
    return min(cells, key=lambda c: (c not in hidden, table.values[c] < margin + 1, table.values[c], table.order(c)))


def _leaves_below(dim: Hierarchy, node: Node) -> list[Node]:
    if node not in dim.children:
        return [node]
    return [leaf for child in dim.children[node] for leaf in _leaves_below(dim, child)]


def _path_down(dim: Hierarchy, node: Node, leaf: Node) -> list[Node]:
    path = []
    while leaf != node:
        path.append(leaf)
        leaf = dim.parent[leaf]
    return path[::-1]


def _product(table: Table, combo: list, allowed: set[Key] | None) -> Pattern | None:
    """The pattern of a table from one move per dimension (None if it touches a zero or a forbidden cell)."""
    pattern = []
    for choice in itertools.product(*combo):
        cell = tuple(node for node, _ in choice)
        if table.values[cell] == 0 or (allowed is not None and cell not in allowed):
            return None
        pattern.append((cell, math.prod(sign for _, sign in choice)))
    return tuple(pattern)


def _certifies(table: Table, key: Key, pattern: Pattern, hidden: set[Key], margin: int) -> bool:
    """Re-check a certificate: it contains the cell, only hidden non-zero cells, balances every relation."""
    signs = dict(pattern)
    if signs.get(key) not in (1, -1) or len(signs) != len(pattern):
        return False
    if any(c not in hidden or table.values.get(c, 0) == 0 or s not in (1, -1) for c, s in pattern):
        return False
    balance: dict[tuple[int, Key], int] = {}
    for cell, sign in pattern:
        for axis, dim in enumerate(table.dimensions):
            node = cell[axis]
            if node in dim.parent:  # part of its parent's relation
                total = (axis, _replace(cell, axis, dim.parent[node]))
                balance[total] = balance.get(total, 0) + sign
            if node in dim.children:  # total of its own relation
                balance[(axis, cell)] = balance.get((axis, cell), 0) - sign
    return all(v == 0 for v in balance.values()) and _width(table, pattern) >= margin
