"""A Nord-scale population for the observatory's benchmark, generated in SQL (PostgreSQL only, seeded).

110 000 households (by default) of département 59 whose RSA rights were requested from 2014 to the end of 2026 (a
fifth closed since), about 200 000 persons (applicants, a partner in a third of the households, children),
orientations for two thirds of the adults subject to rights and duties (a tenth reoriented), 1 440 orientation cells
over three years in eight territories with a quarter of the oriented present at one, diagnosis interviews, carnets,
CERs and appointments. The COG of département 59 must be loaded first (`load_cog --departements 59`); everything
else is inserted here by plain SQL (a bench fixture: no services, no audit), with explicit ids above 50 000 000.

`populate_exits()` adds, for the exits' benchmark (`bench_exits.py`), exits over the last three years with their
checkpoints, employers with their commitments, interactions, immersions and job offers, and the users who read
them; the exits' typology is created by its service (configuration, not population)."""

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
               (SELECT code FROM bench_communes c
                WHERE c.n = 1 + (g.n::bigint * 7919) % (SELECT count(*) FROM bench_communes)) AS commune
        FROM generate_series(1, current_setting('bench.households')::int) g(n)""",
    """INSERT INTO people_household (id, created_at, updated_at, organisme, organisme_code, matricule, address,
        address_complement, postal_code, city, homeless, source_hash, commune_id, departement_id, geocoded_address,
        raw_fingerprint)
        SELECT id, now(), now(), 'CAF', '591', 'B' || n, '', '', '', '', false, '', commune, '59', '', ''
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
        organisation_id, contract_type_id, notebook_id, end_reason, end_note, hours_reduction_reason,
        hours_reduction_note)
        SELECT now(), now(), decided + 10 + (r * 70)::int, decided + 375 + (r * 70)::int, decided + 10 + (r * 70)::int,
               true, {BASE} + 1, {BASE} + 1, person_id, '', '', '', ''
        FROM bench_oriented WHERE r < 0.6
        UNION ALL
        SELECT now(), now(), decided + 376 + (r * 70)::int, decided + 741 + (r * 70)::int,
               decided + 376 + (r * 70)::int, true, {BASE} + 1, {BASE} + 1, person_id, '', '', '', ''
        FROM bench_oriented WHERE r < 0.3""",
    f"""INSERT INTO notebook_appointment (created_at, updated_at, starts_at, ends_at, mode, place, purpose, attendance,
        cancelled_at, organisation_id, professional_id, notebook_id)
        SELECT now(), now(), (decided + 20 + k * 90)::timestamptz + INTERVAL '10 hours',
               (decided + 20 + k * 90)::timestamptz + INTERVAL '11 hours', 'sur_place', '', '', '',
               CASE WHEN k = 2 AND r < 0.2 THEN now() END, {BASE} + 1, {BASE} + 1, person_id
        FROM bench_oriented, generate_series(0, 2) k""",
]


def populate(households: int = HOUSEHOLDS) -> bool:
    """Generates the population unless it is already there; returns whether it generated it. Other sizes than the
    Nord's measure how the computation scales: persons, rights, orientations, carnets and contracts are drawn per
    household; the organisations, territories and cells stay the same."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM people_person WHERE id > %s)", [BASE])
        if cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT set_config('bench.households', %s, false)", [str(households)])
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


# --- exits, follow-up in employment, employers (the exits' benchmark) -------------------------------------------

EXITS = 40_000
EMPLOYERS = 150
REFERENTS_PER_ORGANISATION = 100
# Users of the exits' benchmark (ids above those of the référents): the référent who follows ten times more exits
# than the others, a manager of the Département, a partner's administrator, a chargé de relation entreprises, a
# manager of the Département limited to one of the eight territories.
BIG_REFERENT, DEPARTEMENT_MANAGER, PARTNER_ADMIN, RELATIONS_OFFICER, TERRITORY_MANAGER = (
    BASE + 2000 + n for n in range(5)
)
# Where a row of an employer-side table goes: employer 1 + floor(150 × r²), so a few employers have ten times the
# rows of the median one (employer 2 has about eight times employer 100's).
SKEWED_EMPLOYER = f"{BASE} + 1 + floor({EMPLOYERS} * random() ^ 2)::int"
NAF_CODES = ["56.10A", "47.11F", "49.41A", "43.21A", "86.10Z", "88.10A", "81.21Z", "10.71C", "55.10Z", "52.29A"]
# (code, share of the exits): plausible proportions, a little more than half of them to employment.
EXIT_MIX = [
    ("cdi", 0.18),
    ("cdd_6_plus", 0.12),
    ("creation", 0.03),
    ("cdd_less_6", 0.10),
    ("pec", 0.05),
    ("siae", 0.05),
    ("formation", 0.10),
    ("demenagement", 0.07),
    ("fin_droit", 0.10),
    ("perdu_de_vue", 0.08),
    ("refus", 0.04),
    ("sante", 0.04),
    ("retraite", 0.02),
    ("autre", 0.02),
]


