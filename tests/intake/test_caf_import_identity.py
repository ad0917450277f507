"""The CAF/MSA import's results are those of the reference import, file after file.

A generated population goes through a series of files: a first import, a re-import with a third of the households
changed and some gone, the same households under another header (nothing changed), the first file again (every
change undone, the gone households back) and the first population in UTF-8 instead of windows-1252. Each file also
carries a household given twice, one with a NIR already met and one that breaks the schema. After each import the
whole state (households, persons, memberships, rights, change events, rejects, duplicate candidates and the run's
counts) is read back by natural keys and compared with `fixtures/caf_import_identity.json`, written by the import as
it was before its rewrite for speed (the skipping of unchanged households by their raw bytes, set-based writes).
`JALON_WRITE_IDENTITY_FIXTURE=1` rewrites the fixture: only ever from a reference version of the import.
"""

import json
import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from jalon.intake.caf_flux import parallel, parser
from jalon.intake.caf_flux.generator import PARIS, write_flux
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.models import DuplicateCandidate, ImportRun, RejectedRow
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person, RsaRight
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).with_name("fixtures") / "caf_import_identity.json"
CREATED = datetime(2026, 3, 2, 4, 30, tzinfo=PARIS)
HOUSEHOLDS = 120
COMMUNES = (
    ("40192", "40000", "Mont-de-Marsan"),
    ("40088", "40100", "Dax"),
    ("40046", "40600", "Biscarrosse"),
    ("40279", "40990", "Saint-Paul-lès-Dax"),
    # Not in the base: the address is kept, without its commune.
    ("40312", "40220", "Tarnos"),
)
START = re.compile(rb"<InfosFoyerRSA>")


def _split(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    starts = [match.start() for match in START.finditer(data)]
    end = data.index(b"<TransmissionFlux>")
    bounds = [*starts, end]
    return data[: starts[0]], [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)], data[end:]


def _edited(path: Path, *, hour: str, drop: range = range(0), spaced: int | None = None) -> None:
    """Another creation time in the header, some households dropped, the edge cases appended."""
    head, households, tail = _split(path.read_bytes())
    head = head.replace(b"<HEUCREAFLUX>04:30:00</HEUCREAFLUX>", f"<HEUCREAFLUX>{hour}</HEUCREAFLUX>".encode())
    if spaced is not None:
        # Indentation only: the same household for the parser.
        households[spaced] = households[spaced].replace(b"\n<Personne>", b"\n    <Personne>")
    kept = [household for index, household in enumerate(households) if index not in drop]
    # The same household twice; a household whose persons were already met (same NIR); a broken birth date.
    repeated = households[3]
    same_nir = re.sub(rb"<MATRICULE>\d+</MATRICULE>", b"<MATRICULE>9999991</MATRICULE>", households[4])
    broken = re.sub(rb"<DTNAI>[^<]*</DTNAI>", b"<DTNAI>2020-13-45</DTNAI>", households[5], count=1)
    broken = re.sub(rb"<MATRICULE>\d+</MATRICULE>", b"<MATRICULE>9999992</MATRICULE>", broken)
    path.write_bytes(head + b"".join([*kept, repeated, same_nir, broken]) + tail)


def _files(tmp_path: Path) -> list[Path]:
    first, changed, utf8 = tmp_path / "a.xml", tmp_path / "b.xml", tmp_path / "a-utf8.xml"
    common = {"households": HOUSEHOLDS, "commune_codes": COMMUNES, "created_at": CREATED}
    write_flux(first, seed=7, **common)
    write_flux(changed, seed=8, mutate_from_seed=7, mutate_share=0.3, **common)
    write_flux(utf8, seed=7, encoding="utf-8", **common)
    original, mutated = first.read_bytes(), changed.read_bytes()
    files = []
    for name, source, hour, options in (
        ("1-first.xml", original, "04:30:00", {}),
        ("2-changed.xml", mutated, "05:30:00", {"drop": range(20, 25), "spaced": 30}),
        ("3-same-households.xml", mutated, "06:30:00", {"drop": range(20, 25), "spaced": 30}),
        ("4-first-again.xml", original, "07:30:00", {}),
    ):
        path = tmp_path / name
        path.write_bytes(source)
        _edited(path, hour=hour, **options)
        files.append(path)
    _edited(utf8, hour="08:30:00")
    return [*files, utf8]


def _names(queryset, key) -> dict[int, str]:
    """Natural keys of rows, made unique by creation order."""
    seen: dict[str, int] = {}
    names = {}
    for row in queryset.order_by("pk"):
        base = key(row)
        seen[base] = seen.get(base, 0) + 1
        names[row.pk] = f"{base}#{seen[base]}"
    return names


def _sorted(rows) -> list:
    return sorted(rows, key=lambda row: json.dumps(row, default=str))


def _day(value, today):
    return None if value is None else ("today" if value == today else value.isoformat())


