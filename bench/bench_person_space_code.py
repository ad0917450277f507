"""The person space's code request: does its answer take longer for a known contact than for an unknown one?

Times `POST /mon-espace/` (through Django's test client, middleware and sessions included) for the e-mail
and the mobile phone of a person with a carnet, and for an e-mail and a phone nobody has, alternating them; prints
the median and p95 of each and the ratio known / unknown (1.0 means nothing to learn from the time). With the
settings' task backend (the database in development and production) the sending is only enqueued, as in
production; `--immediate` runs it inside the request instead, to see what it would cost without a worker.
Everything it writes is rolled back.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/bench_person_space_code.py [--runs 40]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from jalon.notebook.models import Notebook  # noqa: E402
from jalon.people.models import Person  # noqa: E402
from jalon.territories.models import Departement, Region  # noqa: E402


def _contacts(i: int) -> tuple[str, str]:
    """An e-mail and a mobile number; the persons made by the benchmark have those of even `i`."""
    return f"bench.code.{i}@exemple.fr", f"06 98 {i // 10000:02d} {i // 100 % 100:02d} {i % 100:02d}"


def _persons(runs: int) -> None:
    """One person with a carnet per run, so that each known request is a first one (no per-person limit)."""
    region, _ = Region.objects.get_or_create(code="75", defaults={"name": "Nouvelle-Aquitaine"})
    departement, _ = Departement.objects.get_or_create(code="40", defaults={"name": "Landes", "region": region})
    for i in range(0, 2 * runs, 2):
        email, phone = _contacts(i)
        person = Person(
            departement=departement,
            first_name="Camille",
            last_name=f"Banc {i}",
            birth_date=date(1990, 5, 4),
            email=email,
            phone=phone,
        )
        person.set_normalized_names()
        person.save()
        Notebook.objects.create(person=person)


# One handler for every request, as a server process has: a new `Client` builds the middleware again, and WhiteNoise
# then scans every collected static file (0.3 s once `collectstatic` has run).
CLIENT = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="localhost")


def _time(url: str, contact: str) -> float:
    client = CLIENT
    client.cookies.clear()  # a fresh browser: the per-browser limit never answers instead
    started = time.perf_counter()
    response = client.post(url, {"contact": contact})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="requests per contact (default 40)")
    parser.add_argument("--immediate", action="store_true", help="run the sending task inside the request")
    args = parser.parse_args()
    tasks = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}} if args.immediate else None
    url = reverse("person_space:login")
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    # E-mails stay in memory: the console would print every code.
    overrides = {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **({"TASKS": tasks} if tasks else {}),
    }
    with override_settings(**overrides), transaction.atomic():
        _persons(args.runs)
        _time(url, _contacts(-1)[0])  # warm-up: templates, URL resolver, connection
        for run in range(args.runs):
            timings["known"] += [_time(url, contact) for contact in _contacts(2 * run)]
            timings["unknown"] += [_time(url, contact) for contact in _contacts(2 * run + 1)]
        transaction.set_rollback(True)
    for kind, values in timings.items():
        print(
            f"{kind:8} n={len(values):4}  median {statistics.median(values) * 1000:7.1f} ms  "
            f"p95 {_p95(values) * 1000:7.1f} ms"
        )
    ratio = statistics.median(timings["known"]) / statistics.median(timings["unknown"])
    print(f"ratio known / unknown (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
