"""The CAF/MSA importer, end to end on real files: events, idempotence, matching, bad input."""

import pytest
from django.db import connection

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.intake.caf_import import caf_flux_import, rejected_rows_csv
from jalon.intake.enums import ImportStatus
from jalon.intake.models import DuplicateCandidate, ImportRun
from jalon.people.crypto import nir_hash
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person, RsaRight
from tests.intake.flux_builder import H, P, write
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

MARIE = P("DUPONT", "Marie", "1985-05-06", "2850540192123")
LEO = P("DUPONT", "Léo", "2015-02-03", role="ENF", subject=None)
PAUL = P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1")


@pytest.fixture
def landes():
    departement = DepartementFactory()
    CommuneFactory(code="40192", name="Mont-de-Marsan", departement=departement)
    CommuneFactory(code="40088", name="Dax", departement=departement)
    return departement


@pytest.fixture
def run_import(tmp_path, landes):
    counter = iter(range(1, 1000))

    def _run(households, **kwargs):
        # Each file of a test is a new monthly file (a byte-identical one would be refused as already imported).
        number = next(counter)
        kwargs.setdefault("created", f"2026-01-{number:02d}")
        path = write(tmp_path, f"flux-{number}.xml", households, **kwargs)
        return caf_flux_import(path=path, departement=landes, actor_label="test")

    return _run


def kinds(**filters):
    return sorted(ChangeEvent.objects.filter(**filters).values_list("kind", flat=True))


def test_first_import_creates_everything_with_its_events(run_import):
    run = run_import([H("1234567", [MARIE, LEO]), H("7654321", [PAUL], state=5, closure=("PCG", "2026-10-31"))])
    assert run.status == ImportStatus.DONE
    assert (run.households_created, run.persons_created, run.rejected) == (2, 3, 0)
    marie = Person.objects.get(nir_hash=nir_hash(MARIE.nir))
    assert (marie.last_name, marie.first_name, str(marie.birth_date), marie.commune_id) == (
        "DUPONT",
        "Marie",
        "1985-05-06",
        "40192",
    )
    assert marie.nir == MARIE.nir
    household = Household.objects.get(matricule="1234567")
    assert household.right.state == RightState.OPEN
    assert HouseholdMember.objects.get(person=marie).subject_to_rights_and_duties is True
    # A new entrant's event says whether they are subject to rights and duties.
    assert kinds(person=marie) == [ChangeKind.NEW_ENTRANT]
    assert ChangeEvent.objects.get(person=marie).data == {"subject_to_rights_and_duties": True}
    assert kinds(household=household, person=None) == [ChangeKind.RIGHT_OPENED]
    closed = ChangeEvent.objects.get(kind=ChangeKind.CLOSED)
    assert closed.data["closure_date"] == "2026-10-31" and closed.data["reason"] == "PCG"
    event = ChangeEvent.objects.filter(person=marie).first()
    assert event.import_run_id == run.pk and event.source_line > 0
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_DONE, subject_id=str(run.pk)).exists()


def test_the_nir_is_never_stored_in_clear(run_import):
    run_import([H("1234567", [MARIE])])
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        rows = cursor.fetchall()
    assert MARIE.nir not in repr(rows)


def test_reimporting_the_same_file_changes_nothing_and_says_so(tmp_path, landes):
    path = write(tmp_path, "flux.xml", [H("1234567", [MARIE, LEO])])
    first = caf_flux_import(path=path, departement=landes)
    events = ChangeEvent.objects.count()
    again = caf_flux_import(path=path, departement=landes)
    assert again.status == ImportStatus.ALREADY_IMPORTED and again.same_as == first
    assert ChangeEvent.objects.count() == events
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_ALREADY_DONE).count() == 1


def test_a_new_file_with_the_same_households_leaves_them_unchanged(run_import):
    run_import([H("1234567", [MARIE, LEO])], created="2026-10-01")
    events = ChangeEvent.objects.count()
    run = run_import([H("1234567", [MARIE, LEO])], created="2026-11-01")
    assert (run.households_unchanged, run.households_updated, run.events_created) == (1, 0, 0)
    assert ChangeEvent.objects.count() == events