def _snapshot(run: ImportRun, runs: dict[int, int]) -> dict:
    today = timezone.localdate()
    persons = _names(Person.objects.all(), lambda p: f"{p.last_name}|{p.first_name}|{p.birth_date}|{p.nir or ''}")
    households = _names(Household.objects.all(), lambda h: f"{h.organisme}|{h.organisme_code}|{h.matricule}")
    touched = run.started_at
    return {
        "run": {
            "status": run.status,
            "header": run.header,
            **{
                name: getattr(run, name)
                for name in (
                    "households_created",
                    "households_updated",
                    "households_unchanged",
                    "persons_created",
                    "persons_updated",
                    "rejected",
                    "duplicates_found",
                    "events_created",
                )
            },
        },
        "households": _sorted(
            [
                households[h.pk],
                h.departement.code,
                h.address,
                h.address_complement,
                h.postal_code,
                h.city,
                h.commune_id,
                h.homeless,
                h.source_hash,
                h.updated_at >= touched,
            ]
            for h in Household.objects.select_related("departement")
        ),
        "persons": _sorted(
            [
                persons[p.pk],
                p.departement.code,
                p.civility,
                p.birth_name,
                p.birth_place,
                p.sex,
                p.france_travail_id,
                p.normalized_last_name,
                p.normalized_birth_name,
                p.normalized_first_name,
                p.address,
                p.address_complement,
                p.postal_code,
                p.city,
                p.commune_id,
                p.homeless,
                persons.get(p.merged_into_id),
                p.updated_at >= touched,
            ]
            for p in Person.objects.select_related("departement")
        ),
        "memberships": _sorted(
            [
                households[m.household_id],
                persons[m.person_id],
                m.role,
                m.subject_to_rights_and_duties,
                _day(m.joined_on, today),
                _day(m.left_on, today),
                m.updated_at >= touched,
            ]
            for m in HouseholdMember.objects.all()
        ),
        "rights": _sorted(
            [
                households[r.household_id],
                r.state,
                _day(r.request_date, None),
                r.request_number,
                _day(r.opening_date, None),
                r.suspension_reason,
                _day(r.suspension_date, None),
                r.closure_reason,
                _day(r.closure_date, None),
                r.updated_at >= touched,
            ]
            for r in RsaRight.objects.all()
        ),
        "events": _sorted(
            [
                runs.get(e.import_run_id),
                e.kind,
                households.get(e.household_id),
                persons.get(e.person_id),
                json.dumps(e.data, sort_keys=True, default=str),
                e.source_line,
                e.occurred_at.isoformat(),
            ]
            for e in ChangeEvent.objects.all()
        ),
        "rejects": _sorted(
            [runs[r.run_id], r.line, r.identifier, r.reason] for r in RejectedRow.objects.filter(run__in=runs)
        ),
        "duplicates": _sorted(
            [persons[d.person_id], persons[d.other_id], float(d.score), d.reasons, runs.get(d.found_by_run_id)]
            for d in DuplicateCandidate.objects.all()
        ),
    }


def _import_series(tmp_path) -> list[dict]:
    """The files imported one after the other into the Landes, each one's state read back through JSON, as the
    fixture is (tuples become lists, dates strings)."""
    landes = DepartementFactory(code="40")
    for code, _postal, name in COMMUNES[:4]:
        CommuneFactory(code=code, name=name, departement=landes)
    runs: dict[int, int] = {}
    snapshots = []
    for number, path in enumerate(_files(tmp_path), start=1):
        run = caf_flux_import(path=path, departement=landes, actor_label="test")
        runs[run.pk] = number
        snapshots.append({"file": path.name, **_snapshot(run, runs)})
    return json.loads(json.dumps(snapshots, default=str))


def test_the_import_gives_the_reference_results_file_after_file(tmp_path):
    snapshots = _import_series(tmp_path)
    if os.environ.get("JALON_WRITE_IDENTITY_FIXTURE"):
        FIXTURE.parent.mkdir(exist_ok=True)
        FIXTURE.write_text(json.dumps(snapshots, ensure_ascii=False, indent=0) + "\n")
    expected = json.loads(FIXTURE.read_text())
    assert len(snapshots) == len(expected)
    for got, want in zip(snapshots, expected, strict=True):
        for part in want:
            assert got[part] == want[part], (want["file"], part)


def test_a_household_whose_bytes_did_not_change_is_not_parsed_again(tmp_path, monkeypatch):
    landes = DepartementFactory(code="40")
    for code, _postal, name in COMMUNES[:4]:
        CommuneFactory(code=code, name=name, departement=landes)
    first, changed, *_ = _files(tmp_path)
    caf_flux_import(path=first, departement=landes, actor_label="test")
    parsed = []
    real_extract = parser._extract
    monkeypatch.setattr(
        parser, "_extract", lambda element, line, *args: parsed.append(line) or real_extract(element, line, *args)
    )
    run = caf_flux_import(path=changed, departement=landes, actor_label="test")
    # Parsed: the changed households, the re-indented one (same household, other bytes), the household given twice
    # (read again to name what it repeats) and the new one with a NIR already met; the 80 others were skipped.
    assert (run.households_updated, run.households_unchanged) == (34, 81)
    assert len(parsed) == 34 + 3


def test_the_same_results_with_the_second_half_of_each_file_read_aside(tmp_path, monkeypatch):
    """Each file read in a parsing process that has a helper read the second half of the file at the same time."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parser, "SECOND_HALF_MIN_BYTES", 0)
    monkeypatch.setattr(parser, "SECOND_HALF_MIN_KNOWN", 0)
    monkeypatch.setattr(parser, "SECOND_HALF_MAX_PARSED", 10**6)  # the helper parses its whole half if need be
    # The parsing process is a fork: it says in a file which readings took the helper's items.
    taken = tmp_path / "taken"
    real = parser._FluxReader._second_half_items

    def spy(self):
        items = real(self)
        with taken.open("a") as out:
            out.write("1" if items is not None else "0")
        return items

    monkeypatch.setattr(parser._FluxReader, "_second_half_items", spy)
    assert _import_series(tmp_path) == json.loads(FIXTURE.read_text())
    # The first file's reading took the helper's items (nothing known: the reader tracks no repeat, the importer
    # rejects them); the others repeat in their second half a household of the first (the edge cases at their end),
    # so the parsing process read on itself.
    assert taken.read_text() == "10000"
