"""Changed households of several batches of a file are written together, with the results of writing each batch on
its own: a batch that could read what an earlier one writes (a person it creates or updates) waits for it."""

import json

import pytest
from django.db import transaction

from jalon.intake import caf_import
from jalon.intake.caf_flux import parallel
from jalon.intake.caf_import import CafFluxImporter, caf_flux_import
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, HouseholdMember, Person
from tests.intake.flux_builder import H, P, write
from tests.intake.test_caf_import_identity import COMMUNES, _files, _snapshot
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

LEO = P("DUPONT", "Léo", "2015-02-03", role="ENF", subject=None)
# A schema error: rejected, it fills a place of its batch without being written.
BROKEN = H("9999999", [P("X", "Y", "2020-13-45", "2200140192999")])


@pytest.fixture
def landes():
    departement = DepartementFactory(code="40")
    for code, _postal, name in COMMUNES[:4]:
        CommuneFactory(code=code, name=name, departement=departement)
    return departement


@pytest.fixture
def writes(monkeypatch):
    """How many changed households each write took."""
    sizes: list[int] = []
    real = CafFluxImporter._write_changed

    def spy(self, changed, *args):
        sizes.append(len(changed))
        return real(self, changed, *args)

    monkeypatch.setattr(CafFluxImporter, "_write_changed", spy)
    return sizes


def _one_by_one(monkeypatch) -> None:
    """Every batch reads what the one before it wrote: the import as it was before batches were written together."""
    monkeypatch.setattr(CafFluxImporter, "_footprint", staticmethod(lambda *args: (set(), {0})))


def test_a_child_created_by_one_batch_is_found_by_the_next_one(tmp_path, landes, monkeypatch, writes):
    monkeypatch.setattr(caf_import, "BATCH_SIZE", 3)
    monkeypatch.setattr(caf_import, "WRITE_MIN", 3)
    households = [
        H("1000001", [P("DUPONT", "Marie", "1985-05-06", "2850540192123"), LEO]),
        BROKEN,
        H("1000002", [P("AUTRE", "Zoé", "1990-01-01", "2900140192124")]),
        # The next batch: Léo, without a NIR, now lives with his father.
        H("1000003", [P("DUPONT", "Paul", "1980-07-08", "1800740192125", sexe="1"), LEO]),
    ]
    run = caf_flux_import(path=write(tmp_path, "flux.xml", households), departement=landes)
    # Two batches of the file, with two changed households and one: together they would fill a write, but the second
    # one looks for a Léo born on 2015-02-03, whom the first one creates.
    assert writes == [2, 1]
    (leo,) = Person.objects.filter(first_name="Léo")
    assert [m.household.matricule for m in HouseholdMember.objects.current().filter(person=leo)] == ["1000003"]
    assert ChangeEvent.objects.filter(person=leo, kind=ChangeKind.LEFT_HOUSEHOLD).count() == 1
    assert (run.households_created, run.persons_created, run.rejected) == (3, 4, 1)


def test_batches_with_nothing_in_common_are_written_together(tmp_path, landes, monkeypatch, writes):
    monkeypatch.setattr(caf_import, "BATCH_SIZE", 3)
    monkeypatch.setattr(caf_import, "WRITE_MIN", 3)
    households = [
        H("1000001", [P("DUPONT", "Marie", "1985-05-06", "2850540192123"), LEO]),
        BROKEN,
        H("1000002", [P("AUTRE", "Zoé", "1990-01-01", "2900140192124")]),
        H("1000003", [P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1")]),
    ]
    run = caf_flux_import(path=write(tmp_path, "flux.xml", households), departement=landes)
    assert writes == [3]
    assert (run.households_created, run.persons_created, run.rejected) == (3, 4, 1)


class _Undo(Exception):
    pass


def _imports(files, landes) -> list:
    runs: dict[int, int] = {}
    snapshots = []
    for number, path in enumerate(files, start=1):
        run = caf_flux_import(path=path, departement=landes, actor_label="test")
        runs[run.pk] = number
        snapshots.append(_snapshot(run, runs))
    return json.loads(json.dumps(snapshots, default=str))


@pytest.mark.parametrize("in_child", [False, True], ids=["in-process", "child-process"])
def test_writing_batches_together_gives_the_results_of_writing_them_one_by_one(
    tmp_path, landes, monkeypatch, writes, in_child
):
    """The series of files of the identity test (changes, households gone and back, repeats, another encoding), in
    batches of 10 file items: most batches of the re-imports hold a few changed households."""
    monkeypatch.setattr(caf_import, "BATCH_SIZE", 10)
    monkeypatch.setattr(caf_import, "WRITE_MIN", 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0 if in_child else 10**12)
    files = _files(tmp_path)
    with monkeypatch.context() as patched, pytest.raises(_Undo), transaction.atomic():
        _one_by_one(patched)
        one_by_one, writes_one_by_one = _imports(files, landes), len(writes)
        raise _Undo
    writes.clear()
    together = _imports(files, landes)
    assert len(writes) < writes_one_by_one
    assert together == one_by_one