def test_right_transitions_each_give_their_event(run_import):
    run_import([H("1234567", [MARIE])])
    run_import([H("1234567", [MARIE], state=4, suspension=("06", "2026-10-01"))])
    suspended = ChangeEvent.objects.get(kind=ChangeKind.SUSPENDED)
    assert suspended.data["reason"] == "06" and suspended.data["reason_label"]
    run_import([H("1234567", [MARIE], state=2)])
    assert ChangeEvent.objects.filter(kind=ChangeKind.RESUMED).count() == 1
    run_import([H("1234567", [MARIE], state=5, closure=("PCG", "2026-11-30"))])
    right = RsaRight.objects.get()
    assert right.state == RightState.CLOSED and str(right.closure_date) == "2026-11-30"
    history = list(
        ChangeEvent.objects.filter(household__matricule="1234567", person=None)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert history == [ChangeKind.RIGHT_OPENED, ChangeKind.SUSPENDED, ChangeKind.RESUMED, ChangeKind.CLOSED]
    run_import([H("1234567", [MARIE], state=2)])
    assert ChangeEvent.objects.filter(kind=ChangeKind.RIGHT_OPENED).count() == 2


def test_people_joining_and_leaving_a_household(run_import):
    run_import([H("1234567", [MARIE, LEO])])
    run_import([H("1234567", [MARIE, LEO, PAUL.__class__(**{**PAUL.__dict__, "role": "CJT"})])])
    paul = Person.objects.get(nir_hash=nir_hash(PAUL.nir))
    assert kinds(kind=ChangeKind.JOINED_HOUSEHOLD) == [ChangeKind.JOINED_HOUSEHOLD]
    assert ChangeEvent.objects.get(kind=ChangeKind.JOINED_HOUSEHOLD).person == paul
    run_import([H("1234567", [MARIE, PAUL.__class__(**{**PAUL.__dict__, "role": "CJT"})])])
    leo = Person.objects.get(first_name="Léo")
    left = HouseholdMember.objects.get(person=leo)
    assert left.left_on is not None
    assert ChangeEvent.objects.get(kind=ChangeKind.LEFT_HOUSEHOLD).person == leo
    assert HouseholdMember.objects.current().filter(household__matricule="1234567").count() == 2


def test_a_person_moving_to_another_household_leaves_the_first(run_import):
    run_import([H("1234567", [MARIE, LEO])])
    run_import([H("5555555", [MARIE], commune=("40088", "40100", "Dax"))])
    marie = Person.objects.get(nir_hash=nir_hash(MARIE.nir))
    current = HouseholdMember.objects.current().get(person=marie)
    assert current.household.matricule == "5555555"
    left = ChangeEvent.objects.get(kind=ChangeKind.LEFT_HOUSEHOLD, person=marie)
    assert left.household.matricule == "1234567"
    assert marie.commune_id == "40088"
    assert Person.objects.count() == 2


def test_becoming_and_ceasing_to_be_subject_to_rights_and_duties(run_import):
    run_import([H("1234567", [P(**{**MARIE.__dict__, "subject": False})])])
    assert not ChangeEvent.objects.filter(kind=ChangeKind.BECAME_SUBJECT).exists()
    assert ChangeEvent.objects.get(kind=ChangeKind.NEW_ENTRANT).data == {"subject_to_rights_and_duties": False}
    run_import([H("1234567", [MARIE])])
    assert ChangeEvent.objects.filter(kind=ChangeKind.BECAME_SUBJECT).count() == 1
    run_import([H("1234567", [P(**{**MARIE.__dict__, "subject": False})])])
    assert ChangeEvent.objects.filter(kind=ChangeKind.NO_LONGER_SUBJECT).count() == 1


def test_identity_changes_are_kept_with_old_and_new_values(run_import):
    run_import([H("1234567", [MARIE])])
    run_import([H("1234567", [P(**{**MARIE.__dict__, "nom": "LEROY"})], street="AVENUE DE LA GARE")])
    marie = Person.objects.get(nir_hash=nir_hash(MARIE.nir))
    assert marie.last_name == "LEROY" and marie.normalized_last_name == "leroy"
    change = ChangeEvent.objects.get(kind=ChangeKind.IDENTITY_UPDATED, person=marie)
    assert change.data["old"]["last_name"] == "DUPONT" and change.data["new"]["last_name"] == "LEROY"
    assert "AVENUE DE LA GARE" in change.data["new"]["address"]


def test_matching_without_nir(run_import):
    child = P("DUPONT", "Léo", "2015-02-03", role="ENF", subject=None)
    run_import([H("1234567", [MARIE, child])])
    # Same household, same birth date and first name: the same child, not a new file.
    run_import([H("1234567", [MARIE, child], street="RUE NEUVE")])
    assert Person.objects.filter(first_name="Léo").count() == 1
    # Elsewhere, exactly the same names and birth date: matched.
    run_import([H("2222222", [P("DUPONT", "Léo", "2015-02-03", subject=None)])])
    assert Person.objects.filter(first_name="Léo").count() == 1
    # A close name (typo) with no NIR: a new file and a duplicate candidate for review.
    run = run_import([H("3333333", [P("DUPOND", "Léo", "2015-02-03", subject=None)])])
    assert Person.objects.filter(first_name="Léo").count() == 2
    assert run.duplicates_found == 1
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person.last_name, candidate.other.last_name} == {"DUPONT", "DUPOND"}
    assert candidate.status == "pending" and candidate.score >= 0.8