def siret(number: int) -> str:
    """A SIRET that passes the Luhn check (the directory validates it)."""
    body = f"{number:013d}"
    for check in range(10):
        digits = [int(c) for c in body + str(check)]
        total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError


def _sample(columns: str, size: int, where: str = "") -> str:
    """`size` current orientations drawn at random. The draw is its own subquery: an `ORDER BY random()` next to
    `random() AS x` in one select list sorts by x (PostgreSQL matches the two expressions), which skews x."""
    return f"""SELECT {columns} FROM orientation_orientation
        WHERE ended_on IS NULL AND person_id > {BASE} {where} ORDER BY random() LIMIT {size}"""


def _text_array(values: list[str]) -> str:
    return "(ARRAY[" + ", ".join(f"'{value}'" for value in values) + "])"


def _exit_type_case() -> str:
    bounds, cases = 0.0, []
    for code, share in EXIT_MIX:
        bounds += share
        cases.append(f"WHEN t < {bounds:.2f} THEN '{code}'")
    return "CASE " + " ".join(cases) + " ELSE 'autre' END"


def exit_statements(exits: int) -> list[str]:
    sirets = _text_array([siret(59_000_000 + n) for n in range(1, EMPLOYERS + 1)])
    return [
        "SELECT setseed(0.15)",
        # Référents of the four organisations people are oriented to, and the benchmark's other users.
        f"""INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name, phone, is_staff,
            is_active, date_joined)
            SELECT {BASE} + 1000 + n, '!', false, 'referent-' || n || '@sorties-bench.test', 'Référent', 'N° ' || n,
                   '', false, true, now()
            FROM generate_series(0, 4 * {REFERENTS_PER_ORGANISATION} - 1) n
            UNION ALL
            SELECT id, '!', false, 'user-' || id || '@sorties-bench.test', first, last, '', false, true, now()
            FROM (VALUES ({BIG_REFERENT}, 'Référente', 'Chargée'), ({DEPARTEMENT_MANAGER}, 'Manager', 'Département'),
                         ({PARTNER_ADMIN}, 'Administratrice', 'Association'),
                         ({RELATIONS_OFFICER}, 'Chargé', 'Relation entreprises'),
                         ({TERRITORY_MANAGER}, 'Manager', 'Territoire 1')) u(id, first, last)""",
        f"""INSERT INTO organisations_membership (created_at, updated_at, role, is_active, user_id, organisation_id)
            SELECT now(), now(), 'referent', true, {BASE} + 1000 + n,
                   {BASE} + 1 + n / {REFERENTS_PER_ORGANISATION}
            FROM generate_series(0, 4 * {REFERENTS_PER_ORGANISATION} - 1) n
            UNION ALL
            SELECT now(), now(), role, true, id, organisation
            FROM (VALUES ({BIG_REFERENT}, 'referent', {BASE} + 4),
                         ({DEPARTEMENT_MANAGER}, 'manager_territoire', {BASE} + 1),
                         ({PARTNER_ADMIN}, 'administrateur', {BASE} + 4),
                         ({RELATIONS_OFFICER}, 'charge_orientation', {BASE} + 1),
                         ({TERRITORY_MANAGER}, 'manager_territoire', {BASE} + 1)) m(id, role, organisation)""",
        f"""INSERT INTO organisations_membership_territories (membership_id, territory_id)
            SELECT id, {BASE} + 1 FROM organisations_membership WHERE user_id = {TERRITORY_MANAGER}""",
        f"""INSERT INTO employers_relationsofficer (id, created_at, updated_at, started_on, departement_id, user_id)
            VALUES ({BASE} + 1, now(), now(), CURRENT_DATE - 400, '59', {RELATIONS_OFFICER})""",
        f"""INSERT INTO employers_relationsofficer_territories (relationsofficer_id, territory_id)
            SELECT {BASE} + 1, {BASE} + n FROM generate_series(1, 8) n""",
        # The employers.
        """CREATE TEMPORARY TABLE bench_communes_59 AS
            SELECT row_number() OVER (ORDER BY code) AS rank, code FROM territories_commune
            WHERE departement_id = '59'""",
        f"""INSERT INTO employers_employer (id, created_at, updated_at, siret, name, naf_code, size_band, address,
            note, commune_id, departement_id, engaged_since)
            SELECT {BASE} + n, now(), now(), {sirets}[n], 'Entreprise ' || n || ' (bench)',
                   {_text_array(NAF_CODES)}[1 + n % {len(NAF_CODES)}],
                   (ARRAY['01', '02', '03', '11', '12', '21', '22', '31'])[1 + n % 8], n || ' rue du Travail', '',
                   (SELECT code FROM bench_communes_59 c WHERE c.rank = 1 + (n * 37) % 647), '59',
                   CASE WHEN n % 5 < 2 THEN CURRENT_DATE - 100 - (n * 13) % 900 END
            FROM generate_series(1, {EMPLOYERS}) n""",
        f"""INSERT INTO employers_employercontact (created_at, updated_at, name, job_title, email, phone, employer_id)
            SELECT now(), now(), 'Contact ' || k, (ARRAY['Gérant', 'Responsable RH'])[k], '', '0320000000',
                   {BASE} + n
            FROM generate_series(1, {EMPLOYERS}) n, generate_series(1, 2) k""",
        f"""INSERT INTO employers_commitment (created_at, updated_at, year, immersions_offered, hires, sponsorships,
            job_datings, immersions_done, hires_done, sponsorships_done, job_datings_done, note, employer_id)
            SELECT now(), now(), y, 5 + n % 10, 2 + n % 5, n % 3, 1 + n % 2, 3 + n % 8, 1 + n % 4, n % 2, n % 2, '', id
            FROM employers_employer, generate_series(extract(year FROM CURRENT_DATE)::int - 2,
                                                     extract(year FROM CURRENT_DATE)::int) y,
                 LATERAL (SELECT id - {BASE} AS n) k
            WHERE id > {BASE} AND engaged_since IS NOT NULL""",
        f"""INSERT INTO employers_interaction (created_at, updated_at, occurred_on, kind, note, employer_id,
            organisation_id, recorded_by_id)
            SELECT now(), now(), CURRENT_DATE - (random() * 1095)::int,
                   (ARRAY['visite', 'appel', 'courriel', 'reunion', 'job_dating'])[1 + (random() * 4)::int],
                   'Point sur les recrutements à venir.', {SKEWED_EMPLOYER}, {BASE} + 1, {RELATIONS_OFFICER}
            FROM generate_series(1, {EMPLOYERS * 40})""",
        f"""INSERT INTO employers_employergroup (id, created_at, updated_at, name, siret, sector, created_on,
            commune_id, departement_id)
            SELECT {BASE} + n, now(), now(), 'Groupement ' || n || ' (bench)', '', 'agriculture',
                   CURRENT_DATE - 2000, (SELECT code FROM bench_communes_59 c WHERE c.rank = n), '59'
            FROM generate_series(1, 6) n""",
        f"""INSERT INTO employers_employergroup_members (employergroup_id, employer_id)
            SELECT {BASE} + 1 + n % 6, {BASE} + n FROM generate_series(1, 60) n""",
        # Immersions of people in the path, mostly at the big employers; most validated and reviewed.
        f"""INSERT INTO employers_immersion (created_at, updated_at, status, starts_on, ends_on, objectives,
            job_title, activities, tutor_name, tutor_phone, status_reason, review_outcome, hire_contract,
            employer_feedback, employer_id, organisation_id, person_id, validated_on, reviewed_on, led_to_job)
            SELECT now(), now(), CASE WHEN s < 0.8 THEN 'accepted_by_validator' WHEN s < 0.9 THEN 'cancelled'
                                      ELSE 'in_review' END,
                   start, start + 13, '["discover"]', 'Employé polyvalent', '', 'Tuteur', '', '',
                   CASE WHEN s < 0.8 AND start + 13 < CURRENT_DATE THEN
                        (ARRAY['completed', 'completed', 'partial', 'not_done'])[1 + (s * 1000)::int % 4] ELSE '' END,
                   CASE WHEN s < 0.1 AND start + 13 < CURRENT_DATE THEN 'cdd_6_plus' ELSE '' END, '',
                   employer, o.organisation_id, o.person_id,
                   CASE WHEN s < 0.8 THEN start - 5 END,
                   CASE WHEN s < 0.8 AND start + 13 < CURRENT_DATE THEN start + 20 END,
                   CASE WHEN s < 0.1 AND start + 13 < CURRENT_DATE THEN true END
            FROM (SELECT person_id, organisation_id, random() AS s, {SKEWED_EMPLOYER} AS employer,
                         CURRENT_DATE - (random() * 1095)::int AS start
                  FROM ({_sample("person_id, organisation_id", EMPLOYERS * 50)}) sample) o""",
        # Job offers of those employers (a bench ROME job) and people positioned on them.
        """INSERT INTO notebook_romecode (code, label, active) VALUES ('G1603', 'Personnel polyvalent (bench)', true)
            ON CONFLICT DO NOTHING""",
        """INSERT INTO notebook_romeappellation (code, label, normalized_label, rome_id, active)
            VALUES ('99999', 'Employé polyvalent (bench)', 'employe polyvalent bench', 'G1603', true)
            ON CONFLICT DO NOTHING""",
        f"""INSERT INTO employment_joboffer (id, created_at, updated_at, employer_name, employer_siret, title,
            contract, weekly_hours, description, published_on, social_clause, in_tension, positions, status,
            appellation_id, commune_id, departement_id, employer_commune_id, organisation_id, rome_id, ended_on)
            SELECT {BASE} + g, now(), now(), e.name, e.siret, 'Employé polyvalent',
                   (ARRAY['cdi', 'cdd', 'interim'])[1 + g % 3], 35, '', published, g % 4 = 0, g % 3 = 0, 1 + g % 2,
                   CASE WHEN published < CURRENT_DATE - 90 THEN 'pourvue' ELSE 'ouverte' END, '99999',
                   e.commune_id, '59', e.commune_id, {BASE} + 1, 'G1603',
                   CASE WHEN published < CURRENT_DATE - 90 THEN published + 60 END
            FROM (SELECT g, {SKEWED_EMPLOYER} AS employer, CURRENT_DATE - (random() * 1095)::int AS published
                  FROM generate_series(1, {EMPLOYERS * 20}) g) o
            JOIN employers_employer e ON e.id = o.employer""",
        f"""INSERT INTO employment_positioning (created_at, updated_at, status, status_on, exit_suggestion,
            exit_dismiss_reason, offer_id, organisation_id, person_id)
            SELECT DISTINCT ON (offer, person_id) now(), now(),
                   (ARRAY['proposee', 'candidature', 'entretien', 'non_retenu', 'embauche'])[1 + (random() * 4)::int],
                   CURRENT_DATE - (random() * 300)::int, '', '', offer, organisation_id, person_id
            FROM (SELECT person_id, organisation_id, {BASE} + 1 + (random() * {EMPLOYERS * 20 - 1})::int AS offer
                  FROM ({_sample("person_id, organisation_id", EMPLOYERS * 100)}) sample) p""",
        # The exits: people in the path for two months at least, over the last three years.
        f"""CREATE TEMPORARY TABLE bench_exits AS
            SELECT {BASE} + row_number() OVER (ORDER BY r) AS id, orientation_id, person_id, organisation_id,
                   exited_on, t, e, row_number() OVER (PARTITION BY organisation_id ORDER BY r) AS rank
            FROM (SELECT id AS orientation_id, person_id, organisation_id,
                         LEAST(CURRENT_DATE - 1,
                               GREATEST(decided_on + 60, CURRENT_DATE - 1095 + (random() * 1094)::int)) AS exited_on,
                         random() AS t, random() AS e, random() AS r
                  FROM ({
            _sample("id, person_id, organisation_id, decided_on", exits, "AND decided_on < CURRENT_DATE - 60")
        }) sample) x""",
        """ALTER TABLE bench_exits ADD COLUMN code text, ADD COLUMN employer bigint, ADD COLUMN referent bigint""",
        f"""UPDATE bench_exits SET code = {_exit_type_case()},
                   employer = CASE WHEN e < 0.8 THEN {BASE} + 1 + floor({EMPLOYERS} * (e / 0.8) ^ 2)::int END,
                   -- the big référent follows a tenth of the association's exits (a thousand of 40 000)
                   referent = CASE WHEN organisation_id = {BASE} + 4 AND rank <= {exits // 40} THEN {BIG_REFERENT}
                                   ELSE {BASE} + 1000 + (organisation_id - {BASE} - 1) * {REFERENTS_PER_ORGANISATION}
                                        + rank % {REFERENTS_PER_ORGANISATION} END""",
        """INSERT INTO exits_exit (id, created_at, updated_at, person_id, exit_type_id, iae_category, rule_id,
            is_positive, exited_on, reason, evidence, contract, job_title, employer_id, employer_name, employer_siret,
            organisation_id, recorded_by_id, followed_by_id, ended_orientation_id, reopen_reason)
            SELECT b.id, now(), now(), b.person_id, t.id, t.iae_category, r.id, r.positive_codes ? t.code, b.exited_on,
                   '', '', CASE WHEN t.to_employment THEN t.code ELSE '' END,
                   CASE WHEN t.to_employment THEN 'Employé polyvalent' ELSE '' END,
                   CASE WHEN t.to_employment THEN em.id END,
                   CASE WHEN t.to_employment THEN coalesce(em.name, 'Boulangerie du coin') ELSE '' END,
                   CASE WHEN t.to_employment THEN coalesce(em.siret, '') ELSE '' END, b.organisation_id, b.referent,
                   CASE WHEN t.to_employment THEN b.referent END, b.orientation_id, ''
            FROM bench_exits b
            JOIN exits_exittype t ON t.departement_id = '59' AND t.code = b.code
            JOIN exits_positiverule r ON r.departement_id = '59' AND r.version = 1
            LEFT JOIN employers_employer em ON em.id = b.employer""",
        """UPDATE orientation_orientation o SET ended_on = GREATEST(b.exited_on, o.decided_on),
            end_reason = 'sortie de parcours' FROM bench_exits b WHERE o.id = b.orientation_id""",
        """UPDATE notebook_notebook n SET closed_on = b.exited_on, closed_by_organisation_id = b.organisation_id
            FROM bench_exits b WHERE n.person_id = b.person_id""",
        # The CAF closed the rights that carry a closure date: the daily run proposes exits for those still in path.
        f"""UPDATE people_rsaright SET state = 5 WHERE id > {BASE} AND closure_date <= CURRENT_DATE""",
        # Checkpoints at 1, 3, 6 and 24 months; the past ones mostly done, some missed, some ruptures.
        f"""INSERT INTO exits_checkpoint (created_at, updated_at, exit_id, months, due_on, done_on, still_employed,
            same_employer, contract, rupture_on, rupture_reason, in_trial_period, comment, risk_reason, risk_since)
            SELECT now(), now(), id, months, due_on, CASE WHEN done THEN LEAST(CURRENT_DATE - 1, due_on + 3) END,
                   CASE WHEN done THEN NOT rupture END, CASE WHEN done AND NOT rupture THEN c < 0.9 END,
                   CASE WHEN done AND NOT rupture THEN contract ELSE '' END,
                   CASE WHEN rupture THEN GREATEST(exited_on, due_on - 20) END,
                   CASE WHEN rupture
                        THEN (ARRAY['fin de la période d''essai', 'démission', 'licenciement'])[1 + months % 3]
                        ELSE '' END,
                   rupture AND months = 1, '',
                   CASE WHEN rupture THEN CASE WHEN months = 1 THEN 'trial_rupture' ELSE 'rupture' END ELSE '' END,
                   CASE WHEN rupture THEN LEAST(CURRENT_DATE - 1, due_on + 3) END
            FROM (SELECT *, due_on < CURRENT_DATE AND c >= 0.12 AS done,
                         due_on < CURRENT_DATE AND c >= 0.12 AND c < 0.22 AS rupture
                  FROM (SELECT x.id, x.exited_on, x.contract, m AS months,
                               (x.exited_on + make_interval(months => m))::date AS due_on, random() AS c
                        FROM exits_exit x CROSS JOIN unnest(ARRAY[1, 3, 6, 24]) m
                        WHERE x.id > {BASE} AND x.followed_by_id IS NOT NULL) p) q""",
    ]


def populate_exits(exits: int = EXITS) -> bool:
    """Adds the exits' population (unless there): ~150 employers with their contacts, commitments, interactions,
    immersions, job offers and positionings; `exits` exits over the last three years (about half to employment,
    with their checkpoints at 1, 3, 6 and 24 months, some missed, some ruptures); référents of about a hundred
    exits each and one of ten times more. Returns whether it generated them. Run after `populate()`."""
    from jalon.exits.services import exit_typology_default_create
    from jalon.territories.models import Departement

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM exits_exit WHERE id > %s)", [BASE])
        if cursor.fetchone()[0]:
            return False
        exit_typology_default_create(departement=Departement.objects.get(code=DEPARTEMENT))
        for statement in exit_statements(exits):
            cursor.execute(statement)
        for table in (
            "accounts_user",
            "employers_employer",
            "employers_employergroup",
            "employment_joboffer",
            "exits_exit",
            "employers_relationsofficer",
        ):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
    return True
