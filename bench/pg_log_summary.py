"""Sums the durations a PostgreSQL server log gives (`log_min_duration_statement`) by kind of statement of the
observatory's computation: the segments' statements, the indicators' grouped queries, the values' insert, and the
others by their first words. Used with the observatory's benchmark:

    psql … -c 'ALTER DATABASE nord SET log_min_duration_statement = 200'
    DATABASE_URL=postgres://…/nord .venv/bin/python bench/bench_observatory.py --runs 3
    .venv/bin/python bench/pg_log_summary.py SERVER_LOG

The indicators' queries are then split by the tables their population is read from (the `FROM` and joins of
`obs_rows` itself, not of its subqueries), and by the number of share columns they compute together (`obs_col_…`).
"""

import re
import sys
from collections import Counter


DURATION = re.compile(r"duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): ?(.*)")
KINDS = (  # (label, test on the statement's first line), the first that matches
    ("parts et regroupements des indicateurs (WITH obs_rows)", lambda text: text.startswith("WITH obs_rows")),
    # The shares on many days (`shares_on_days`): their pieces made a temporary table, then their statement read
    # through a server-side cursor, the computation's only one (its first FETCH runs the statement).
    ("parts sur plusieurs jours : morceaux", lambda text: text.startswith("CREATE TEMP TABLE obs_pieces")),
    ("parts sur plusieurs jours : instruction (FETCH)", lambda text: text.startswith("FETCH FORWARD")),
    ("INSERT des valeurs", lambda text: "INSERT INTO observatory_indicatorvalue" in text),
    # The segments' statements (`segments.BUILD_SQL`, `INTERVALS_SQL`) begin with a newline: the line is empty.
    ("segments : calcul", lambda text: text == ""),
    ("segments : suppression, ANALYZE, VACUUM", lambda text: "observatory_personsegment" in text),
)


TABLE = re.compile(r'"(\w+)"')
SHARE_COLUMN = re.compile(r"obs_col_(\d+)")


def population_of(text: str) -> str:
    """The tables an indicator query's rows come from: those named at the top level of `obs_rows` after its
    `FROM` (the table and its joins), with the number of share columns when it computes shares together."""
    start = text.find("(", text.find("obs_rows")) + 1
    depth, position, top = 0, start, []
    while position < len(text) and depth >= 0:
        character = text[position]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif depth == 0:
            top.append(character)
        position += 1
    clause = "".join(top)
    clause = clause[clause.find(" FROM ") : clause.find(" WHERE ") if " WHERE " in clause else len(clause)]
    tables = [name for name in TABLE.findall(clause) if name != "observatory_personsegment"]
    shares = len(set(SHARE_COLUMN.findall(text)))
    return " + ".join(dict.fromkeys(tables)) + (f", {shares} colonnes de parts" if shares else "")


def kind_of(text: str) -> str:
    """The statement's kind, by its logged first line."""
    for label, matches in KINDS:
        if matches(text):
            return label
    return " ".join(text.split()[:6])


def main(path: str) -> None:
    seconds: Counter = Counter()
    statements: Counter = Counter()
    populations: Counter = Counter()
    population_statements: Counter = Counter()
    with open(path, errors="replace") as log:
        for line in log:
            found = DURATION.search(line)
            if found:
                kind = kind_of(found.group(2).strip())
                seconds[kind] += float(found.group(1)) / 1000
                statements[kind] += 1
                if kind == KINDS[0][0]:
                    population = population_of(found.group(2))
                    populations[population] += float(found.group(1)) / 1000
                    population_statements[population] += 1
    for kind, total in seconds.most_common(12):
        print(f"{total:8.1f} s  {statements[kind]:5d} instructions  {kind}")
    print(f"{sum(seconds.values()):8.1f} s  en tout")
    print("requêtes des indicateurs, par population lue :")
    for population, total in populations.most_common(12):
        print(f"{total:8.1f} s  {population_statements[population]:5d} instructions  {population}")


if __name__ == "__main__":
    main(sys.argv[1])
