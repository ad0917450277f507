"""CPU of a CAF/MSA flux import, by process: the importer, its parsing child and its PostgreSQL backend.

On a machine shared with other work the wall time of an import moves with the others' load; the CPU each process
spends does much less. Runs one import in this process (into the database of DATABASE_URL, PostgreSQL, migrated,
with the COG of the Département loaded) and prints its wall time and the three CPU times. The backend's parallel
workers (index builds) are not counted.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; export DJANGO_SETTINGS_MODULE=jalon.settings.dev;
             .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_cog --departements 59 -v0 &&
             .venv/bin/python bench/caf_import_cpu.py /tmp/jalon-bench/flux-110000.xml'
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caf_import_bound import Backend  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--departement", default="59")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
    import django

    django.setup()
    from jalon.intake.caf_import import caf_flux_import
    from jalon.territories.models import Departement

    departement = Departement.objects.get(code=args.departement)
    backend_cpu = Backend().cpu

    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    backend_start, started = backend_cpu(), time.monotonic()
    run = caf_flux_import(path=args.file, departement=departement, other_departement_allowed=True)
    wall, backend = time.monotonic() - started, backend_cpu() - backend_start
    own, child = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{run.status}: {run.households_created} households and {run.persons_created} persons created, "
        f"{run.households_unchanged} unchanged"
    )
    print(
        f"wall {wall:.1f} s; CPU: importer {own.ru_utime + own.ru_stime:.1f} s, parsing child "
        f"{child.ru_utime + child.ru_stime:.1f} s, PostgreSQL backend {backend:.1f} s"
    )
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
