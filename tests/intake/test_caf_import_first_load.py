"""A first import into empty tables drops their secondary indexes and the keys between them while it loads, and
creates them again, under the same names and definitions, once it is done (PostgreSQL only); a failed one leaves
them as they were. Its results are those of the ordinary path: see test_caf_import_identity.py, whose first file is
such a first import."""

import pytest
from django.db import IntegrityError, connection, transaction

from jalon.intake import caf_import
from jalon.intake.caf_import import CafFluxImporter, caf_flux_import
from jalon.intake.enums import ImportStatus
from jalon.intake.models import DuplicateCandidate
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person
from tests.intake.flux_builder import H, P, write
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

TABLES = [model._meta.db_table for model in caf_import.FIRST_LOAD_TABLES]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _schema() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2", [TABLES]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [TABLES],
        )
        return indexes, cursor.fetchall()


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [TABLES])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def landes():
    departement = DepartementFactory(code="40")
    CommuneFactory(code="40192", name="Mont-de-Marsan", departement=departement)
    return departement


@pytest.fixture
def indexes_while_loading(monkeypatch):
    """The index names of the tables seen at each write of the import."""
    seen: list[set[str]] = []
    real = CafFluxImporter._write_changed

    def spy(self, *args):
        seen.append(_index_names())
        return real(self, *args)

    monkeypatch.setattr(CafFluxImporter, "_write_changed", spy)
    return seen


HOUSEHOLDS = [
    H("1000001", [P("DUPONT", "Marie", "1985-05-06", "2850540192123"), P("DUPONT", "Léo", "2015-02-03", role="ENF")]),
    H("1000002", [P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1")]),
]


@postgresql_only
def test_a_first_import_gives_back_the_indexes_and_keys_it_set_aside(tmp_path, landes, indexes_while_loading):
    before = _schema()
    run = caf_flux_import(path=write(tmp_path, "flux.xml", HOUSEHOLDS), departement=landes)
    assert run.status == ImportStatus.DONE and (run.households_created, run.persons_created) == (2, 3)
    # While it loaded, the indexes it does not read were gone; those it reads were there.
    (during,) = indexes_while_loading
    dropped = {name for _, name, _ in before[0]} - during
    assert "person_dept_name_idx" in dropped and "change_kind_date_idx" in dropped
    assert "person_birth_first_idx" in during and "person_unique_nir" in dropped
    # It looks nothing up by NIR or matricule; it reads the current households of a matched person.
    assert "person_nir_hash_idx" not in during and "household_matricule_idx" not in during
    assert any(name.startswith("people_householdmember_person_id") for name in during)
    assert _schema() == before
    # The keys are back and checked: a membership pointing to no person is refused.
    member = HouseholdMember.objects.order_by("pk").first()
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"UPDATE {HouseholdMember._meta.db_table} SET person_id = person_id + 1000 WHERE id = %s",  # noqa: S608
            [member.pk],
        )


@postgresql_only
def test_an_import_into_tables_already_filled_changes_no_index(tmp_path, landes, indexes_while_loading):
    caf_flux_import(path=write(tmp_path, "flux.xml", HOUSEHOLDS[:1]), departement=landes)
    names = _index_names()
    run = caf_flux_import(path=write(tmp_path, "flux2.xml", HOUSEHOLDS), departement=landes)
    assert run.status == ImportStatus.DONE and Household.objects.count() == 2
    assert indexes_while_loading[-1] == names


@postgresql_only
def test_a_failed_first_import_leaves_the_indexes_and_keys_as_they_were(
    tmp_path, landes, monkeypatch, indexes_while_loading
):
    before = _schema()
    monkeypatch.setattr(caf_import, "BATCH_SIZE", 1)
    monkeypatch.setattr(caf_import, "WRITE_MIN", 1)
    # The file breaks off after its households: it is refused once the first one is written.
    path = write(tmp_path, "flux.xml", HOUSEHOLDS)
    path.write_bytes(path.read_bytes()[:-60])
    run = caf_flux_import(path=path, departement=landes)
    assert run.status == ImportStatus.FAILED and not Person.objects.exists()
    assert indexes_while_loading and "person_dept_name_idx" not in indexes_while_loading[0]
    assert _schema() == before


# Later batches meet persons of earlier ones: one without a NIR found again by name, one whose NIR the flux now gives,
# and a close name (a new file and a duplicate candidate).
MATCHED_ACROSS_BATCHES = [
    H("1000001", [P("DUPONT", "Marie", "1985-05-06"), P("DUPONT", "Léo", "2015-02-03", role="ENF")]),
    H("1000002", [P("MARTIN", "Paul", "1970-01-01", sexe="1")]),
    H("1000003", [P("DUPONT", "Léo", "2015-02-03", role="ENF"), P("DURAND", "Anne", "1988-03-04")]),
    H("1000004", [P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1")]),
    H("1000005", [P("DUPOND", "Marie", "1985-05-06", "2850540192123")]),
]


def _results() -> dict:
    persons = {p.pk: f"{p.last_name} {p.first_name} {p.nir_hash != ''}" for p in Person.objects.all()}
    return {
        "persons": sorted(persons.values()),
        "members": sorted(
            (m.household.matricule, persons[m.person_id], m.left_on is None) for m in HouseholdMember.objects.all()
        ),
        "events": sorted(
            (e.kind, persons.get(e.person_id, ""), e.household.matricule if e.household else "", e.source_line)
            for e in ChangeEvent.objects.all()
        ),
        "duplicates": sorted(
            (persons[d.person_id], persons[d.other_id], d.score) for d in DuplicateCandidate.objects.all()
        ),
    }


@postgresql_only
def test_a_first_import_matches_persons_across_batches_as_the_ordinary_path_does(tmp_path, landes, monkeypatch):
    monkeypatch.setattr(caf_import, "BATCH_SIZE", 2)
    monkeypatch.setattr(caf_import, "WRITE_MIN", 1)
    flux = write(tmp_path, "flux.xml", MATCHED_ACROSS_BATCHES)
    first_loads: list[bool] = []
    real = CafFluxImporter._write_changed

    def spy(self, *args):
        first_loads.append(self.first_load)
        return real(self, *args)

    monkeypatch.setattr(CafFluxImporter, "_write_changed", spy)
    results = []
    for first_load in (True, False):
        with transaction.atomic():
            if not first_load:
                # One household of another organisme in the tables: the same file takes the ordinary path.
                caf_flux_import(
                    path=write(tmp_path, "other.xml", [H("7000001", [P("AUTRE", "Zoé", "1950-01-01")])]),
                    departement=landes,
                )
            run = caf_flux_import(path=flux, departement=landes)
            assert run.status == ImportStatus.DONE
            result = _results()
            if not first_load:
                result = {
                    part: [row for row in rows if "AUTRE" not in str(row) and "7000001" not in str(row)]
                    for part, rows in result.items()
                }
            results.append(result)
            transaction.set_rollback(True)
    assert True in first_loads and False in first_loads
    first, ordinary = results
    assert first == ordinary
    # What the matches are: Léo and Paul found again (Paul's NIR now known), Marie DUPOND a new file beside DUPONT.
    assert first["persons"] == sorted(
        ["DUPONT Marie False", "DUPONT Léo False", "MARTIN Paul True", "DURAND Anne False", "DUPOND Marie True"]
    )
    assert first["duplicates"] == [("DUPOND Marie True", "DUPONT Marie False", pytest.approx(0.833, abs=0.01))]