def test_bad_households_are_rejected_one_by_one_and_the_others_imported(run_import):
    bad_nir = P("BERNARD", "Luc", "1990-01-01", "12345")
    run = run_import(
        [
            H("1111111", [MARIE]),
            H("2222222", [bad_nir]),
            H("3333333", [PAUL], state=9),
            H("4444444", [MARIE]),  # the same person twice in the file
            H("1111111", [LEO]),  # the same household twice
        ]
    )
    assert run.status == ImportStatus.DONE
    assert run.households_created == 1 and run.rejected == 4
    reasons = dict(run.rejected_rows.values_list("identifier", "reason"))
    assert "NIR" in reasons["2222222"]
    assert "ETATDOSRSA" in reasons["3333333"]
    assert "deux fois" in reasons["4444444"]
    assert "déjà présent" in reasons["1111111"]
    rows = list(rejected_rows_csv(run))
    assert rows[0] == ["ligne", "identifiant", "motif"] and len(rows) == 5
    # Nothing half-written: no person of a rejected household exists.
    assert not Person.objects.filter(last_name="BERNARD").exists()
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"ceci n'est pas du XML",
        None,  # truncated
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Racine>&x;</Racine>',
    ],
    ids=["empty", "not-xml", "truncated", "xxe"],
)
def test_a_structurally_broken_file_writes_nothing(tmp_path, landes, content):
    from tests.intake.flux_builder import flux

    if content is None:
        whole = flux([H("1111111", [MARIE]), H("2222222", [PAUL])])
        content = whole[: int(len(whole) * 0.8)]
    path = tmp_path / "broken.xml"
    path.write_bytes(content)
    run = caf_flux_import(path=path, departement=landes)
    assert run.status == ImportStatus.FAILED
    assert run.error  # a French message for the screen
    assert Person.objects.count() == Household.objects.count() == ChangeEvent.objects.count() == 0
    assert "root:" not in run.error
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_FAILED).count() == 1
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_utf8_files_are_accepted_too(run_import):
    run = run_import([H("1234567", [P("LEFÈVRE", "Élodie", "1990-03-04", "2900340192555")])], encoding="utf-8")
    assert run.status == ImportStatus.DONE
    assert Person.objects.get().last_name == "LEFÈVRE"


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "child-process"])
def test_parsing_in_a_child_process_gives_the_same_import(tmp_path, landes, monkeypatch, parallel):
    from jalon.intake.caf_flux import parallel as parallel_module

    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0 if parallel else 10**12)
    households = [H(f"{1000000 + n}", [P("NOM", f"Prénom{n}", "1980-01-01", f"2800140192{n:03d}")]) for n in range(30)]
    households.append(H("9999999", [P("X", "Y", "1990-01-01", "12")]))
    run = caf_flux_import(path=write(tmp_path, "flux.xml", households), departement=landes)
    assert (run.status, run.households_created, run.persons_created, run.rejected) == (ImportStatus.DONE, 30, 30, 1)


def test_a_truncated_file_parsed_in_a_child_process_writes_nothing(tmp_path, landes, monkeypatch):
    from jalon.intake.caf_flux import parallel as parallel_module
    from tests.intake.flux_builder import flux

    monkeypatch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 0)
    whole = flux([H(f"{1000000 + n}", [P("NOM", "Jean", "1980-01-01", f"1800140192{n:03d}")]) for n in range(50)])
    path = tmp_path / "cut.xml"
    path.write_bytes(whole[: len(whole) - 500])
    run = caf_flux_import(path=path, departement=landes)
    assert run.status == ImportStatus.FAILED and run.error
    assert Person.objects.count() == 0
