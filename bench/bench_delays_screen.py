"""The delays screen at Nord scale: p50/p95 of its selectors (summary by territory × step, one page of the list) and
of the whole pages, with their SQL queries; and the time of the daily alert run.

Run after bench_caf_import.py, on the same database (110 000 households / 209 596 persons of département 59). It
reuses bench_orientation_queue's set-up (the chargé d'orientation and a third of the people oriented), then adds
what the delays need: eight territories, orientation decisions spread after the request of the right, first
appointments and contracts for some, a year of sessions with invitations, a territory manager.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_caf_import.py && \\
             .venv/bin/python bench/bench_delays_screen.py'
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from bench_orientation_queue import organisation_get  # noqa: E402
from bench_orientation_queue import setup as queue_setup  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jalon.accounts.models import User  # noqa: E402
from jalon.core.bulk import bulk_insert_rows, insert_rows_returning_ids  # noqa: E402
from jalon.core.enums import Role  # noqa: E402
from jalon.core.scoping import Actor  # noqa: E402
from jalon.organisations.models import Membership, Organisation  # noqa: E402
from jalon.orientation.delays import selectors  # noqa: E402
from jalon.orientation.delays.services import delay_alerts_raise  # noqa: E402
from jalon.orientation.models import DelayAlert, OrientationSession, SessionParticipant  # noqa: E402
from jalon.people.models import Person  # noqa: E402
from jalon.territories.models import Commune, Territory  # noqa: E402


RUNS = 50
DEPARTEMENT = "59"
TERRITORIES = 8


def build_territories() -> list[Territory]:
    """Eight territories; the communes where the population lives are dealt among them in turn (the generated
    flux uses a few dozen communes), the others follow in blocks."""
    existing = list(Territory.objects.filter(departement_id=DEPARTEMENT).order_by("pk"))
    if existing:
        return existing
    lived_in = list(
        Person.objects.filter(departement_id=DEPARTEMENT)
        .exclude(commune=None)
        .order_by("commune_id")
        .values_list("commune_id", flat=True)
        .distinct()
    )
    others = list(
        Commune.objects.in_departement(DEPARTEMENT)
        .exclude(code__in=lived_in)
        .order_by("epci_id", "code")
        .values_list("code", flat=True)
    )
    size = -(-len(others) // TERRITORIES)
    territories = []
    for index in range(TERRITORIES):
        territory = Territory.objects.create(departement_id=DEPARTEMENT, name=f"Territoire {index + 1} (bench)")
        territory.communes.set([*lived_in[index::TERRITORIES], *others[index * size : (index + 1) * size]])
        territories.append(territory)
    return territories


def build_path(user) -> None:
    """Decisions spread 5 to 95 days after the request; first appointments for two thirds, contracts for half;
    a year of sessions where a quarter of the waiting people were invited. Plain SQL: this is a bench fixture."""
    if SessionParticipant.objects.filter(person__departement_id=DEPARTEMENT).exists():
        return
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orientation_orientation o SET decided_on = LEAST(%s, r.request_date + (o.id %% 91 + 5)::int)
            FROM people_householdmember m JOIN people_rsaright r ON r.household_id = m.household_id
            WHERE m.person_id = o.person_id AND m.left_on IS NULL AND r.request_date IS NOT NULL
            """,
            [today],
        )
        cursor.execute(
            "UPDATE orientation_orientation SET first_appointment_on = LEAST(%s, decided_on + (id %% 45)::int) "
            "WHERE id %% 3 <> 0",
            [today],
        )
        cursor.execute(
            "UPDATE orientation_orientation SET contract_signed_on = LEAST(%s, decided_on + (id %% 80 + 10)::int) "
            "WHERE id %% 2 = 0",
            [today],
        )
    organisation = organisation_get()
    start = timezone.make_aware(datetime.combine(today - timedelta(days=365), datetime.min.time()))
    sessions = insert_rows_returning_ids(
        OrientationSession,
        [
            {
                "departement_id": DEPARTEMENT,
                "organisation_id": organisation.pk,
                "territory_id": None,
                "kind": "cellule",
                "mode": "sur_place",
                "starts_at": start + timedelta(days=index % 365, hours=9),
                "ends_at": start + timedelta(days=index % 365, hours=11),
                "place": "",
                "capacity": 200,
                "stage": "cloture",
                "cancelled_at": None,
                "cancel_reason": "",
                "created_by_id": user.pk,
                "created_at": timezone.now(),
            }
            for index in range(400)
        ],
    )
    waiting = list(
        selectors.in_path(Person.objects.filter(departement_id=DEPARTEMENT))
        .filter(current=None)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    now = timezone.now()
    bulk_insert_rows(
        SessionParticipant,
        [
            {
                "session_id": sessions[index % len(sessions)],
                "person_id": person_id,
                "invitation_kind": "invitation",
                "invited_at": now - timedelta(days=index % 300),
                "invited_by_id": user.pk,
                "reminder_sent_at": None,
                "response": "sans_reponse",
                "response_note": "",
                "responded_at": None,
                "attendance": "present" if index % 3 else "absent",
                "attendance_recorded_at": None,
                "attendance_recorded_by_id": None,
                "absence_follow_up": "",
                "created_at": now,
            }
            for index, person_id in enumerate(waiting[::4])
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def manager(territory) -> Membership:
    organisation, _ = Organisation.objects.get_or_create(
        departement_id=DEPARTEMENT, name="Nord — territoire d'action sociale (bench)", defaults={"kind": "sdsei"}
    )
    user = User.objects.filter(email="manager-bench@nord.test").first() or User.objects.create_user(
        "manager-bench@nord.test", first_name="Manager", last_name="Nord"
    )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.TERRITORY_MANAGER
    )
    if created:
        membership.territories.set([territory])
    return membership


def timed(function, runs=RUNS):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        function()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(ctx.captured_queries)


def client_for(membership) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["current_membership_id"] = membership.pk
    session.save()
    return client


def page(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return get


def main():
    user, officer = queue_setup()
    territories = build_territories()
    build_path(user)
    limited = manager(territories[2])
    persons = Person.objects.filter(departement_id=DEPARTEMENT).count()
    print(f"personnes du département {DEPARTEMENT} : {persons}, territoires : {len(territories)}")
    print(f"charge de la machine au départ : {os.getloadavg()[0]:.1f}")

    actor = Actor(user=officer.user, membership=officer, memberships=(officer,))
    today = timezone.localdate()
    summary = selectors.delays_summary(actor=actor, today=today)
    print("en retard (ensemble) : " + ", ".join(f"{step} {count}" for step, count in summary.total.counts.items()))

    def selector_pair(step, territory_id=None):
        def run():
            found = selectors.delays_summary(actor=actor, today=today)
            list(selectors.overdue_page(actor=actor, step=step, summary=found, territory_id=territory_id))

        return run

    print()
    print("| mesure | p50 | p95 | requêtes SQL |")
    print("| --- | --- | --- | --- |")
    rows = [
        ("sélecteurs : synthèse + page 1 (orientation)", selector_pair("orientation")),
        ("sélecteurs : synthèse + page 1 (contrat)", selector_pair("contrat")),
        (
            "sélecteurs : synthèse + page 1 (invitation, un territoire)",
            selector_pair("invitation", territories[0].pk),
        ),
    ]
    officer_client, manager_client = client_for(officer), client_for(limited)
    rows += [
        ("écran des délais (chargé d'orientation)", page(officer_client, "/orientation/delais/")),
        ("écran des délais, page 40", page(officer_client, "/orientation/delais/?etape=orientation&page=40")),
        (
            "écran des délais, premier rendez-vous, un territoire",
            page(officer_client, f"/orientation/delais/?etape=premier_rdv&territoire={territories[1].pk}"),
        ),
        ("écran des délais (manager limité à un territoire)", page(manager_client, "/orientation/delais/")),
    ]
    for label, function in rows:
        p50, p95, queries = timed(function)
        print(f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {queries} |")

    # The daily run, once on a département without alerts, then again (nothing new: only the checks).
    with transaction.atomic():
        DelayAlert.objects.filter(person__departement_id=DEPARTEMENT).delete()
    started = time.perf_counter()
    first = delay_alerts_raise(departement_id=DEPARTEMENT, notify=False)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = delay_alerts_raise(departement_id=DEPARTEMENT, notify=False)
    again_s = time.perf_counter() - started
    print(f"| levée des alertes, première fois ({first['raised']} alertes) | {first_s:.1f} s | | |")
    label = f"levée des alertes, le lendemain ({again['raised']} nouvelles, {again['closed']} closes)"
    print(f"| {label} | {again_s:.1f} s | | |")
    p50, p95, queries = timed(page(officer_client, "/orientation/alertes/"))
    print(f"| écran des alertes (chargé d'orientation) | {p50:.0f} ms | {p95:.0f} ms | {queries} |")
    p50, p95, queries = timed(page(manager_client, "/orientation/alertes/"))
    print(f"| écran des alertes (manager limité à un territoire) | {p50:.0f} ms | {p95:.0f} ms | {queries} |")
    print(f"charge de la machine à la fin : {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
