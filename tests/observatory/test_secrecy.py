"""Statistical secrecy: the proof is an auditor written apart from the suppression algorithm.

For every hidden cell the auditor computes, by exact linear programming over the rationals, the smallest and
largest values compatible with the published cells and the table's additive relations, knowing (as anyone does)
that counts are non-negative integers and that a hidden count is at least 1 (zeros are always published). It
checks the optimum is reached at an integer point, so the bounds are exact for whole counts too. It then asserts
that no hidden cell is pinned to one value and that every small count keeps an interval at least as wide as the
protection margin (threshold − 1 by default: the interval of a small count then always reaches the threshold,
so nobody can even tell it was small).
"""

import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jalon.observatory.secrecy import (
    Hierarchy,
    SecretCellError,
    Status,
    Table,
    TableError,
    rates,
    suppress,
    suppress_periods,
    verify,
)


# --- The auditor: relations rebuilt from plain parent → children maps, and an exact simplex ----------------------


def relations(trees):
    """``total = sum(parts)`` for every cell of a product of trees (each tree: {parent: [children]}, nodes)."""
    result = []
    for axis, (children, _nodes) in enumerate(trees):
        others = [n for i, (_, n) in enumerate(trees) if i != axis]
        for parent, kids in children.items():
            for rest in itertools.product(*others):

                def cell(node, rest=rest, axis=axis):
                    return rest[:axis] + (node,) + rest[axis:]

                result.append((cell(parent), [cell(k) for k in kids]))
    return result


def _pivot(tableau, basis, row, col):
    factor = tableau[row][col]
    tableau[row] = [x / factor for x in tableau[row]]
    for i, line in enumerate(tableau):
        if i != row and line[col] != 0:
            f = line[col]
            tableau[i] = [a - f * b for a, b in zip(line, tableau[row], strict=True)]
    basis[row] = col


def _maximise(tableau, basis, objective, columns):
    """Primal simplex with Bland's rule; returns False when unbounded."""
    while True:
        entering = None
        for j in columns:
            reduced = objective[j] - sum(objective[basis[i]] * tableau[i][j] for i in range(len(tableau)))
            if reduced > 0:
                entering = j
                break
        if entering is None:
            return True
        rows = [i for i in range(len(tableau)) if tableau[i][entering] > 0]
        if not rows:
            return False
        row = min(rows, key=lambda i: (tableau[i][-1] / tableau[i][entering], basis[i]))
        _pivot(tableau, basis, row, entering)


def lp_max(matrix, rhs, objective):
    """max objective·z subject to matrix·z = rhs, z ≥ 0, exactly; (value or inf, optimal z)."""
    m, n = len(matrix), len(objective)
    tableau = []
    for line, b in zip(matrix, rhs, strict=True):
        sign = -1 if b < 0 else 1
        tableau.append([Fraction(sign * x) for x in line] + [Fraction(0)] * m + [Fraction(sign * b)])
    for i in range(m):
        tableau[i][n + i] = Fraction(1)
    basis = [n + i for i in range(m)]
    phase_one = [Fraction(0)] * n + [Fraction(-1)] * m + [Fraction(0)]
    _maximise(tableau, basis, phase_one, range(n + m))
    assert all(tableau[i][-1] == 0 for i in range(m) if basis[i] >= n), "the true table must be feasible"
    for i in range(m):  # drive the remaining (zero) artificial variables out; rows left are redundant
        if basis[i] >= n:
            for j in range(n):
                if tableau[i][j] != 0:
                    _pivot(tableau, basis, i, j)
                    break
    keep = [i for i in range(m) if basis[i] < n]
    tableau = [tableau[i][:n] + [tableau[i][-1]] for i in keep]
    basis = [basis[i] for i in keep]
    goal = [Fraction(x) for x in objective] + [Fraction(0)]
    if not _maximise(tableau, basis, goal, range(n)):
        return math.inf, None
    z = [Fraction(0)] * n
    for i, j in enumerate(basis):
        z[j] = tableau[i][-1]
    return sum(o * v for o, v in zip(objective, z, strict=True)), z


