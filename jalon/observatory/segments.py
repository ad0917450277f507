"""The segments of a person at a date. Those that depend on the day (household, seniority, orientation) are computed
for all the days of a computation at once, for the whole Département, into a working table (`SegmentBatch`), which
each indicator's query joins; sex and age band are read from the person. The engine groups a population by them in
the query itself; the Landes « profils-types » are derived from four of them in Python (`profile_of`)."""

import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import connections, router
from django.db.models import CharField, F, FilteredRelation, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from jalon.core.periods import add_months
from jalon.observatory.enums import Dimension
from jalon.observatory.models import PersonSegment
from jalon.observatory.oarsa_groups import CER_CODES, DEPARTEMENT, FRANCE_TRAVAIL, OTHER_SPE
from jalon.orientation.enums import OrientationType
from jalon.people.enums import ChangeKind, HouseholdRole


AGE_BANDS = [  # (code, label, minimum age in years)
    ("moins_25", "moins de 25 ans", 0),
    ("25_29", "25 à 29 ans", 25),
    ("30_39", "30 à 39 ans", 30),
    ("40_49", "40 à 49 ans", 40),
    ("50_59", "50 à 59 ans", 50),
    ("60_plus", "60 ans et plus", 60),
]
SENIORITY_BANDS = [  # (code, label, minimum seniority in months) — DREES' three bands, and the Landes' 4 years
    ("moins_6_mois", "moins de 6 mois", 0),
    ("6_12_mois", "6 mois à moins d'un an", 6),
    ("1_4_ans", "1 an à moins de 4 ans", 12),
    ("4_ans_plus", "4 ans et plus", 48),
]
HOUSEHOLDS = [
    ("seul", "personne seule sans enfant"),
    ("seul_enfants", "personne seule avec enfant(s)"),
    ("couple", "couple sans enfant"),
    ("couple_enfants", "couple avec enfant(s)"),
]
SEXES = [("F", "femmes"), ("H", "hommes"), ("inconnu", "sexe non renseigné")]
UNKNOWN = "inconnu"


