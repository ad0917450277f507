"""The "à orienter" queue at Nord scale: p50/p95 of the page, first page and a filtered one, and its SQL queries.

Run after bench_caf_import.py, on the same database (it holds 110 000 households / 209 596 persons of
département 59); it adds the organisation, the chargé d'orientation and 30 % of orientations it needs.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_caf_import.py && \\
             .venv/bin/python bench/bench_orientation_queue.py'
"""

import os
import statistics
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jalon.accounts.models import User  # noqa: E402
from jalon.core.enums import Role  # noqa: E402
from jalon.organisations.models import Membership, Organisation  # noqa: E402
from jalon.orientation.models import Orientation  # noqa: E402
from jalon.orientation.selectors import orientation_queue  # noqa: E402
from jalon.orientation.services import orientation_bulk_record  # noqa: E402
from jalon.people.models import Person  # noqa: E402


RUNS = 50
# The other page benchmarks find this organisation by its exact name: they add organisations of their own.
ORGANISATION = "Département du Nord — orientation (bench)"


def organisation_get():
    organisation, _ = Organisation.objects.get_or_create(
        departement_id="59", name=ORGANISATION, defaults={"kind": "cd"}
    )
    return organisation


def setup():
    organisation = organisation_get()
    user = User.objects.filter(email="bench@nord.test").first() or User.objects.create_user(
        "bench@nord.test", first_name="Bench", last_name="Nord"
    )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.ORIENTATION_OFFICER
    )
    if not Orientation.objects.filter(person__departement_id="59").exists():
        from jalon.core.scoping import Actor

        waiting = list(orientation_queue(actor=Actor(user=user, membership=membership)).values_list("pk", flat=True))
        decisions = [
            {
                "person_id": pk,
                "orientation_type": "social",
                "dispositif_id": None,
                "organisation_id": organisation.pk,
                "referent_id": user.pk,
                "decided_on": django.utils.timezone.localdate(),
                "person_chose_referent": False,
                "person_agreement": "accord",
            }
            for pk in waiting[::3]
        ]
        orientation_bulk_record(actor_label="bench", decisions=decisions)
    return user, membership


def measure(client, url):
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(ctx.captured_queries)


def main():
    user, membership = setup()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["current_membership_id"] = membership.pk
    session.save()
    persons = Person.objects.filter(departement_id="59").count()
    print(f"personnes du département 59 : {persons}")
    print("| page | p50 | p95 | requêtes SQL |")
    print("| --- | --- | --- | --- |")
    for label, url in (
        ("file « à orienter », page 1", "/orientation/"),
        ("page 40", "/orientation/?page=40"),
        ("filtrée (25-35 ans, demande depuis 6 mois)", "/orientation/?min_age=25&max_age=35&min_months=6"),
    ):
        p50, p95, queries = measure(client, url)
        print(f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