def audit(values, published, constraints):
    """Interval of values compatible with the publication, for every hidden cell."""
    hidden = sorted((k for k in values if k not in published), key=str)
    index = {k: i for i, k in enumerate(hidden)}
    matrix, rhs = [], []
    for total, parts in constraints:
        # With y = z + 1 for hidden cells (a hidden count is at least 1): sum(parts) - total = 0.
        line = [0] * len(hidden)
        constant = 0
        for key, coefficient in [(p, 1) for p in parts] + [(total, -1)]:
            if key in index:
                line[index[key]] += coefficient
                constant += coefficient
            else:
                constant += coefficient * published[key]
        if any(line):
            matrix.append(line)
            rhs.append(-constant)
        else:
            assert constant == 0, "the published cells must add up"
    intervals = {}
    for key in hidden:
        unit = [0] * len(hidden)
        unit[index[key]] = 1
        high, z_high = lp_max(matrix, rhs, unit)
        low, z_low = lp_max(matrix, rhs, [-x for x in unit])
        for z in (z_high, z_low):  # an integer optimum: the bound is exact for whole counts as well
            assert z is None or all(v.denominator == 1 for v in z), "fractional optimum: audit not exact"
        intervals[key] = (-low + 1, high + 1)
    return intervals


def assert_protected(result, trees):
    values = result.table.values
    published = result.published_values()
    for key, value in values.items():
        if 0 < value < result.threshold:
            assert key not in published, f"small count published: {key}"
    intervals = audit(values, published, relations(trees))
    assert set(intervals) == result.hidden()
    for key, (low, high) in intervals.items():
        assert low <= values[key] <= high
        assert high > low, f"{key} can be recomputed: it is {low}"
        if result.status[key] == Status.PRIMARY:
            assert high - low >= result.margin, f"{key} narrowed to [{low}, {high}]"
    return intervals


# --- Crafted tables ----------------------------------------------------------------------------------------------


def one_way(values, total="T"):
    parts = list(values)
    table = Table({(k,): v for k, v in values.items()} | {(total,): sum(values.values())}, [Hierarchy({total: parts})])
    return table, [({total: parts}, [total, *parts])]


def two_way(rows, columns, cells, row_total="Tr", column_total="Tc"):
    """cells[r][c] for the detailed cells; margins added."""
    values = {}
    for r, line in zip(rows, cells, strict=True):
        for c, v in zip(columns, line, strict=True):
            values[(r, c)] = v
        values[(r, column_total)] = sum(line)
    for j, c in enumerate(columns):
        values[(row_total, c)] = sum(line[j] for line in cells)
    values[(row_total, column_total)] = sum(map(sum, cells))
    dims = [Hierarchy({row_total: rows}), Hierarchy({column_total: columns})]
    trees = [({row_total: rows}, [row_total, *rows]), ({column_total: columns}, [column_total, *columns])]
    return Table(values, dims), trees


def test_one_way_hides_the_small_count_and_the_smallest_cell_that_protects_it():
    table, trees = one_way({"A": 7, "B": 2, "C": 9, "D": 12})
    result = suppress(table)
    # By hand: B (2) is small; hiding it alone, B = 30 − 7 − 9 − 12. The cheapest partner keeping at least
    # margin 4 of room is A (7): B ∈ [1, 8]. C or D would hide more, the total would hide 30.
    assert result.status == {
        ("A",): Status.SECONDARY,
        ("B",): Status.PRIMARY,
        ("C",): Status.PUBLISHED,
        ("D",): Status.PUBLISHED,
        ("T",): Status.PUBLISHED,
    }
    intervals = assert_protected(result, trees)
    assert intervals[("B",)] == (1, 8)


def test_auditor_catches_a_recomputable_cell():
    # The auditor is the proof, so it must see a leak: B alone hidden is B = total − the others.
    table, trees = one_way({"A": 7, "B": 2, "C": 9})
    intervals = audit(table.values, {k: v for k, v in table.values.items() if k != ("B",)}, relations(trees))
    assert intervals[("B",)] == (2, 2)


