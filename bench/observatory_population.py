"""A Nord-scale population for the observatory's benchmark, generated in SQL (PostgreSQL only, seeded).

110 000 households of département 59 whose RSA rights were requested from 2014 to the end of 2026 (a fifth closed
since), about 200 000 persons (applicants, a partner in a third of the households, children), orientations for
two thirds of the adults subject to rights and duties (a tenth reoriented), 1 440 orientation cells over three
years in eight territories with a quarter of the oriented present at one, diagnosis interviews, carnets, CERs and
appointments. The COG of département 59 must be loaded first (`load_cog --departements 59`); everything else is
inserted here by plain SQL (a bench fixture: no services, no audit), with explicit ids above 50 000 000."""

# ruff: noqa: S608 - the statements interpolate only the module's own constants (ids, sizes, table names)
from django.db import connection


DEPARTEMENT = "59"
HOUSEHOLDS = 110_000
BASE = 50_000_000  # explicit ids of the generated rows, far above the sequences of anything else

STATEMENTS = [
    "SELECT setseed(0.59)",
    # Organisations (one per kind the OARSA return tells apart), dispositifs, the CER contract type, a referent.
    f"""INSERT INTO organisations_organisation (id, created_at, updated_at, name, kind, siret, email, phone, address,
        is_active, departement_id)
        SELECT {BASE} + n, now(), now(), 'Organisation ' || kind || ' (bench)', kind, '', '', '', '', true, '59'
        FROM unnest(ARRAY['cd', 'france_travail', 'mission_locale', 'association', 'sdsei'])
             WITH ORDINALITY AS k(kind, n)""",
    f"""INSERT INTO orientation_dispositif (id, created_at, updated_at, name, orientation_type, is_active,
        departement_id)
        SELECT {BASE} + n, now(), now(), 'Dispositif ' || n || ' (bench)',
               (ARRAY['social', 'professionnel', 'socio_professionnel'])[1 + n % 3], true, '59'
        FROM generate_series(1, 6) n""",
    f"""INSERT INTO notebook_contracttype (id, created_at, updated_at, code, name, usual_months, renewal_notice_days,
        is_active, departement_id) VALUES ({BASE} + 1, now(), now(), 'cer', 'CER (bench)', 12, 30, true, '59')""",
    f"""INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name, phone, is_staff,
        is_active, date_joined) VALUES ({BASE} + 1, '!', false, 'referent-bench@nord.test', 'Référent', 'Nord', '',
        false, true, now())""",
    # Eight territories; the communes are dealt among them in turn.
    f"""INSERT INTO territories_territory (id, created_at, updated_at, name, kind, departement_id)
        SELECT {BASE} + n, now(), now(), 'Territoire ' || n || ' (bench)', 'sdsei', '59'
        FROM generate_series(1, 8) n""",
    f"""INSERT INTO territories_territory_communes (territory_id, commune_id)
        SELECT {BASE} + 1 + (row_number() OVER (ORDER BY code)) % 8, code FROM territories_commune
        WHERE departement_id = '59'""",
    # Households and their rights.
    """CREATE TEMPORARY TABLE bench_communes AS
        SELECT row_number() OVER (ORDER BY code) AS n, code FROM territories_commune WHERE departement_id = '59'""",
    f"""CREATE TEMPORARY TABLE bench_households AS
        SELECT {BASE} + n AS id, n, DATE '2014-01-01' + (random() * 4700)::int AS requested,
               random() AS closing, random() AS couple, random() AS children,
               (SELECT code FROM bench_communes c WHERE c.n = 1 + (g.n * 7919) % (SELECT count(*) FROM bench_communes))
                   AS commune
        FROM generate_series(1, {HOUSEHOLDS}) g(n)""",
    """INSERT INTO people_household (id, created_at, updated_at, organisme, organisme_code, matricule, address,
        address_complement, postal_code, city, homeless, source_hash, commune_id, departement_id, geocoded_address)
        SELECT id, now(), now(), 'CAF', '591', 'B' || n, '', '', '', '', false, '', commune, '59', ''
        FROM bench_households""",
    """INSERT INTO people_rsaright (id, created_at, updated_at, state, request_date, opening_date, suspension_reason,
        closure_reason, closure_date, household_id, request_number)
        SELECT id, now(), now(), 2, requested, requested + (random() * 40)::int, '', '',
               CASE WHEN closing < 0.2 THEN LEAST(DATE '2026-12-31', requested + 60 + (random() * 1500)::int) END,
               id, 'R' || n
        FROM bench_households""",
    # Persons: the applicant (1), a partner in a third of the households (2), one or two children in 40 % (3, 4).
    f"""CREATE TEMPORARY TABLE bench_persons AS
        SELECT {BASE} + h.n * 4 + k AS id, h.id AS household_id, h.commune, h.requested, k
        FROM bench_households h, generate_series(0, 3) k
        WHERE k = 0 OR (k = 1 AND h.couple < 0.35) OR (k = 2 AND h.children < 0.4) OR (k = 3 AND h.children < 0.15)""",
    """INSERT INTO people_person (id, created_at, updated_at, civility, last_name, birth_name, first_name, birth_date,
        birth_place, sex, nir_encrypted, nir_hash, france_travail_id, internal_id, address, address_complement,
        postal_code, city, homeless, phone, email, normalized_last_name, normalized_birth_name, normalized_first_name,
        commune_id, departement_id, geocoded_address)
        SELECT id, now(), now(), '', 'Nom' || id, '', 'Prénom',
               CASE WHEN k < 2 THEN DATE '1955-01-01' + (random() * 18000)::int
                    ELSE DATE '2008-01-01' + (random() * 6000)::int END,
               '', CASE WHEN random() < 0.52 THEN '2' ELSE '1' END, '', '', '', '', '', '', '', '', false, '', '',
               'nom' || id, '', 'prenom', commune, '59', ''
        FROM bench_persons""",
    """INSERT INTO people_householdmember (created_at, updated_at, role, subject_to_rights_and_duties, joined_on,
        left_on, household_id, person_id)
        SELECT now(), now(), (ARRAY['DEM', 'CJT', 'ENF', 'AUT'])[k + 1], k < 2,
               requested, CASE WHEN k = 1 AND random() < 0.08 THEN requested + 100 + (random() * 1000)::int END,
               household_id, id
        FROM bench_persons""",
    # Orientations: two thirds of the adults, 5 to 95 days after the request; a tenth reoriented later.
    """CREATE TEMPORARY TABLE bench_oriented AS
        SELECT id AS person_id, requested + 5 + (random() * 90)::int AS decided, random() AS r
        FROM bench_persons WHERE k < 2 AND random() < 0.67""",
    f"""INSERT INTO orientation_orientation (created_at, updated_at, orientation_type, person_chose_referent,
        person_agreement, person_comment, decided_on, ended_on, end_reason, dispositif_id, organisation_id, person_id,
        referent_id, first_appointment_on)
        SELECT now(), now(), (ARRAY['social', 'professionnel', 'socio_professionnel'])[1 + (r * 3)::int % 3], false,
               'accord', '', decided, CASE WHEN r < 0.1 THEN decided + 120 END, '',
               CASE WHEN r < 0.6 THEN {BASE} + 1 + (r * 60)::int % 6 END, {BASE} + 1 + (r * 40)::int % 4, person_id,
               {BASE} + 1, CASE WHEN (r * 1000)::int % 3 <> 0 THEN decided + (r * 45)::int END
        FROM bench_oriented""",
    f"""INSERT INTO orientation_orientation (created_at, updated_at, orientation_type, person_chose_referent,
        person_agreement, person_comment, decided_on, end_reason, organisation_id, person_id, referent_id)
        SELECT now(), now(), 'social', false, 'accord', '', decided + 120, '', {BASE} + 1, person_id, {BASE} + 1
        FROM bench_oriented WHERE r < 0.1""",
    """INSERT INTO orientation_reorientationrequest (created_at, updated_at, requested_on, requested_by_person,
        reason, requested_type, status, decided_on, decision_reason, person_id)
        SELECT now(), now(), decided + 100, false, 'bench', 'social', 'acceptee', decided + 120, '', person_id
        FROM bench_oriented WHERE r < 0.1""",
    # Cells: 40 a month over 2024-2026 in the eight territories; a quarter of those oriented then were present.
    f"""INSERT INTO orientation_orientationsession (id, created_at, updated_at, kind, mode, starts_at, ends_at, place,
        capacity, stage, cancel_reason, departement_id, organisation_id, territory_id)
        SELECT {BASE} + n, now(), now(), 'cellule', 'sur_place',
               TIMESTAMPTZ '2024-01-01 09:00+01' + (n * 18 || ' hours')::interval,
               TIMESTAMPTZ '2024-01-01 11:00+01' + (n * 18 || ' hours')::interval, '', 200, 'cloture', '', '59',
               {BASE} + 1, {BASE} + 1 + n % 8
        FROM generate_series(0, 1439) n""",
    f"""INSERT INTO orientation_sessionparticipant (created_at, updated_at, invitation_kind, invited_at, response,
        response_note, attendance, absence_follow_up, person_id, session_id)
        SELECT now(), now(), 'invitation', now(), 'sans_reponse', '', 'present', '', person_id,
               {BASE} + LEAST(1439, (decided - DATE '2024-01-01') * 24 / 18)
        FROM bench_oriented WHERE decided >= DATE '2024-01-01' AND decided < DATE '2026-12-31' AND r > 0.75""",
    f"""UPDATE orientation_orientation o SET session_id = p.session_id FROM orientation_sessionparticipant p
        WHERE p.person_id = o.person_id AND o.person_id > {BASE} AND p.session_id > {BASE} AND o.ended_on IS NULL""",
    """INSERT INTO orientation_interview (created_at, updated_at, strengths, needs, obstacles, diagnostic_note,
        proposed_type, proposal_reasons, conducted_on, orientation_id, person_id)
        SELECT now(), now(), '', '', '[]', '', '', '[]', o.decided_on, o.id, o.person_id
        FROM orientation_orientation o JOIN bench_oriented b ON b.person_id = o.person_id
        WHERE b.r > 0.5 AND o.ended_on IS NOT DISTINCT FROM NULL""",
    # Carnets for the oriented, CERs for 60 % of them (renewed once for half), three appointments each.
    """INSERT INTO notebook_notebook (id, created_at, updated_at, version, last_activity_at, person_id)
        SELECT person_id, (decided + 5)::timestamptz, now(), 1, now(), person_id FROM bench_oriented""",
    f"""INSERT INTO notebook_contract (created_at, updated_at, starts_on, ends_on, signed_on, signed_by_person,
        organisation_id, contract_type_id, notebook_id)
        SELECT now(), now(), decided + 10 + (r * 70)::int, decided + 375 + (r * 70)::int, decided + 10 + (r * 70)::int,
               true, {BASE} + 1, {BASE} + 1, person_id
        FROM bench_oriented WHERE r < 0.6
        UNION ALL
        SELECT now(), now(), decided + 376 + (r * 70)::int, decided + 741 + (r * 70)::int,
               decided + 376 + (r * 70)::int, true, {BASE} + 1, {BASE} + 1, person_id
        FROM bench_oriented WHERE r < 0.3""",
    f"""INSERT INTO notebook_appointment (created_at, updated_at, starts_at, ends_at, mode, place, purpose, attendance,
        cancelled_at, organisation_id, professional_id, notebook_id)
        SELECT now(), now(), (decided + 20 + k * 90)::timestamptz + INTERVAL '10 hours',
               (decided + 20 + k * 90)::timestamptz + INTERVAL '11 hours', 'sur_place', '', '', '',
               CASE WHEN k = 2 AND r < 0.2 THEN now() END, {BASE} + 1, {BASE} + 1, person_id
        FROM bench_oriented, generate_series(0, 2) k""",
]


def populate() -> bool:
    """Generates the population unless it is already there; returns whether it generated it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM people_person WHERE id > %s)", [BASE])
        if cursor.fetchone()[0]:
            return False
        for statement in STATEMENTS:
            cursor.execute(statement)
        for table in (
            "organisations_organisation",
            "orientation_dispositif",
            "notebook_contracttype",
            "accounts_user",
            "territories_territory",
            "people_household",
            "people_rsaright",
            "people_person",
            "notebook_notebook",
            "orientation_orientationsession",
        ):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
    return True