# Each person's day-dependent segments on `day`, in one set-based statement (PostgreSQL computes the same for several
# days at once, `INTERVALS_SQL` below):
# - the household is that of the membership in force on the day (`left_on` after it; `joined_on` is when Jalon
#   learned of it, so only the end counts), the latest joined if several; its right gives the opening and request
#   dates (the DREES seniority and entry);
# - the household's composition counts the members in force on the day (the person included), read by a window over
#   the same memberships: a household's members are persons of its Département (its flux created them), so no
#   second pass over the memberships of the Département's households;
# - the orientation is the one in force on the day (decided by then, not ended), the latest decided if several;
# - the stock indicators' filters, each an EXISTS over all the person's rows as their definitions say: subject to
#   rights and duties (`indicators.common.subject_on`: the flag, or cleared by the flux after the day, or never seen
#   while the right was open), an orientation in force toward an organisme référent and its DREES groups, a CER
#   valid that day (`indicators.oarsa`). « Subject » is read from the same memberships in force
#   as the household (any of them, by a window over the person's rows), the organisme référent from the same
#   orientations in force as the orientation: one pass over each table instead of two.
# A person with neither has no row: the join then reads the defaults (household and seniority unknown, not oriented).
BUILD_SQL = """
INSERT INTO observatory_personsegment
    (batch, day, until, person_id, household_id, opened_on, requested_on, partner, child, orientation_type, dispositif,
     subject, oriented, to_france_travail, to_other_spe, to_departement, cer_valid)
WITH cleared AS (
    SELECT DISTINCT household_id, person_id FROM people_changeevent
    WHERE kind = %(no_longer_subject)s AND occurred_at >= %(next_day)s
),
member AS (
    SELECT m.person_id, m.household_id, r.opening_date, r.request_date,
           ROW_NUMBER() OVER (PARTITION BY m.person_id ORDER BY m.joined_on DESC, m.id DESC) AS rank,
           MAX(CASE WHEN m.role IN (%(subject_roles)s)
                         AND r.opening_date <= %(day)s AND (r.closure_date IS NULL OR r.closure_date > %(day)s)
                         AND (m.subject_to_rights_and_duties OR cleared.person_id IS NOT NULL
                              OR r.closure_date < r.created_at)
                    THEN 1 ELSE 0 END) OVER (PARTITION BY m.person_id) AS subject,
           MAX(CASE WHEN m.role = %(partner)s THEN 1 ELSE 0 END) OVER household AS partner,
           MAX(CASE WHEN m.role IN (%(child)s, %(other_child)s) THEN 1 ELSE 0 END) OVER household AS child
    FROM people_householdmember m
    JOIN people_person p ON p.id = m.person_id
    LEFT JOIN people_rsaright r ON r.household_id = m.household_id
    LEFT JOIN cleared ON cleared.household_id = m.household_id AND cleared.person_id = m.person_id
    WHERE p.departement_id = %(departement)s AND (m.left_on IS NULL OR m.left_on > %(day)s)
    WINDOW household AS (PARTITION BY m.household_id)
),
orientation AS (
    SELECT o.person_id, o.orientation_type, d.name AS dispositif,
           ROW_NUMBER() OVER (PARTITION BY o.person_id ORDER BY o.decided_on DESC, o.id DESC) AS rank,
           MAX(CASE WHEN g.id IS NOT NULL THEN 1 ELSE 0 END) OVER person AS referent,
           MAX(CASE WHEN g.kind IN (%(france_travail)s) THEN 1 ELSE 0 END) OVER person AS to_france_travail,
           MAX(CASE WHEN g.kind IN (%(other_spe)s) THEN 1 ELSE 0 END) OVER person AS to_other_spe,
           MAX(CASE WHEN g.kind IN (%(departement_kinds)s) THEN 1 ELSE 0 END) OVER person AS to_departement
    FROM orientation_orientation o
    JOIN people_person p ON p.id = o.person_id
    LEFT JOIN orientation_dispositif d ON d.id = o.dispositif_id
    LEFT JOIN organisations_organisation g ON g.id = o.organisation_id
    WHERE p.departement_id = %(departement)s AND o.decided_on <= %(day)s
      AND (o.ended_on IS NULL OR o.ended_on > %(day)s)
    WINDOW person AS (PARTITION BY o.person_id)
),
cer AS (
    SELECT DISTINCT n.person_id
    FROM notebook_contract c
    JOIN notebook_notebook n ON n.id = c.notebook_id
    JOIN notebook_contracttype t ON t.id = c.contract_type_id
    JOIN people_person p ON p.id = n.person_id
    WHERE p.departement_id = %(departement)s AND t.code IN (%(cer_codes)s)
      AND c.starts_on <= %(day)s AND c.ends_on >= %(day)s
)
SELECT %(batch)s, %(day)s, %(next_day)s, p.id, member.household_id, member.opening_date, member.request_date,
       COALESCE(member.partner, 0) = 1, COALESCE(member.child, 0) = 1,
       COALESCE(orientation.orientation_type, %(not_oriented)s), COALESCE(orientation.dispositif, %(no_dispositif)s),
       COALESCE(member.subject, 0) = 1, COALESCE(orientation.referent, 0) = 1,
       COALESCE(orientation.to_france_travail, 0) = 1, COALESCE(orientation.to_other_spe, 0) = 1,
       COALESCE(orientation.to_departement, 0) = 1, cer.person_id IS NOT NULL
FROM people_person p
LEFT JOIN member ON member.person_id = p.id AND member.rank = 1
LEFT JOIN orientation ON orientation.person_id = p.id AND orientation.rank = 1
LEFT JOIN cer ON cer.person_id = p.id
WHERE p.departement_id = %(departement)s AND (member.person_id IS NOT NULL OR orientation.person_id IS NOT NULL)
"""
# The same segments for several days at once (PostgreSQL), as intervals: a person's segments can only change on a date
# where one of the rows they are read from starts or ends (a membership or a partner's or child's membership of the
# household ends, the household's right opens or closes, the flux clears the person, an orientation is decided or
# ends, a CER starts or ends). So each person is evaluated on the first day, and on the first of the days on or after
# each such date (`width_bucket` over the sorted days); a row holds from the day it was evaluated on to the next one.
# Evaluated on a (person, day) pair, each CTE reads as `BUILD_SQL` does on that day: the windows are per person and
# day, the household's composition is read from when its last partner and its last child leave (a member is in force
# until `left_on`; all its members, whichever range of the persons the statement computes), and « cleared by the
# flux after the day » from the person's last such event.
# `test_segment_intervals_are_the_days_segments` holds it to `BUILD_SQL`, day by day.
INTERVALS_SQL = """
INSERT INTO observatory_personsegment
    (batch, day, until, person_id, household_id, opened_on, requested_on, partner, child, orientation_type,
     dispositif, subject, oriented, to_france_travail, to_other_spe, to_departement, cer_valid)
WITH requested AS (SELECT ARRAY[%(days)s]::date[] AS days),
persons AS (
    SELECT id FROM people_person
    WHERE departement_id = %(departement)s AND id >= %(first_person)s AND id < %(after_person)s
),
membership AS (SELECT m.* FROM people_householdmember m JOIN persons p ON p.id = m.person_id),
household AS (
    SELECT m.household_id,
           MAX(CASE WHEN m.role = %(partner)s THEN COALESCE(m.left_on, 'infinity') END) AS partner_until,
           MAX(CASE WHEN m.role IN (%(child)s, %(other_child)s) THEN COALESCE(m.left_on, 'infinity') END)
               AS child_until
    FROM people_householdmember m JOIN people_person p ON p.id = m.person_id
    WHERE p.departement_id = %(departement)s
    GROUP BY m.household_id
),
cleared AS (
    SELECT household_id, person_id, MAX(occurred_at) AS last FROM people_changeevent
    WHERE kind = %(no_longer_subject)s GROUP BY household_id, person_id
),
changes AS (
    SELECT person_id, left_on AS on_day FROM membership
    UNION ALL
    SELECT m.person_id, unnest(ARRAY[h.partner_until, h.child_until, r.opening_date, r.closure_date])
    FROM membership m
    JOIN household h ON h.household_id = m.household_id
    LEFT JOIN people_rsaright r ON r.household_id = m.household_id
    UNION ALL
    SELECT c.person_id, c.last::date FROM cleared c JOIN persons p ON p.id = c.person_id
    UNION ALL
    SELECT o.person_id, unnest(ARRAY[o.decided_on, o.ended_on])
    FROM orientation_orientation o JOIN persons p ON p.id = o.person_id
    UNION ALL
    SELECT n.person_id, unnest(ARRAY[c.starts_on, c.ends_on + 1])
    FROM notebook_contract c
    JOIN notebook_notebook n ON n.id = c.notebook_id
    JOIN notebook_contracttype t ON t.id = c.contract_type_id
    JOIN persons p ON p.id = n.person_id
    WHERE t.code IN (%(cer_codes)s)
),
evaluated AS (
    SELECT person_id, day, LEAD(day, 1, %(after_last)s::date) OVER (PARTITION BY person_id ORDER BY day) AS until
    FROM (
        SELECT id AS person_id, %(first)s::date AS day FROM persons
        UNION
        SELECT person_id, days[width_bucket(on_day - 1, days) + 1] FROM changes, requested
        WHERE on_day > %(first)s AND on_day <= %(last)s
    ) pairs
),
member AS (
    SELECT e.person_id, e.day, m.household_id, r.opening_date, r.request_date,
           ROW_NUMBER() OVER (PARTITION BY e.person_id, e.day ORDER BY m.joined_on DESC, m.id DESC) AS rank,
           MAX(CASE WHEN m.role IN (%(subject_roles)s)
                         AND r.opening_date <= e.day AND (r.closure_date IS NULL OR r.closure_date > e.day)
                         AND (m.subject_to_rights_and_duties OR cleared.last >= e.day + 1
                              OR r.closure_date < r.created_at)
                    THEN 1 ELSE 0 END) OVER (PARTITION BY e.person_id, e.day) AS subject,
           e.day < h.partner_until AS partner, e.day < h.child_until AS child
    FROM evaluated e
    JOIN membership m ON m.person_id = e.person_id AND (m.left_on IS NULL OR m.left_on > e.day)
    JOIN household h ON h.household_id = m.household_id
    LEFT JOIN people_rsaright r ON r.household_id = m.household_id
    LEFT JOIN cleared ON cleared.household_id = m.household_id AND cleared.person_id = m.person_id
),
orientation AS (
    SELECT e.person_id, e.day, o.orientation_type, d.name AS dispositif,
           ROW_NUMBER() OVER (PARTITION BY e.person_id, e.day ORDER BY o.decided_on DESC, o.id DESC) AS rank,
           MAX(CASE WHEN g.id IS NOT NULL THEN 1 ELSE 0 END) OVER person AS referent,
           MAX(CASE WHEN g.kind IN (%(france_travail)s) THEN 1 ELSE 0 END) OVER person AS to_france_travail,
           MAX(CASE WHEN g.kind IN (%(other_spe)s) THEN 1 ELSE 0 END) OVER person AS to_other_spe,
           MAX(CASE WHEN g.kind IN (%(departement_kinds)s) THEN 1 ELSE 0 END) OVER person AS to_departement
    FROM evaluated e
    JOIN orientation_orientation o ON o.person_id = e.person_id AND o.decided_on <= e.day
         AND (o.ended_on IS NULL OR o.ended_on > e.day)
    LEFT JOIN orientation_dispositif d ON d.id = o.dispositif_id
    LEFT JOIN organisations_organisation g ON g.id = o.organisation_id
    WINDOW person AS (PARTITION BY e.person_id, e.day)
),
cer AS (
    SELECT DISTINCT e.person_id, e.day
    FROM evaluated e
    JOIN notebook_notebook n ON n.person_id = e.person_id
    JOIN notebook_contract c ON c.notebook_id = n.id AND c.starts_on <= e.day AND c.ends_on >= e.day
    JOIN notebook_contracttype t ON t.id = c.contract_type_id
    WHERE t.code IN (%(cer_codes)s)
)
SELECT %(batch)s, e.day, e.until, e.person_id, member.household_id, member.opening_date, member.request_date,
       COALESCE(member.partner, false), COALESCE(member.child, false),
       COALESCE(orientation.orientation_type, %(not_oriented)s), COALESCE(orientation.dispositif, %(no_dispositif)s),
       COALESCE(member.subject, 0) = 1, COALESCE(orientation.referent, 0) = 1,
       COALESCE(orientation.to_france_travail, 0) = 1, COALESCE(orientation.to_other_spe, 0) = 1,
       COALESCE(orientation.to_departement, 0) = 1, cer.person_id IS NOT NULL
FROM evaluated e
LEFT JOIN member ON member.person_id = e.person_id AND member.day = e.day AND member.rank = 1
LEFT JOIN orientation ON orientation.person_id = e.person_id AND orientation.day = e.day AND orientation.rank = 1
LEFT JOIN cer ON cer.person_id = e.person_id AND cer.day = e.day
WHERE member.person_id IS NOT NULL OR orientation.person_id IS NOT NULL
"""
# The segment rows of the persons subject to rights and duties cut into pieces over which nothing changes that the
# stock shares over them read of the day (`shares_on_days`), for the batch's days from `first` to before `after`: a
# piece also ends where the person crosses an age band's threshold, a right of theirs a seniority band's (L70 reads
# every right of the person, not only the row's), an orientation's contrat d'engagement is signed (J15). A date's
# piece starts on the first of the days on or after it (`width_bucket`); a threshold falls on the day PostgreSQL's
# `+ interval` gives or the next (`add_months` takes 29 February to 1 March where PostgreSQL gives the 28th), so both
# end a piece. The pieces have the columns of the rows, and are read in their place (`obs_pieces`, the CTEs' last).
PIECES_SQL = """
obs_days AS (SELECT ARRAY[%(days)s]::date[] AS days),
obs_subject AS MATERIALIZED (
    SELECT id, batch, day, LEAST(until, %(after)s) AS until, person_id, household_id, opened_on, requested_on, partner,
           child, orientation_type, dispositif, subject, oriented, to_france_travail, to_other_spe, to_departement,
           cer_valid
    FROM observatory_personsegment
    WHERE batch = %(batch)s AND {rows} AND until > %(first)s AND day < %(after)s
),
obs_cut_dates AS (
    SELECT p.id AS person_id, (p.birth_date + years * interval '1 year')::date + shift AS on_day
    FROM people_person p, unnest(ARRAY[%(age_years)s]::integer[]) years, (VALUES (0), (1)) shifts (shift)
    WHERE p.departement_id = %(departement)s
    UNION ALL
    SELECT m.person_id, (r.opening_date + months * interval '1 month')::date + shift
    FROM people_householdmember m
    JOIN people_person p ON p.id = m.person_id
    JOIN people_rsaright r ON r.household_id = m.household_id,
         unnest(ARRAY[%(seniority_months)s]::integer[]) months, (VALUES (0), (1)) shifts (shift)
    WHERE p.departement_id = %(departement)s
    UNION ALL
    SELECT o.person_id, o.engagement_signed_on
    FROM orientation_orientation o JOIN people_person p ON p.id = o.person_id
    WHERE p.departement_id = %(departement)s AND o.engagement_signed_on IS NOT NULL
    {cuts}
),
obs_cuts_within AS (SELECT * FROM obs_cut_dates WHERE on_day > %(first)s AND on_day <= %(last)s),
obs_starts AS (
    SELECT id, GREATEST(day, %(first)s) AS day FROM obs_subject
    UNION
    SELECT s.id, obs_days.days[width_bucket(c.on_day - 1, obs_days.days) + 1]
    FROM obs_subject s
    JOIN obs_cuts_within c
         ON c.person_id = s.person_id AND c.on_day > GREATEST(s.day, %(first)s) AND c.on_day < s.until
    CROSS JOIN obs_days
),
obs_pieces AS (
    SELECT * FROM (
        SELECT s.id, s.batch, obs_starts.day,
               LEAD(obs_starts.day, 1, s.until) OVER (PARTITION BY s.id ORDER BY obs_starts.day) AS until,
               s.person_id, s.household_id, s.opened_on, s.requested_on, s.partner, s.child, s.orientation_type,
               s.dispositif, s.subject, s.oriented, s.to_france_travail, s.to_other_spe, s.to_departement, s.cer_valid
        FROM obs_subject s JOIN obs_starts ON obs_starts.id = s.id
    ) cut
    WHERE day < until
)
"""
NOT_ORIENTED, NO_DISPOSITIF = "non_oriente", "sans dispositif"
# The alias under which a queryset joins its person's segments of the day.
SEGMENTS = "obs_seg"