def test_two_way_table_with_margins():
    rows, columns = ["40001", "40002", "40003", "40004"], ["F", "H"]
    table, trees = two_way(rows, columns, [[12, 3], [8, 9], [0, 0], [15, 20]])
    result = suppress(table)
    assert result.status[("40001", "H")] == Status.PRIMARY
    # A rectangle is needed: one more cell in its row and one in its column, and the fourth corner.
    assert len(result.hidden()) == 4
    assert_protected(result, trees)


def test_zero_row_and_zeros_are_published_never_hidden():
    rows, columns = ["a", "b", "c"], ["x", "y", "z"]
    table, trees = two_way(rows, columns, [[0, 0, 0], [6, 1, 7], [9, 8, 2]])
    result = suppress(table)
    zeros = [k for k, v in table.values.items() if v == 0]
    assert zeros and all(result.status[k] == Status.PUBLISHED for k in zeros)
    assert_protected(result, trees)


def test_three_level_territory_hierarchy():
    # Département → two territories (SDSEI) → communes; a parent is the sum of its children.
    tree = {"40": ["Nord", "Sud"], "Nord": ["n1", "n2", "n3"], "Sud": ["s1", "s2"]}
    leaves = {"n1": 3, "n2": 11, "n3": 6, "s1": 14, "s2": 1}
    values = {(k,): v for k, v in leaves.items()}
    values[("Nord",)] = 3 + 11 + 6
    values[("Sud",)] = 14 + 1
    values[("40",)] = 35
    result = suppress(Table(values, [Hierarchy(tree)]))
    assert_protected(result, [(tree, list(itertools.chain([*tree], *tree.values())))])


def test_a_chain_of_relations_needs_more_than_one_secondary_cell():
    # Territory « Est » (3 = 1 + 2) is small. Hiding its sibling « Ouest » is not enough: Ouest = 10 + 10 is
    # published by its communes, so Est = 23 − 20. A commune of Ouest must be hidden too.
    tree = {"D": ["Est", "Ouest"], "Est": ["e1", "e2"], "Ouest": ["o1", "o2"]}
    values = {("e1",): 1, ("e2",): 2, ("o1",): 10, ("o2",): 10, ("Est",): 3, ("Ouest",): 20, ("D",): 23}
    trees = [(tree, ["D", "Est", "Ouest", "e1", "e2", "o1", "o2"])]
    naive = {k: v for k, v in values.items() if k not in {("e1",), ("e2",), ("Est",), ("Ouest",)}}
    assert audit(values, naive, relations(trees))[("Est",)] == (3, 3)
    table = Table(values, [Hierarchy(tree)])
    with pytest.raises(SecretCellError):
        verify(table, {("e1",), ("e2",), ("Est",), ("Ouest",)})

    result = suppress(table)
    assert result.status[("Ouest",)] == Status.SECONDARY
    assert {result.status[("o1",)], result.status[("o2",)]} == {Status.SECONDARY, Status.PUBLISHED}
    assert_protected(result, trees)


def test_hierarchy_crossed_with_segments():
    tree = {"40": ["T1", "T2"], "T1": ["c1", "c2", "c3"], "T2": ["c4", "c5"]}
    sexes = ["F", "H"]
    detail = {"c1": (2, 9), "c2": (7, 6), "c3": (11, 1), "c4": (30, 25), "c5": (4, 8)}
    values = {}
    for commune, pair in detail.items():
        for sex, v in zip(sexes, pair, strict=True):
            values[(commune, sex)] = v
    for parent in ["T1", "T2", "40"]:
        for sex in sexes:
            values[(parent, sex)] = sum(values[(k, sex)] for k in tree[parent])
    for territory in ["40", "T1", "T2", *detail]:
        values[(territory, "E")] = sum(values[(territory, s)] for s in sexes)
    table = Table(values, [Hierarchy(tree), Hierarchy.with_total("E", sexes)])
    result = suppress(table)
    trees = [(tree, ["40", "T1", "T2", *detail]), ({"E": sexes}, ["E", *sexes])]
    assert_protected(result, trees)


