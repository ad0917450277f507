"""The carnet de bord at Nord scale: p50/p95 and SQL queries of the pages of a carnet with three years of history
(hundreds of events) and of the caseload dashboard of a référent who follows 150 people.

Run after bench_caf_import.py, on the same database (110 000 households / 209 596 persons of département 59). It
reuses bench_orientation_queue's set-up (a third of the people oriented), then deals the people followed among
référents of 150 people each, opens a carnet for every one of them with a year and a half of ordinary history
(contacts, appointments, freins, objectives and actions, notes, two contracts: about 2.7 million rows), and gives
one person of the measured référent three years of a dense path (about 500 events).

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_caf_import.py && \\
             .venv/bin/python bench/bench_carnet.py'
"""

import os
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from bench_delays_screen import client_for, page, timed  # noqa: E402
from bench_orientation_queue import organisation_get  # noqa: E402
from bench_orientation_queue import setup as queue_setup  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jalon.accounts.models import User  # noqa: E402
from jalon.core.enums import Role  # noqa: E402
from jalon.core.scoping import Actor  # noqa: E402
from jalon.notebook.carnet.selectors import notebook_timeline  # noqa: E402
from jalon.notebook.followup.selectors import caseload_dashboard  # noqa: E402
from jalon.notebook.followup.services import contract_types_default_create  # noqa: E402
from jalon.notebook.models import Action, Appointment, Contact, Contract, ContractType, Note, Notebook, Objective  # noqa: E402
from jalon.organisations.models import Membership  # noqa: E402
from jalon.orientation.models import ReferentAssignment  # noqa: E402
from jalon.territories.models import Departement  # noqa: E402


DEPARTEMENT = "59"
TABLES = (Notebook, Contact, Appointment, Objective, Action, Note, Contract)
CASELOAD = 150
# Ordinary history of every carnet, then the dense one: (contacts, appointments, objectives, notes) over `days`.
# `lag` spreads the last contact of the carnets over that many days, so that some people are lost from view.
ORDINARY = {"contacts": 12, "appointments": 8, "objectives": 3, "notes": 3, "days": 540, "freins": 4, "lag": 60}
DENSE = {"contacts": 160, "appointments": 110, "objectives": 45, "notes": 60, "days": 1095, "freins": 20, "lag": 1}


