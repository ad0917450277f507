"""Sums the durations a PostgreSQL server log gives (`log_min_duration_statement`) by kind of statement of the
observatory's computation: the segments' statements, the indicators' grouped queries, the values' insert, and the
others by their first words. Used with the observatory's benchmark:

    psql … -c 'ALTER DATABASE nord SET log_min_duration_statement = 200'
    DATABASE_URL=postgres://…/nord .venv/bin/python bench/bench_observatory.py --runs 3
    .venv/bin/python bench/pg_log_summary.py SERVER_LOG
"""

import re
import sys
from collections import Counter


DURATION = re.compile(r"duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): ?(.*)")
KINDS = (  # (label, test on the statement's first line), the first that matches
    ("parts et regroupements des indicateurs (WITH obs_rows)", lambda text: text.startswith("WITH obs_rows")),
    ("INSERT des valeurs", lambda text: "INSERT INTO observatory_indicatorvalue" in text),
    # The segments' statements (`segments.BUILD_SQL`, `INTERVALS_SQL`) begin with a newline: the line is empty.
    ("segments : calcul", lambda text: text == ""),
    ("segments : suppression, ANALYZE, VACUUM", lambda text: "observatory_personsegment" in text),
)


def kind_of(text: str) -> str:
    """The statement's kind, by its logged first line."""
    for label, matches in KINDS:
        if matches(text):
            return label
    return " ".join(text.split()[:6])


def main(path: str) -> None:
    seconds: Counter = Counter()
    statements: Counter = Counter()
    with open(path, errors="replace") as log:
        for line in log:
            found = DURATION.search(line)
            if found:
                kind = kind_of(found.group(2).strip())
                seconds[kind] += float(found.group(1)) / 1000
                statements[kind] += 1
    for kind, total in seconds.most_common(12):
        print(f"{total:8.1f} s  {statements[kind]:5d} instructions  {kind}")
    print(f"{sum(seconds.values()):8.1f} s  en tout")


if __name__ == "__main__":
    main(sys.argv[1])