@pytest.mark.parametrize("cells", [[1, 2, 1, 3], [4, 4], [1]])
def test_one_way_table_where_every_cell_is_small(cells):
    table, trees = one_way({f"c{i}": v for i, v in enumerate(cells)})
    result = suppress(table)
    assert_protected(result, trees)


def test_two_way_table_where_every_cell_is_small():
    table, trees = two_way(["a", "b", "c"], ["x", "y"], [[1, 2], [3, 1], [2, 4]])
    result = suppress(table)
    assert_protected(result, trees)


@st.composite
def small_two_way(draw):
    n_rows = draw(st.integers(2, 4))
    n_columns = draw(st.integers(2, 3))
    cells = [[draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 15])) for _ in range(n_columns)] for _ in range(n_rows)]
    return [f"r{i}" for i in range(n_rows)], [f"k{j}" for j in range(n_columns)], cells


@settings(max_examples=40, deadline=None, derandomize=True)
@given(small_two_way(), st.sampled_from([3, 5]))
def test_generated_two_way_tables_pass_the_audit(shape, threshold):
    rows, columns, cells = shape
    table, trees = two_way(rows, columns, cells)
    assert_protected(suppress(table, threshold=threshold), trees)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, 6, 8, 13]), min_size=5, max_size=5))
def test_generated_hierarchies_pass_the_audit(leaves):
    tree = {"D": ["A", "B"], "A": ["a1", "a2", "a3"], "B": ["b1", "b2"]}
    values = {(k,): v for k, v in zip(["a1", "a2", "a3", "b1", "b2"], leaves, strict=True)}
    values[("A",)] = sum(leaves[:3])
    values[("B",)] = sum(leaves[3:])
    values[("D",)] = sum(leaves)
    result = suppress(Table(values, [Hierarchy(tree)]))
    assert_protected(result, [(tree, ["D", "A", "B", "a1", "a2", "a3", "b1", "b2"])])


# --- Rules and properties ----------------------------------------------------------------------------------------


def test_threshold_is_configurable():
    table, _ = one_way({"A": 3, "B": 7, "C": 12, "D": 40})
    assert suppress(table, threshold=3).status[("A",)] == Status.PUBLISHED
    assert suppress(table, threshold=5).status[("A",)] == Status.PRIMARY
    assert suppress(table, threshold=11).status[("B",)] == Status.PRIMARY
    assert suppress(table, threshold=11).margin == 10


def test_margin_is_configurable_and_honoured():
    table, trees = one_way({"A": 2, "B": 4, "C": 30, "D": 50})
    # With margin 2, B (4) protects A: A ∈ [1, 5]. With margin 10, a larger partner is needed.
    assert suppress(table, margin=2).status[("C",)] == Status.PUBLISHED
    wide = suppress(table, margin=10)
    assert wide.status[("C",)] == Status.SECONDARY
    intervals = assert_protected(wide, trees)
    assert intervals[("A",)][1] - intervals[("A",)][0] >= 10


def test_deterministic_and_ties_broken_by_declaration_order():
    table, _ = one_way({"A": 2, "B": 6, "C": 6, "D": 20})
    first = suppress(table)
    # Same values given in another order: same cells hidden. B and C tie: B, declared first, is hidden.
    shuffled = dict(reversed(list(table.values.items())))
    again = suppress(Table(shuffled, table.dimensions))
    assert first.status == again.status
    assert first.status[("B",)] == Status.SECONDARY
    assert first.status[("C",)] == Status.PUBLISHED


def test_each_period_is_its_own_table():
    january, _ = one_way({"A": 2, "B": 6, "C": 6})
    february, _ = one_way({"A": 8, "B": 6, "C": 6})
    results = suppress_periods({"2025-01": january, "2025-02": february})
    assert results["2025-01"].hidden() and not results["2025-02"].hidden()


