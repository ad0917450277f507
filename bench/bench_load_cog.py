"""Times `cog_load` for all of France on the configured database and prints communes per second.

Run against a throwaway database, e.g.:
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/bench_load_cog.py
The first run inserts, the next ones update (the load is idempotent); both are timed.
"""

import argparse
import os
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")

import django  # noqa: E402


django.setup()

from django.db import connection  # noqa: E402

from jalon.territories.models import Commune  # noqa: E402
from jalon.territories.services import cog_default_source_dir, cog_load  # noqa: E402


def run(label: str, departement_codes: list[str] | None) -> None:
    existing = Commune.objects.count()
    start = time.perf_counter()
    counts = cog_load(source_dir=cog_default_source_dir(), departement_codes=departement_codes)
    elapsed = time.perf_counter() - start
    mode = "insert" if counts["created"]["communes"] else "update"
    print(
        f"{label:<22} {mode:<7} {counts['communes']:>6} communes, {counts['epci']:>5} EPCI "
        f"in {elapsed:6.2f} s: {counts['communes'] / elapsed:8.0f} communes/s ({existing} communes before)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2, help="runs per scope (the first may insert, the next update)")
    parser.add_argument("--departements", nargs="*", default=["40", "64"], help="also time this subset first")
    args = parser.parse_args()
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    for _ in range(args.runs):
        if args.departements:
            run(f"departements {' '.join(args.departements)}", args.departements)
    for _ in range(args.runs):
        run("all of France", None)


if __name__ == "__main__":
    main()