def _positional(sql: str, named: dict) -> tuple[str, list]:
    """`%(name)s` placeholders as positional `%s` (what every Django backend accepts); a list is spread into as
    many placeholders, for an `IN (...)`."""
    params: list = []

    def take(match):
        value = named[match.group(1)]
        if isinstance(value, (list, tuple)):
            params.extend(value)
            return ", ".join(["%s"] * len(value))
        params.append(value)
        return "%s"

    return re.sub(r"%\((\w+)\)s", take, sql), params


class SegmentBatch:
    """The segments of a Département's persons for some days, stored for one computation and deleted after it
    (`with SegmentBatch(departement_id) as batch: batch.prepare(*days)`). The statement writes: it runs on the
    primary database, in the caller's transaction."""

    def __init__(self, departement_id: str):
        self.departement_id = departement_id
        self.id = secrets.randbits(62)
        self.days: set[date] = set()
        # The first and last day of each statement's rows: its intervals say nothing of the days between them that
        # it was not given, so a later statement may not prepare one of those.
        self.spans: list[tuple[date, date]] = []

    def prepare(self, *days: date) -> "SegmentBatch":
        """Computes the segments of the days not prepared yet, on this connection (`claim`, `compute`, `analyze`)."""
        new = self.claim(*days)
        if new:
            self.compute(new)
            self.analyze()
        return self

    def claim(self, *days: date) -> list[date]:
        """The days not prepared yet, sorted, now counted as prepared: the caller computes them (`compute`, maybe in
        parts on several connections, then `analyze`) before anything reads them."""
        new = sorted(set(days) - self.days)
        if new and any(new[0] <= last and first <= new[-1] for first, last in self.spans):
            raise ValueError("A segment batch prepares its days together, or later days after earlier ones.")
        if new:
            self.days.update(new)
            self.spans.append((new[0], new[-1]))
        return new

    def compute(self, days: list[date], part: int = 0, parts: int = 1) -> None:
        """Writes the segments of claimed days: on PostgreSQL in one statement for all of them (`INTERVALS_SQL`),
        for the `part`-th of `parts` equal ranges of the persons' keys (the parts run at once on as many
        connections); elsewhere, or for one day (the intervals' search for changes would be wasted on it), one
        statement per day, by the first part."""
        connection = connections[router.db_for_write(PersonSegment)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(days) > 1:
                # A range of keys, which the planner estimates from its statistics (a modulo would be taken for a
                # handful of persons, and joined by nested loops).
                cursor.execute(
                    "SELECT min(id), max(id) + 1 FROM people_person WHERE departement_id = %s", [self.departement_id]
                )
                first_key, after_last_key = cursor.fetchone()
                if first_key is None:
                    return
                size = -(-(after_last_key - first_key) // parts)
                cursor.execute(
                    *self._statement(
                        INTERVALS_SQL,
                        days=days,
                        first=days[0],
                        last=days[-1],
                        after_last=days[-1] + timedelta(days=1),
                        first_person=first_key + part * size,
                        after_person=min(first_key + (part + 1) * size, after_last_key),
                    )
                )
            elif part == 0:
                for day in days:
                    cursor.execute(*self._statement(BUILD_SQL, day=day, next_day=day + timedelta(days=1)))

    @staticmethod
    def analyze() -> None:
        """Fresh statistics once a batch is written, or the planner takes its rows for an empty table (nested
        loops)."""
        connection = connections[router.db_for_write(PersonSegment)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE observatory_personsegment")

    def _statement(self, sql: str, **days) -> tuple[str, list]:
        return _positional(
            sql,
            {
                "batch": self.id,
                "no_longer_subject": ChangeKind.NO_LONGER_SUBJECT,
                "departement": self.departement_id,
                "partner": HouseholdRole.PARTNER,
                "child": HouseholdRole.CHILD,
                "other_child": HouseholdRole.OTHER_CHILD,
                "not_oriented": NOT_ORIENTED,
                "no_dispositif": NO_DISPOSITIF,
                "subject_roles": [HouseholdRole.APPLICANT, HouseholdRole.PARTNER],
                "france_travail": FRANCE_TRAVAIL,
                "other_spe": OTHER_SPE,
                "departement_kinds": DEPARTEMENT,
                "cer_codes": CER_CODES,
                "time_zone": settings.TIME_ZONE,
                **days,
            },
        )

    def pieces(self, days: list[date], after: date | None, rows: str = "subject", cuts: str = "") -> tuple[str, list]:
        """`PIECES_SQL` for `days` (sorted, this batch's from the first to before `after`): CTEs, and their
        parameters. The pieces are those of the segment rows meeting `rows` (SQL on the row: by default, the
        persons subject to rights and duties), also cut where `cuts` (`UNION ALL SELECT person_id, on_day …`, which
        may read `%(departement)s` and `%(time_zone)s`) says."""
        return self._statement(
            PIECES_SQL.format(rows=rows, cuts=cuts),
            days=days,
            first=days[0],
            last=days[-1],
            after=after or date.max,
            age_years=sorted({years for _, _, years in AGE_BANDS}),
            seniority_months=sorted({months for _, _, months in SENIORITY_BANDS}),
        )

    def discard(self) -> None:
        PersonSegment.objects.filter(batch=self.id).delete()
        self.days.clear()
        self.spans.clear()

    @staticmethod
    def vacuum() -> None:
        """Cleans the working table of the deleted batches' rows, before and after a computation: autovacuum is off
        for it (migration 0012). Outside a transaction only (VACUUM cannot run in one): a computation inside one
        leaves them to the next."""
        connection = connections[router.db_for_write(PersonSegment)]
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM observatory_personsegment")

    def __enter__(self) -> "SegmentBatch":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def join(self, rows: QuerySet, day: date, prefix: str = "") -> QuerySet:
        """`rows` with their person's segments of `day` joined as `obs_seg` (a LEFT JOIN on the batch's row that holds
        on the day)."""
        if SEGMENTS in rows.query._filtered_relations:
            return rows
        path = f"{prefix}observatory_segments"
        holds = Q(**{f"{path}__batch": self.id, f"{path}__day__lte": day, f"{path}__until__gt": day})
        return rows.alias(**{SEGMENTS: FilteredRelation(path, condition=holds)})


class Choice(Func):
    """`CASE WHEN … THEN code … ELSE default END` over columns compared with values: the SQL of a `Case` of `When`s,
    resolved as one reference per column instead of one lookup per condition (the segments' twenty lookups were a
    third of a segmented query's compilation). Each `whens` item is ([(field, operator, value), …], code), its
    conditions all met; a value None tests `IS NULL`."""

    output_field = CharField()

    def __init__(self, whens: list[tuple[list[tuple[str, str, object]], str]], default: str):
        self.fields = list(dict.fromkeys(field for conditions, _ in whens for field, _, _ in conditions))
        super().__init__(*[F(field) for field in self.fields])
        self.whens, self.default = whens, default

    def as_sql(self, compiler, connection, **extra_context):
        compiled = {
            field: compiler.compile(column)
            for field, column in zip(self.fields, self.get_source_expressions(), strict=True)
        }
        sql, params = [], []
        for conditions, code in self.whens:
            tests = []
            for field, operator, value in conditions:
                column, column_params = compiled[field]
                params += column_params
                if value is None:
                    tests.append(f"{column} IS NULL")
                    continue
                tests.append(f"{column} {operator} %s")
                params.append(connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value)
            sql.append(f"WHEN {' AND '.join(tests)} THEN %s")
            params.append(code)
        return f"CASE {' '.join(sql)} ELSE %s END", [*params, self.default]


def _bands(field: str, bands, cutoff) -> Choice:
    """The band of a date field: the first band (from the oldest) whose cutoff the date is on or before."""
    return Choice([([(field, "<=", cutoff(minimum))], code) for code, _, minimum in reversed(bands)], UNKNOWN)


def segment_expressions(day: date, prefix: str = "") -> dict:
    """For a queryset whose rows lead to a person through `prefix` (e.g. "person__") and that joined that
    person's segments of `day` (`SegmentBatch.join`), the expressions of the segments, keyed by dimension."""
    seg = f"{SEGMENTS}__"
    household, partner, child = f"{seg}household_id", f"{seg}partner", f"{seg}child"
    return {
        Dimension.SEX: Choice([([(f"{prefix}sex", "=", "2")], "F"), ([(f"{prefix}sex", "=", "1")], "H")], UNKNOWN),
        Dimension.AGE_BAND: _bands(f"{prefix}birth_date", AGE_BANDS, lambda years: add_months(day, -12 * years)),
        Dimension.HOUSEHOLD: Choice(
            [
                ([(household, "=", None)], UNKNOWN),
                ([(partner, "=", True), (child, "=", True)], "couple_enfants"),
                ([(partner, "=", True)], "couple"),
                ([(child, "=", True)], "seul_enfants"),
            ],
            "seul",
        ),
        Dimension.SENIORITY: _bands(f"{seg}opened_on", SENIORITY_BANDS, lambda months: add_months(day, -months)),
        # A row whose person is not in the batch (none, in practice) reads as not oriented, as a person would.
        Dimension.ORIENTATION_TYPE: Coalesce(F(f"{seg}orientation_type"), Value(NOT_ORIENTED)),
        Dimension.DISPOSITIF: Coalesce(F(f"{seg}dispositif"), Value(NO_DISPOSITIF)),
    }


def profile_of(segments: dict) -> str:
    """The Landes profil-type (sexe × seul/couple × moins/plus de 50 ans × moins/plus de 4 ans de RSA)."""
    sex, household = segments[Dimension.SEX], segments[Dimension.HOUSEHOLD]
    age, seniority = segments[Dimension.AGE_BAND], segments[Dimension.SENIORITY]
    if UNKNOWN in (sex, household, age, seniority):
        return UNKNOWN
    couple = "couple" if household.startswith("couple") else "seul"
    over_50 = "50_plus" if age in ("50_59", "60_plus") else "moins_50"
    long_term = "4_ans_plus" if seniority == "4_ans_plus" else "moins_4_ans"
    return f"{sex}-{couple}-{over_50}-{long_term}"


def profile_sql(quote) -> str:
    """`profile_of` in SQL, over the columns of the four dimensions it reads (`seg_*`, the same codes), in a query
    reading rows where they are computed already: over the rows' own expressions, PostgreSQL would compute each of
    them again for the profile (a tenth of a segmented query's time at Nord scale). The codes are constants."""
    sex, household = quote(f"seg_{Dimension.SEX}"), quote(f"seg_{Dimension.HOUSEHOLD}")
    age, seniority = quote(f"seg_{Dimension.AGE_BAND}"), quote(f"seg_{Dimension.SENIORITY}")
    unknown = " OR ".join(f"{column} = '{UNKNOWN}'" for column in (sex, household, age, seniority))
    return (
        f"CASE WHEN {unknown} THEN '{UNKNOWN}' ELSE {sex} || '-' "
        f"|| CASE WHEN starts_with({household}, 'couple') THEN 'couple' ELSE 'seul' END || '-' "
        f"|| CASE WHEN {age} IN ('50_59', '60_plus') THEN '50_plus' ELSE 'moins_50' END || '-' "
        f"|| CASE WHEN {seniority} = '4_ans_plus' THEN '4_ans_plus' ELSE 'moins_4_ans' END END"
    )


def profile_label(code: str) -> str:
    if code == UNKNOWN:
        return "profil non déterminé"
    sex, couple, age, seniority = code.split("-")
    return (
        f"{'femme' if sex == 'F' else 'homme'}, {'en couple' if couple == 'couple' else 'seul(e)'}, "
        f"{'50 ans et plus' if age == '50_plus' else 'moins de 50 ans'}, "
        f"{'4 ans et plus de RSA' if seniority == '4_ans_plus' else 'moins de 4 ans de RSA'}"
    )


SEGMENT_LABELS = {
    Dimension.SEX: dict(SEXES),
    Dimension.AGE_BAND: {code: label for code, label, _ in AGE_BANDS},
    Dimension.HOUSEHOLD: dict(HOUSEHOLDS),
    Dimension.SENIORITY: {code: label for code, label, _ in SENIORITY_BANDS},
}


def segment_label(dimension: str, code: str) -> str:
    if dimension == Dimension.PROFILE:
        return profile_label(code)
    if dimension == Dimension.ORIENTATION_TYPE:
        return dict(OrientationType.choices).get(code, "non orienté")
    if code == UNKNOWN:
        return "non renseigné"
    return SEGMENT_LABELS.get(dimension, {}).get(code, code)


BASE_DIMENSIONS = (
    Dimension.SEX,
    Dimension.AGE_BAND,
    Dimension.HOUSEHOLD,
    Dimension.SENIORITY,
    Dimension.ORIENTATION_TYPE,
    Dimension.DISPOSITIF,
)
PERSON_DIMENSIONS = (*BASE_DIMENSIONS, Dimension.PROFILE)