def test_rates_follow_their_parts():
    oriented, _ = one_way({"A": 2, "B": 6, "C": 9, "D": 11})
    subject, _ = one_way({"A": 10, "B": 12, "C": 3, "D": 20})
    result = rates(suppress(oriented), suppress(subject))
    assert result[("A",)].secret  # numerator secret (2)
    assert result[("C",)].secret  # denominator secret (3)
    assert result[("A",)].value is None and result[("C",)].numerator is None
    assert not result[("D",)].secret
    assert result[("D",)].value == Fraction(11, 20)


def test_verify_refuses_a_small_count_published():
    table, _ = one_way({"A": 7, "B": 2, "C": 9})
    with pytest.raises(SecretCellError, match="compte moins de 5 unités et serait publiée"):
        verify(table, set())


def test_verify_accepts_the_result_and_rejects_a_forged_certificate():
    table, _ = one_way({"A": 7, "B": 2, "C": 9, "D": 12})
    result = suppress(table)
    verify(table, result.hidden(), certificates=result.certificates)
    forged = {("B",): ((("B",), 1), (("C",), -1))}  # C is published: not a valid pattern, and no other exists
    with pytest.raises(SecretCellError, match="pourrait être recalculée"):
        verify(table, {("B",)}, certificates=forged)


def test_table_must_be_additive_and_complete():
    with pytest.raises(TableError, match="somme"):
        Table({("A",): 1, ("B",): 2, ("T",): 4}, [Hierarchy({"T": ["A", "B"]})])
    with pytest.raises(TableError, match="Il manque"):
        Table({("A",): 1, ("T",): 1}, [Hierarchy({"T": ["A", "B"]})])


def test_a_departement_scale_table_is_protected():
    """700 communes × 10 segments in 15 territories; every certificate re-checked by ``verify``.

    Measured on the development machine: about 2 s for the suppression of these 7 876 cells (≈ 3 100 small
    counts), a few hundredths of a second for the verification. The exact audit is used on the smaller tables.
    """
    rnd = random.Random(40)
    groups = {f"T{t}": [f"{t:02d}{i:03d}" for i in range(47 if t < 14 else 42)] for t in range(15)}
    segments = [f"S{i}" for i in range(10)]
    values = {}
    for communes in groups.values():
        for commune in communes:
            size = int(rnd.lognormvariate(3, 1.2))
            for segment in segments:
                values[(commune, segment)] = rnd.randint(0, size // 5)
            values[(commune, "E")] = sum(values[(commune, s)] for s in segments)
    for territory, communes in groups.items():
        for segment in [*segments, "E"]:
            values[(territory, segment)] = sum(values[(c, segment)] for c in communes)
    for segment in [*segments, "E"]:
        values[("40", segment)] = sum(values[(t, segment)] for t in groups)
    table = Table(values, [Hierarchy({"40": list(groups), **groups}), Hierarchy.with_total("E", segments)])
    result = suppress(table)
    assert any(s == Status.SECONDARY for s in result.status.values())
    verify(table, result.hidden(), certificates=result.certificates)
    assert all(result.is_secret(k) for k, v in values.items() if 0 < v < 5)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 5, 7, 12]), min_size=8, max_size=8))
def test_generated_hierarchies_crossed_with_a_segment_pass_the_audit(detail):
    tree = {"D": ["A", "B"], "A": ["a1", "a2"], "B": ["b1", "b2"]}
    communes, sexes = ["a1", "a2", "b1", "b2"], ["F", "H"]
    values = {(c, s): detail[2 * i + j] for i, c in enumerate(communes) for j, s in enumerate(sexes)}
    for parent in ["A", "B", "D"]:
        for sex in sexes:
            values[(parent, sex)] = sum(values[(k, sex)] for k in tree[parent])
    for territory in ["D", "A", "B", *communes]:
        values[(territory, "E")] = sum(values[(territory, s)] for s in sexes)
    result = suppress(Table(values, [Hierarchy(tree), Hierarchy.with_total("E", sexes)]))
    assert_protected(result, [(tree, ["D", "A", "B", *communes]), ({"E": sexes}, ["E", *sexes])])