def build_referents(organisation) -> list[int]:
    """Référents of 150 people each; the current référent assignments are dealt among them in turn."""
    existing = list(
        Membership.objects.filter(organisation=organisation, role=Role.REFERENT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if existing:
        return existing
    followed = ReferentAssignment.objects.current().filter(person__departement_id=DEPARTEMENT).count()
    users = User.objects.bulk_create(
        [
            User(email=f"referent-{index}@nord-bench.test", first_name="Référent", last_name=f"N°{index}")
            for index in range(followed // CASELOAD)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, organisation=organisation, role=Role.REFERENT) for user in users]
    )
    ids = [user.pk for user in users]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orientation_referentassignment a SET referent_id = (%s::bigint[])[1 + (dealt.rank - 1) %% %s]
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM orientation_referentassignment
                  WHERE ended_on IS NULL) dealt
            WHERE a.id = dealt.id
            """,
            [ids, len(ids)],
        )
    return ids


def history(cursor, *, where: str, params: list, shape: dict, cer_id: int) -> None:
    """A path for the carnets selected by `where` (on notebook n): contacts and appointments spread over
    `shape["days"]` (the last contact `lag` days back at most), freins, objectives with two actions each, notes
    shared and private, two contracts. The SQL is composed from this script's constants only (hence the S608
    exemptions)."""
    today, days = timezone.localdate(), shape["days"]

    def followed(series: str = "") -> str:
        return f"""
            FROM notebook_notebook n
            JOIN orientation_referentassignment r ON r.person_id = n.person_id AND r.ended_on IS NULL
            {f"CROSS JOIN {series}" if series else ""}
            WHERE {where}
        """

    def spread(kind: str) -> str:
        return f"(g * {days} / {shape[kind]})"

    cursor.execute(
        f"""
        INSERT INTO notebook_contact (notebook_id, occurred_on, kind, summary, professional_id, organisation_id,
                                      created_at, updated_at)
        SELECT n.id, %s::date - {spread("contacts")} - mod(n.id, {shape["lag"]})::int,
               (ARRAY['bureau','telephone','email','domicile','atelier'])[1 + mod(n.id + g, 5)],
               'Point sur les démarches en cours et les prochaines étapes.', r.referent_id, r.organisation_id,
               now(), now()
        {followed(f"generate_series(1, {shape['contacts']}) g")}
        """,
        [today, *params],
    )
    # The first appointment of each carnet is next week: the dashboard has some to show.
    cursor.execute(
        f"""
        INSERT INTO notebook_appointment (notebook_id, starts_at, ends_at, mode, place, professional_id,
                                          organisation_id, purpose, attendance, created_at, updated_at)
        SELECT n.id, now() - make_interval(days => {spread("appointments")} - 7),
               now() - make_interval(days => {spread("appointments")} - 7) + interval '1 hour',
               'sur_place', '', r.referent_id, r.organisation_id, 'Entretien de suivi',
               CASE WHEN {spread("appointments")} > 7
                    THEN (ARRAY['present','present','excuse','absent'])[1 + mod(n.id + g, 4)] ELSE '' END,
               now(), now()
        {followed(f"generate_series(0, {shape['appointments']} - 1) g")}
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO notebook_notebookfrein (notebook_id, category_id, status, nature, identified_on, comment,
                                            updated_by_id, created_at, updated_at)
        SELECT n.id, c.id, (ARRAY['besoin','point_appui'])[1 + mod(n.id + c.id, 2)], 'objectif',
               %s::date - {days}, '', r.referent_id, now(), now()
        {followed(f"(SELECT id FROM notebook_freincategory ORDER BY position LIMIT {shape['freins']}) c")}
        """,  # noqa: S608
        [today, *params],
    )
    cursor.execute(
        f"""
        INSERT INTO notebook_objective (notebook_id, title, status, starts_on, due_on, carried_by_id,
                                        created_at, updated_at)
        SELECT n.id, 'Objectif ' || g,
               (ARRAY['prevu','en_cours','realise','en_attente','abandonne'])[1 + mod(g, 5)],
               %s::date - {spread("objectives")}, %s::date - {spread("objectives")} + 90,
               r.referent_id, now() - make_interval(days => {spread("objectives")}), now()
        {followed(f"generate_series(1, {shape['objectives']}) g")}
        """,
        [today, today, *params],
    )
    cursor.execute(
        f"""
        INSERT INTO notebook_action (objective_id, title, status, starts_on, due_on, carried_by_id,
                                     carried_by_person, created_at, updated_at)
        SELECT o.id, 'Action ' || g, o.status, o.starts_on, o.due_on, o.carried_by_id, false, o.created_at, now()
        FROM notebook_objective o CROSS JOIN generate_series(1, 2) g
        WHERE o.notebook_id IN (SELECT n.id {followed()})
        """,  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO notebook_note (notebook_id, author_id, organisation_id, visibility, text, written_by_person,
                                   created_at, updated_at)
        SELECT n.id, r.referent_id, r.organisation_id, (ARRAY['partagee','privee'])[1 + mod(g, 2)],
               'La personne a avancé sur ses démarches ; prochain point dans un mois.', false,
               now() - make_interval(days => {spread("notes")}), now()
        {followed(f"generate_series(1, {shape['notes']}) g")}
        """,
        params,
    )
    # Two consecutive CER of six months; the current one ends in 9 days (a contract to renew).
    cursor.execute(
        f"""
        INSERT INTO notebook_contract (notebook_id, contract_type_id, starts_on, ends_on, signed_on,
                                       signed_by_person, signed_by_id, organisation_id, end_reason, end_note,
                                       hours_reduction_reason, hours_reduction_note, created_at, updated_at)
        SELECT n.id, %s, %s::date - 180 * g - 170, %s::date - 180 * g + 9, %s::date - 180 * g - 170, true,
               r.referent_id, r.organisation_id, '', '', '', '', now(), now()
        {followed("generate_series(0, 1) g")}
        """,
        [cer_id, today, today, today, *params],
    )
    cursor.execute(
        f"""
        UPDATE notebook_notebook n SET last_contact_on = last.day
        FROM (SELECT notebook_id, max(occurred_on) AS day FROM notebook_contact GROUP BY notebook_id) last
        WHERE last.notebook_id = n.id AND n.id IN (SELECT n.id {followed()})
        """,  # noqa: S608
        params,
    )


def build_carnets(referent_id: int) -> int:
    """Carnets for every person followed, with their ordinary history; the dense one for the first person of the
    measured référent. Returns that person's id."""
    first = (
        ReferentAssignment.objects.current()
        .filter(referent_id=referent_id)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if Notebook.objects.filter(person__departement_id=DEPARTEMENT).exists():
        return first
    contract_types_default_create(departement=Departement.objects.get(code=DEPARTEMENT))
    cer = ContractType.objects.get(departement_id=DEPARTEMENT, code="cer")
    with transaction.atomic(), connection.cursor() as cursor:
        # Followed for up to 13 months: some people are new, some lost from view.
        cursor.execute(
            """
            UPDATE orientation_orientation SET decided_on = decided_on - mod(person_id, 400)::int
            WHERE ended_on IS NULL AND decided_on = %s
            """,
            [timezone.localdate()],
        )
        cursor.execute(
            """
            UPDATE orientation_referentassignment SET started_on = started_on - mod(person_id, 400)::int
            WHERE ended_on IS NULL AND started_on = %s
            """,
            [timezone.localdate()],
        )
        cursor.execute(
            """
            INSERT INTO notebook_notebook (person_id, version, last_activity_at, created_at, updated_at)
            SELECT person_id, 1, now(), now(), now() FROM orientation_referentassignment WHERE ended_on IS NULL
            """
        )
        history(cursor, where="n.person_id <> %s", params=[first], shape=ORDINARY, cer_id=cer.pk)
        history(cursor, where="n.person_id = %s", params=[first], shape=DENSE, cer_id=cer.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return first


def main():
    queue_setup()
    organisation = organisation_get()
    referents = build_referents(organisation)
    referent = Membership.objects.get(organisation=organisation, role=Role.REFERENT, user_id=referents[0])
    person_id = build_carnets(referent.user_id)
    actor = Actor(user=referent.user, membership=referent, memberships=(referent,))
    notebook = Notebook.objects.select_related("person").get(person_id=person_id)
    counts = {model._meta.verbose_name_plural: model.objects.count() for model in TABLES}
    print(f"référents : {len(referents)} ; " + ", ".join(f"{name} : {count}" for name, count in counts.items()))
    events = notebook_timeline(actor=actor, notebook=notebook)
    followed = ReferentAssignment.objects.current().filter(referent=referent.user).count()
    print(f"carnet dense : {len(events)} événements ; portefeuille du référent mesuré : {followed} personnes")
    print(f"charge de la machine au départ : {os.getloadavg()[0]:.1f}")
    dashboard = caseload_dashboard(actor=actor)
    print(
        f"tableau de bord : {len(dashboard.upcoming)} rendez-vous, {len(dashboard.overdue_objectives)} objectifs "
        f"en retard, {len(dashboard.lost)} perdus de vue, {len(dashboard.to_renew)} contrats à renouveler"
    )

    client = client_for(referent)
    rows = [
        ("sélecteur : chronologie complète", lambda: notebook_timeline(actor=actor, notebook=notebook)),
        ("carnet (en-tête, situation, projets, objectifs)", page(client, f"/carnets/{person_id}/")),
        ("chronologie, page 1", page(client, f"/carnets/{person_id}/chronologie/")),
        ("chronologie, page 5", page(client, f"/carnets/{person_id}/chronologie/?page=5")),
        ("chronologie filtrée (contacts)", page(client, f"/carnets/{person_id}/chronologie/?kind=contacts")),
        ("objectifs d'un coup d'œil", page(client, f"/carnets/{person_id}/objectifs/")),
        ("contrats", page(client, f"/carnets/{person_id}/contrats/")),
        ("rendez-vous", page(client, f"/carnets/{person_id}/rendez-vous/")),
        ("contacts", page(client, f"/carnets/{person_id}/contacts/")),
        ("équipe et notes", page(client, f"/carnets/{person_id}/equipe/")),
        (f"tableau de bord du référent ({followed} personnes)", page(client, "/carnets/tableau-de-bord/")),
    ]
    print()
    print("| mesure | p50 | p95 | requêtes SQL |")
    print("| --- | --- | --- | --- |")
    for label, function in rows:
        p50, p95, queries = timed(function)
        print(f"| {label} | {p50:.0f} ms | {p95:.0f} ms | {queries} |")
    print(f"charge de la machine à la fin : {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
