"""Import of the CAF/MSA flux: streaming parse, identity matching and set-based writes, batch by batch.

The whole file is one transaction: a structurally broken file (truncated, not XML…) writes nothing. Bad
households are rejected one by one with a French reason and the others are imported. Every query and every
write is per batch of households, never per row.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import cached_property, partial
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jalon.core.bulk import (
    bulk_insert_rows,
    bulk_update_fields,
    deferred_checks_run,
    filter_any,
    insert_rows_returning_ids,
    load_into_empty_tables,
)
from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.text import normalise_name
from jalon.intake.caf_flux.codes import closure_reason_label, suspension_reason_label
from jalon.intake.caf_flux.parallel import FluxBatches, SkippedHouseholds
from jalon.intake.caf_flux.parser import FluxError, FluxHousehold, FluxPerson, FluxRejection, FluxUnchanged
from jalon.intake.enums import ImportKind, ImportStatus
from jalon.intake.models import DuplicateCandidate, ImportRun, RejectedRow
from jalon.people.crypto import nir_encrypt, nir_hash
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person, RsaRight
from jalon.territories.models import Commune


BATCH_SIZE = 2000
# Changed households gathered (from several batches of a monthly file) before they are written: fewer queries than a
# write per batch, and a short last write once the file is read, when the importer no longer overlaps the parse.
WRITE_MIN = 500
WRITE_BATCH = 2000
# Below this, two names are not the same person; between it and 1.0 the pair goes to duplicate review.
FUZZY_THRESHOLD = 0.8

# The tables a first import fills, and the indexes its own lookups read meanwhile: the name match's candidates by
# birth date and first name, the current households of a matched person. It looks nothing up by NIR or matricule:
# nothing stored can match.
FIRST_LOAD_TABLES = (Person, Household, HouseholdMember, RsaRight, ChangeEvent)
FIRST_LOAD_READ_INDEXES = (
    (Person, ("birth_date", "normalized_first_name")),
    (HouseholdMember, ("person",)),
)

PERSON_IDENTITY_FIELDS = ["last_name", "birth_name", "first_name", "sex", "birth_place", "civility"]
ADDRESS_FIELDS = ["address", "address_complement", "postal_code", "city", "commune_id", "homeless"]


def known_fingerprints() -> set[str]:
    """Raw fingerprints of the households a file may leave out of the parse: those whose stored source hash is
    the one their bytes gave (the importer writes both together; anonymisation clears it) and whose right
    already has its request number (else the next file, even unchanged, brings it: see _import_batch)."""
    return set(
        Household.objects.order_by()  # a set: no sort
        .exclude(raw_fingerprint="")
        .exclude(source_hash="")
        .filter(right__request_number__gt="")
        .values_list("raw_fingerprint", flat=True)
        .iterator(chunk_size=10_000)
    )


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass
class _Counts:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    rejected: int = 0
    duplicates_found: int = 0
    events_created: int = 0


@dataclass
class _Batch:
    """What one batch will write, gathered before any write so each table gets one bulk call."""

    new_persons: list["_NewRecord"] = field(default_factory=list)
    updated_persons: dict[int, Person] = field(default_factory=dict)
    new_households: list["_NewRecord"] = field(default_factory=list)
    updated_households: list[Household] = field(default_factory=list)
    new_rights: list[dict] = field(default_factory=list)
    updated_rights: list[RsaRight] = field(default_factory=list)
    new_members: list[dict] = field(default_factory=list)
    updated_members: dict[int, HouseholdMember] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    duplicates: list[tuple[Person, Person, float, list[str]]] = field(default_factory=list)


class _NewRecord:
    """A person or household this batch creates: its row, then its id once inserted. Lighter than a model
    instance, which matters for 300 000 of them."""

    __slots__ = ("pk", "row", "_flux_line", "_subject", "_is_new")

    def __init__(self, row: dict, *, flux_line: int = 0, subject: bool | None = None):
        self.pk: int | None = None
        self.row = row
        self._flux_line = flux_line
        self._subject = subject
        self._is_new = True


class CafFluxImporter:
    def __init__(
        self,
        *,
        run: ImportRun,
        progress: Callable[[int], None] | None = None,
        fingerprints: set[str] | None = None,
    ):
        self.run = run
        self.fingerprints = fingerprints
        self.departement_id = run.departement_id
        self.progress = progress
        self.counts = _Counts()
        self.rejections: list[RejectedRow] = []
        self.today = timezone.localdate()
        self.now = timezone.now()
        # NIRs and matricules already met in this file: the same person or household twice is rejected.
        self.seen_nir: dict[str, int] = {}
        self.seen_matricules: dict[tuple[str, str, str], int] = {}
        self.analyzed_at = 0
        # Changed households waiting to be written, one list per batch of the file (see _write_pending).
        self.pending: list[list[tuple[FluxHousehold, int | None]]] = []
        self._address_of: FluxHousehold | None = None
        self._address_values: dict = {}
        # Set while a first import fills empty tables: nothing stored can then match a household or a NIR of the file
        # (one met earlier in the file is rejected as a repeat), so those lookups are not made.
        self.first_load = False
        self.allow_other_departement = run.other_departement_allowed
        self.expected_ideparte = _ideparte(run.departement_id)

    @cached_property
    def commune_codes(self) -> set[str]:
        # Read with the first changed household, while the parsing process works: an unchanged file needs none.
        return set(Commune.objects.values_list("code", flat=True))

    # -- driving -------------------------------------------------------------------------------------------------

    def run_file(self, path: Path, reading: FluxBatches | None = None) -> None:
        """Import the file; `reading`, when given, is its reading started ahead (see caf_flux_import)."""
        if reading is None:
            reading = FluxBatches(
                path,
                batch_size=BATCH_SIZE,
                progress=self.progress,
                known_fingerprints=self.fingerprints if self.fingerprints is not None else known_fingerprints(),
                accepts_departement=self._accepts_departement,
            )
        header, batches = reading.read()
        self.run.header = {key: str(value) for key, value in header.raw.items()}
        self.occurred_at = _aware(header.created_at)
        # A first import (no household, no person yet) indexes its rows and checks the keys between its own tables
        # once at the end; what it reads while it runs keeps its index.
        with load_into_empty_tables(*FIRST_LOAD_TABLES, keep_indexes=FIRST_LOAD_READ_INDEXES) as first_load:
            self.first_load = first_load
            for items in batches:
                households: list[FluxHousehold | FluxUnchanged | SkippedHouseholds] = []
                for item in items:
                    if isinstance(item, FluxRejection):
                        self._reject(item.line, item.matricule, item.reason)
                    elif isinstance(item, SkippedHouseholds):
                        households.append(item)  # their Département was checked by the reader (_accepts_departement)
                    else:
                        self._check_departement(item)
                        households.append(item)
                if households:
                    self._import_batch(households)
            self._write_pending(final=True)
        RejectedRow.objects.bulk_create(self.rejections, batch_size=WRITE_BATCH)

    def _accepts_departement(self, partner_departement: str) -> bool:
        return _accepts(partner_departement, self.expected_ideparte, self.allow_other_departement)

    def _check_departement(self, flux: FluxHousehold | FluxUnchanged) -> None:
        """A flux sent to another Département (IDEPARTE) would create its beneficiaries here: the whole file is
        refused (the import's transaction rolls back), unless the import was explicitly asked for."""
        if self._accepts_departement(flux.partner_departement):
            return
        found = _ideparte(flux.partner_departement)
        departement = self.run.departement
        raise FluxError(
            f"Ce flux est adressé à un autre Département : {found.lstrip('0') or found} (IDEPARTE « "
            f"{flux.partner_departement} », foyer {flux.matricule}, ligne {flux.line}), et non au Département "
            f"{departement.code} ({departement.name}). Fichier refusé, rien n'a été écrit. S'il doit vraiment être "
            "importé ici, un administrateur du Département peut le déposer à nouveau en cochant « Importer un flux "
            "adressé à un autre Département » (commande : option --autre-departement)."
        )

    def _refresh_statistics(self) -> None:
        """Within the import's transaction the tables can grow far beyond what the planner last saw (often
        empty): ANALYZE them each time the rows created by this import grow fourfold, so lookups keep their indexes.
        A monthly re-import creates few rows and pays nothing."""
        created = self.counts.persons_created + self.counts.households_created
        if connection.vendor != "postgresql" or created < max(4 * self.analyzed_at, BATCH_SIZE):
            return
        self.analyzed_at = created
        with connection.cursor() as cursor:
            for model in (Person, Household, HouseholdMember):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _reject(self, line: int, identifier: str, reason: str) -> None:
        self.counts.rejected += 1
        self.rejections.append(RejectedRow(run=self.run, line=line, identifier=identifier[:50], reason=reason))

    # -- one batch -----------------------------------------------------------------------------------------------

    def _import_batch(self, items: list[FluxHousehold | FluxUnchanged | SkippedHouseholds]) -> None:
        flux_households = []
        for flux in self._drop_repeats(items):
            if isinstance(flux, SkippedHouseholds):
                self.counts.households_unchanged += flux.count
            elif isinstance(flux, FluxUnchanged):
                # Its bytes are those the stored household was last imported from (see known_fingerprints).
                self.counts.households_unchanged += 1
            else:
                flux_households.append(flux)
        # Plain values first: most households of a monthly file are unchanged and need no object at all.
        stored: dict[tuple[str, str, str], tuple] = {}
        # A batch of skipped households only (most of a monthly file) asks nothing.
        if flux_households and not self.first_load:
            rows = filter_any(
                Household.objects.all(), "matricule", {f.matricule for f in flux_households}
            ).values_list(
                "pk",
                "organisme",
                "organisme_code",
                "matricule",
                "source_hash",
                "right__request_number",
                "raw_fingerprint",
            )
            for pk, organisme, code, matricule, source_hash, request_number, fingerprint in rows:
                stored[(organisme, code, matricule)] = (pk, source_hash, request_number, fingerprint)
        changed_flux: list[tuple[FluxHousehold, int | None]] = []
        fingerprints: list[tuple[int, str]] = []
        for flux in flux_households:
            known = stored.get((flux.organisme, flux.organisme_code, flux.matricule))
            # A right stored before the request number was read takes it from the next file, even unchanged.
            if known is not None and known[1] == flux.raw_hash and (known[2] or not flux.request_number):
                self.counts.households_unchanged += 1
                # The same household in other bytes (first file since fingerprints, blanks, encoding): the next
                # file with these bytes can skip it.
                if flux.raw_fingerprint and known[3] != flux.raw_fingerprint:
                    fingerprints.append((known[0], flux.raw_fingerprint))
                continue
            changed_flux.append((flux, known[0] if known else None))
        if fingerprints:
            _set_raw_fingerprints(fingerprints)
        if changed_flux:
            self.pending.append(changed_flux)
        self._write_pending(final=False)

    # -- batches of changed households ---------------------------------------------------------------------------

    def _write_pending(self, *, final: bool) -> None:
        """Write the changed households of several batches of the file together once there are WRITE_MIN of them (a
        monthly file's batches hold few), as long as the result is the one of writing them batch after batch.

        A batch reads what the batches before it wrote: a person created or updated by one can be matched by a later
        one. So a batch joins the ones before it only if it shares with them no stored person it could read or
        write (found by NIR, a member of its households, a candidate of the name match) and no birth date + first
        name of a person (a person created by one could be a candidate of the other); else the batches before it
        are written first and it waits for the next write, which reads what they wrote."""
        while self.pending and (final or sum(len(group) for group in self.pending) >= WRITE_MIN):
            changed_flux = [pair for group in self.pending for pair in group]
            to_load = [pk for _, pk in changed_flux if pk]
            loaded = Household.objects.select_related("right").in_bulk(to_load) if to_load else {}
            changed = [(flux, loaded.get(pk) if pk else None) for flux, pk in changed_flux]
            existing_ids = [household.pk for _, household in changed if household is not None]
            current_members: dict[int, list[HouseholdMember]] = {}
            for member in (
                HouseholdMember.objects.current().filter(household_id__in=existing_ids).select_related("person")
            ):
                current_members.setdefault(member.household_id, []).append(member)
            persons_by_hash = self._persons_by_nir(changed)
            fuzzy_pool = self._fuzzy_pool(changed, persons_by_hash)

            taken, size = 0, 0
            keys: set[tuple[date, str]] = set()
            persons: set[int] = set()
            for group in self.pending:
                group_keys, group_persons = self._footprint(group, current_members, persons_by_hash, fuzzy_pool)
                if taken and (group_keys & keys or group_persons & persons):
                    break
                keys |= group_keys
                persons |= group_persons
                taken += 1
                size += len(group)
            self.pending = self.pending[taken:]
            self._write_changed(changed[:size], current_members, persons_by_hash, fuzzy_pool)
            if self.first_load:
                # Its rows' keys to the Départements and communes, checked while the file is still being parsed rather
                # than all at COMMIT, when nothing else is left to run beside them.
                deferred_checks_run()
            self._refresh_statistics()

    @staticmethod
    def _footprint(group, current_members, persons_by_hash, fuzzy_pool) -> tuple[set[tuple[date, str]], set[int]]:
        """Birth date + first name of every person of a batch's changed households, and the ids of the stored persons
        it reads (and may write): found by NIR, members of its households, candidates of the name match."""
        keys = {(fp.birth_date, normalise_name(fp.first_name)) for flux, _ in group for fp in flux.persons}
        persons: set[int] = set()
        for flux, pk in group:
            if pk:
                persons.update(member.person_id for member in current_members.get(pk, ()))
            for fp in flux.persons:
                if fp.nir and persons_by_hash and (person := persons_by_hash.get(nir_hash(fp.nir))) is not None:
                    persons.add(person.pk)
        for key in keys:
            persons.update(person.pk for person in fuzzy_pool.get(key, ()))
        return keys, persons

    def _write_changed(self, changed, current_members, persons_by_hash, fuzzy_pool) -> None:
        batch = _Batch()
        resolved: list[tuple[FluxHousehold, Household, list[tuple[FluxPerson, Person | _NewRecord]]]] = []
        for flux, household in changed:
            members = current_members.get(household.pk, []) if household else []
            matched = [
                (fp, self._match_person(fp, flux, members, persons_by_hash, fuzzy_pool, batch)) for fp in flux.persons
            ]
            household = self._household(flux, household, batch)
            resolved.append((flux, household, matched))

        self._write_persons_and_households(batch)
        other_memberships = self._other_current_memberships(resolved)
        for flux, household, matched in resolved:
            self._right(flux, household, batch)
            self._members(flux, household, matched, current_members.get(household.pk, []), other_memberships, batch)
        self._write_rest(batch)

    def _drop_repeats(
        self, flux_households: list[FluxHousehold | FluxUnchanged | SkippedHouseholds]
    ) -> list[FluxHousehold | FluxUnchanged | SkippedHouseholds]:
        kept: list[FluxHousehold | FluxUnchanged | SkippedHouseholds] = []
        for flux in flux_households:
            if isinstance(flux, SkippedHouseholds):
                # What the next household repeats of the skipped ones before it (see parallel.SkippedHouseholds).
                self.seen_matricules.update(flux.keys)
                self.seen_nir.update(flux.nirs)
                kept.append(flux)
                continue
            key = (flux.organisme, flux.organisme_code, flux.matricule)
            if isinstance(flux, FluxUnchanged):
                # The reader parses a skipped household that repeats a matricule or a NIR met before it.
                self.seen_matricules[key] = flux.line
                for nir in flux.nirs:
                    self.seen_nir[nir] = flux.line
                kept.append(flux)
                continue
            if key in self.seen_matricules:
                self._reject(
                    flux.line,
                    flux.matricule,
                    f"Foyer {flux.matricule} déjà présent dans le fichier (ligne {self.seen_matricules[key]}).",
                )
                continue
            repeated = [fp for fp in flux.persons if fp.nir and fp.nir in self.seen_nir]
            if repeated:
                person = repeated[0]
                first_line = self.seen_nir[person.nir]
                self._reject(
                    flux.line,
                    flux.matricule,
                    f"{person.last_name} {person.first_name} figure deux fois dans le fichier (même NIR qu'à la "
                    f"ligne {first_line}) : foyer ignoré.",
                )
                continue
            self.seen_matricules[key] = flux.line
            for fp in flux.persons:
                if fp.nir:
                    self.seen_nir[fp.nir] = flux.line
            kept.append(flux)
        return kept

    # -- matching ------------------------------------------------------------------------------------------------

    def _persons_by_nir(self, changed) -> dict[str, Person]:
        if self.first_load:
            return {}
        hashes = [nir_hash(fp.nir) for flux, _ in changed for fp in flux.persons if fp.nir]
        return {p.nir_hash: p for p in filter_any(Person.objects.active(), "nir_hash", hashes)}

    def _fuzzy_pool(self, changed, persons_by_hash) -> dict[tuple[date, str], list[Person]]:
        """Candidates for persons not found by NIR: same birth date and same normalised first name. A flux person
        with a NIR can only be a stored person without one (another NIR would be another person)."""
        with_nir: set[tuple[date, str]] = set()
        without_nir: set[tuple[date, str]] = set()
        for flux, _ in changed:
            for fp in flux.persons:
                if fp.nir and persons_by_hash and nir_hash(fp.nir) in persons_by_hash:
                    continue
                (with_nir if fp.nir else without_nir).add((fp.birth_date, normalise_name(fp.first_name)))
        keys = with_nir | without_nir
        if not keys:
            return {}
        pool: dict[tuple[date, str], list[Person]] = {}
        for subset, extra in ((with_nir, {"nir_hash": ""}), (without_nir, {})):
            if not subset:
                continue
            candidates = Person.objects.active().filter(departement_id=self.departement_id, **extra)
            candidates = filter_any(candidates, "birth_date", {key[0] for key in subset})
            for person in filter_any(candidates, "normalized_first_name", {key[1] for key in subset}):
                key = (person.birth_date, person.normalized_first_name)
                if key in subset and person not in pool.get(key, []):
                    pool.setdefault(key, []).append(person)
        return pool

    def _match_person(
        self, fp: FluxPerson, flux, members, persons_by_hash, fuzzy_pool, batch
    ) -> "Person | _NewRecord":
        """NIR first, then the same household's member with the same birth date and first name, then a fuzzy
        name match on birth date: exact names match, close names make a new file and a duplicate candidate."""
        if fp.nir and persons_by_hash:
            person = persons_by_hash.get(nir_hash(fp.nir))
            if person is not None:
                return self._update_person(person, fp, flux, batch)
        first = normalise_name(fp.first_name)
        for member in members:
            person = member.person
            if (
                person.birth_date == fp.birth_date
                and person.normalized_first_name == first
                and not _nir_conflict(person, fp)
            ):
                return self._update_person(person, fp, flux, batch)
        best, best_score = None, 0.0
        for candidate in fuzzy_pool.get((fp.birth_date, first), []):
            if _nir_conflict(candidate, fp):
                continue
            score = _name_similarity(candidate, fp)
            if score > best_score:
                best, best_score = candidate, score
        if best is not None and best_score >= 1.0:
            return self._update_person(best, fp, flux, batch)
        person = self._new_person(fp, flux, batch)
        if best is not None and best_score >= FUZZY_THRESHOLD:
            reasons = ["même date de naissance", "même prénom", f"noms proches ({best.last_name} / {fp.last_name})"]
            batch.duplicates.append((person, best, round(best_score, 3), reasons))
        return person

    # -- persons and households ------------------------------------------------------------------------------------

    def _address(self, flux: FluxHousehold) -> dict:
        """The address columns of a household and its persons (callers copy it): computed once per household."""
        if flux is self._address_of:
            return self._address_values
        self._address_of, self._address_values = flux, self._address_columns(flux)
        return self._address_values

    def _address_columns(self, flux: FluxHousehold) -> dict:
        address = flux.address
        commune_code = address.commune_code if address and address.commune_code in self.commune_codes else None
        return {
            "address": address.line1 if address else "",
            "address_complement": " ".join(part for part in (address.line2, address.line3) if part) if address else "",
            "postal_code": address.postal_code if address else "",
            "city": address.city if address else "",
            "commune_id": commune_code,
            "homeless": flux.homeless,
        }

    def _new_person(self, fp: FluxPerson, flux: FluxHousehold, batch: _Batch) -> _NewRecord:
        row = {
            "departement_id": self.departement_id,
            "civility": fp.civility,
            "last_name": fp.last_name,
            "birth_name": fp.birth_name,
            "first_name": fp.first_name,
            "birth_date": fp.birth_date,
            "birth_place": fp.birth_place,
            "sex": fp.sex,
            "france_travail_id": fp.france_travail_id,
            "internal_id": "",
            "nir_encrypted": nir_encrypt(fp.nir) if fp.nir else "",
            "nir_hash": nir_hash(fp.nir) if fp.nir else "",
            "phone": "",
            "email": "",
            "normalized_last_name": normalise_name(fp.last_name),
            "normalized_birth_name": normalise_name(fp.birth_name),
            "normalized_first_name": normalise_name(fp.first_name),
            "merged_into_id": None,
            "created_at": self.now,
            **self._address(flux),
        }
        person = _NewRecord(row, flux_line=flux.line, subject=fp.subject_to_rights_and_duties)
        batch.new_persons.append(person)
        return person

    def _update_person(self, person: Person, fp: FluxPerson, flux: FluxHousehold, batch: _Batch) -> Person:
        wanted = {
            "last_name": fp.last_name,
            "birth_name": fp.birth_name,
            "first_name": fp.first_name,
            "sex": fp.sex,
            "birth_place": fp.birth_place or person.birth_place,
            "civility": fp.civility or person.civility,
            **self._address(flux),
        }
        if fp.france_travail_id:
            wanted["france_travail_id"] = fp.france_travail_id
        if fp.nir and not person.nir_hash:
            wanted["nir_hash"] = nir_hash(fp.nir)
        old = {name: getattr(person, name) for name, value in wanted.items() if getattr(person, name) != value}
        if old:
            new = {name: wanted[name] for name in old}
            for name, value in new.items():
                setattr(person, name, value)
            if "nir_hash" in new and fp.nir:
                person.nir_encrypted = nir_encrypt(fp.nir)
                old["nir_hash"], new["nir_hash"] = "absent", "renseigné"
            person.set_normalized_names()
            batch.updated_persons[person.pk] = person
            batch.events.append(
                self._event(ChangeKind.IDENTITY_UPDATED, flux, person=person, data={"old": old, "new": new})
            )
        return person

    def _household(self, flux: FluxHousehold, household: Household | None, batch: _Batch) -> Household:
        address = self._address(flux)
        if household is None:
            record = _NewRecord(
                {
                    "departement_id": self.departement_id,
                    "organisme": flux.organisme,
                    "organisme_code": flux.organisme_code,
                    "matricule": flux.matricule,
                    "source_hash": flux.raw_hash,
                    "raw_fingerprint": flux.raw_fingerprint,
                    "created_at": self.now,
                    **address,
                }
            )
            batch.new_households.append(record)
            return record  # type: ignore[return-value]
        household._is_new = False  # type: ignore[attr-defined]
        old = {name: getattr(household, name) for name, value in address.items() if getattr(household, name) != value}
        for name, value in address.items():
            setattr(household, name, value)
        household.source_hash = flux.raw_hash
        household.raw_fingerprint = flux.raw_fingerprint
        if old:
            new = {name: address[name] for name in old}
            batch.events.append(
                self._event(ChangeKind.IDENTITY_UPDATED, flux, household=household, data={"old": old, "new": new})
            )
        batch.updated_households.append(household)
        return household

    def _write_persons_and_households(self, batch: _Batch) -> None:
        for model, records in ((Person, batch.new_persons), (Household, batch.new_households)):
            for record, pk in zip(records, insert_rows_returning_ids(model, [r.row for r in records]), strict=True):
                record.pk = pk
        if batch.updated_persons:
            bulk_update_fields(
                Person,
                batch.updated_persons.values(),
                [
                    *PERSON_IDENTITY_FIELDS,
                    *ADDRESS_FIELDS,
                    "france_travail_id",
                    "nir_hash",
                    "nir_encrypted",
                    "normalized_last_name",
                    "normalized_birth_name",
                    "normalized_first_name",
                    "updated_at",
                ],
                batch_size=WRITE_BATCH,
            )
        if batch.updated_households:
            bulk_update_fields(
                Household,
                batch.updated_households,
                [*ADDRESS_FIELDS, "source_hash", "raw_fingerprint", "updated_at"],
                batch_size=WRITE_BATCH,
            )
        self.counts.persons_created += len(batch.new_persons)
        self.counts.persons_updated += len(batch.updated_persons)
        self.counts.households_created += len(batch.new_households)
        self.counts.households_updated += len(batch.updated_households)
        for person in batch.new_persons:
            batch.events.append(
                {
                    "occurred_at": self.occurred_at,
                    "kind": ChangeKind.NEW_ENTRANT,
                    "household_id": None,
                    "person_id": person.pk,
                    "data": {"subject_to_rights_and_duties": person._subject},  # type: ignore[attr-defined]
                    "import_run_id": self.run.pk,
                    "source_line": person._flux_line,  # type: ignore[attr-defined]
                    "actor_id": None,
                }
            )

    def _other_current_memberships(self, resolved) -> dict[int, list[HouseholdMember]]:
        """Current memberships of the matched persons in households other than the one this file gives them."""
        # Persons created in this batch have no other household yet.
        target = {
            person.pk: household.pk
            for _, household, matched in resolved
            for _, person in matched
            if not getattr(person, "_flux_line", None)
        }
        by_person: dict[int, list[HouseholdMember]] = {}
        for member in (
            HouseholdMember.objects.current()
            .filter(person_id__in=target.keys())
            .exclude(household_id__in=target.values())
        ):
            if target.get(member.person_id) != member.household_id:
                by_person.setdefault(member.person_id, []).append(member)
        return by_person

    # -- right and membership ------------------------------------------------------------------------------------

    def _right(self, flux: FluxHousehold, household: Household, batch: _Batch) -> None:
        values = {
            "state": flux.right_state,
            "request_date": flux.request_date,
            "request_number": flux.request_number,
            "opening_date": flux.opening_date,
            "suspension_reason": flux.suspension_reason,
            "suspension_date": flux.suspension_date,
            "closure_reason": flux.closure_reason,
            "closure_date": flux.closure_date,
        }
        right = None if household._is_new else getattr(household, "right", None)  # type: ignore[attr-defined]
        old_state = right.state if right is not None else None
        if right is None:
            batch.new_rights.append({"household_id": household.pk, "created_at": self.now, **values})
        else:
            changed = {name: value for name, value in values.items() if getattr(right, name) != value}
            if not changed:
                return
            for name, value in changed.items():
                setattr(right, name, value)
            batch.updated_rights.append(right)
        kind = _transition(old_state, flux.right_state)
        if kind is None:
            return
        data: dict = {"old_state": old_state, "new_state": flux.right_state}
        if kind == ChangeKind.SUSPENDED:
            data.update(reason=flux.suspension_reason, reason_label=suspension_reason_label(flux.suspension_reason))
        if kind == ChangeKind.CLOSED:
            data.update(
                reason=flux.closure_reason,
                reason_label=closure_reason_label(flux.closure_reason),
                closure_date=flux.closure_date.isoformat() if flux.closure_date else None,
            )
        batch.events.append(self._event(kind, flux, household=household, data=data))

    def _members(self, flux, household, matched, current, other_memberships, batch: _Batch) -> None:
        current_by_person = {member.person_id: member for member in current}
        kept: set[int] = set()
        for fp, person in matched:
            kept.add(person.pk)
            member = current_by_person.get(person.pk)
            if member is None:
                batch.new_members.append(
                    {
                        "household_id": household.pk,
                        "person_id": person.pk,
                        "role": fp.role,
                        "joined_on": self.today,
                        "left_on": None,
                        "subject_to_rights_and_duties": fp.subject_to_rights_and_duties,
                        "created_at": self.now,
                    }
                )
                if not household._is_new:
                    batch.events.append(
                        self._event(
                            ChangeKind.JOINED_HOUSEHOLD,
                            flux,
                            household=household,
                            person=person,
                            data={"role": fp.role},
                        )
                    )
                for previous in other_memberships.get(person.pk, []):
                    previous.left_on = self.today
                    batch.updated_members[previous.pk] = previous
                    batch.events.append(
                        self._event(ChangeKind.LEFT_HOUSEHOLD, flux, household_id=previous.household_id, person=person)
                    )
                # A new entrant's NEW_ENTRANT event already says whether they are subject (see _new_person).
                if fp.subject_to_rights_and_duties and not getattr(person, "_flux_line", None):
                    batch.events.append(
                        self._event(ChangeKind.BECAME_SUBJECT, flux, household=household, person=person)
                    )
                continue
            if member.role != fp.role or member.subject_to_rights_and_duties != fp.subject_to_rights_and_duties:
                if fp.subject_to_rights_and_duties and not member.subject_to_rights_and_duties:
                    batch.events.append(
                        self._event(ChangeKind.BECAME_SUBJECT, flux, household=household, person=person)
                    )
                elif member.subject_to_rights_and_duties and not fp.subject_to_rights_and_duties:
                    batch.events.append(
                        self._event(ChangeKind.NO_LONGER_SUBJECT, flux, household=household, person=person)
                    )
                member.role = fp.role
                member.subject_to_rights_and_duties = fp.subject_to_rights_and_duties
                batch.updated_members[member.pk] = member
        for member in current:
            if member.person_id not in kept:
                member.left_on = self.today
                batch.updated_members[member.pk] = member
                batch.events.append(
                    self._event(ChangeKind.LEFT_HOUSEHOLD, flux, household=household, person_id=member.person_id)
                )

    def _write_rest(self, batch: _Batch) -> None:
        bulk_insert_rows(RsaRight, batch.new_rights)
        if batch.updated_rights:
            bulk_update_fields(
                RsaRight,
                batch.updated_rights,
                [
                    "state",
                    "request_date",
                    "request_number",
                    "opening_date",
                    "suspension_reason",
                    "suspension_date",
                    "closure_reason",
                    "closure_date",
                    "updated_at",
                ],
                batch_size=WRITE_BATCH,
            )
        if batch.updated_members:
            bulk_update_fields(
                HouseholdMember,
                batch.updated_members.values(),
                ["role", "subject_to_rights_and_duties", "left_on", "updated_at"],
                batch_size=WRITE_BATCH,
            )
        bulk_insert_rows(HouseholdMember, batch.new_members)
        bulk_insert_rows(ChangeEvent, batch.events)
        self.counts.events_created += len(batch.events)
        if batch.duplicates:
            DuplicateCandidate.objects.bulk_create(
                [
                    DuplicateCandidate(
                        person_id=person.pk, other_id=other.pk, score=score, reasons=reasons, found_by_run=self.run
                    )
                    for person, other, score, reasons in batch.duplicates
                ],
                batch_size=WRITE_BATCH,
                ignore_conflicts=True,
            )
            self.counts.duplicates_found += len(batch.duplicates)

    def _event(
        self, kind, flux: FluxHousehold, *, household=None, household_id=None, person=None, person_id=None, data=None
    ):
        return {
            "occurred_at": self.occurred_at,
            "kind": kind,
            "household_id": household.pk if household is not None else household_id,
            "person_id": person.pk if person is not None else person_id,
            "data": data or {},
            "import_run_id": self.run.pk,
            "source_line": flux.line,
            "actor_id": None,
        }


def _set_raw_fingerprints(pairs: list[tuple[int, str]]) -> None:
    """Store the raw fingerprints of households otherwise untouched (their updated_at stays)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_household AS h SET raw_fingerprint = v.fingerprint "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, fingerprint) WHERE h.id = v.id",
                [[pk for pk, _ in pairs], [fingerprint for _, fingerprint in pairs]],
            )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE people_household SET raw_fingerprint = %s WHERE id = %s",
            [(fingerprint, pk) for pk, fingerprint in pairs],
        )


def _accepts(partner_departement: str, expected_ideparte: str, other_allowed: bool) -> bool:
    found = _ideparte(partner_departement)
    return other_allowed or not found or found == expected_ideparte


def _ideparte(code: str | None) -> str:
    """A Département code as IDEPARTE writes it: three characters ("040", "02A", "971")."""
    return (code or "").strip().upper().zfill(3) if (code or "").strip() else ""


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _nir_conflict(person: Person, fp: FluxPerson) -> bool:
    return bool(fp.nir and person.nir_hash and person.nir_hash != nir_hash(fp.nir))


def _name_similarity(person: Person, fp: FluxPerson) -> float:
    """1.0 when the last (or birth) name is the same once normalised, else the best character ratio."""
    names = {person.normalized_last_name, person.normalized_birth_name} - {""}
    flux_names = {normalise_name(fp.last_name), normalise_name(fp.birth_name)} - {""}
    if names & flux_names:
        return 1.0
    return max((SequenceMatcher(None, a, b).ratio() for a in names for b in flux_names), default=0.0)


# Read once: a first import asks for each of its households.
_OPENED, _CLOSED = frozenset(RightState.open_states()), frozenset(RightState.closed_states())
_SUSPENDED = frozenset((RightState.OPEN_SUSPENDED, RightState.PAYMENT_SUSPENDED))
_OPEN = int(RightState.OPEN)


def _transition(old_state: int | None, new_state: int) -> ChangeKind | None:
    if old_state == new_state:
        return None
    if new_state == _OPEN and old_state in _SUSPENDED:
        return ChangeKind.RESUMED
    if new_state in _OPENED and old_state not in _OPENED:
        return ChangeKind.RIGHT_OPENED if new_state == _OPEN else ChangeKind.SUSPENDED
    if new_state in _SUSPENDED:
        return ChangeKind.SUSPENDED
    if new_state in _CLOSED:
        return ChangeKind.CLOSED
    return ChangeKind.STATE_CHANGED if old_state is not None else None


# -- the service --------------------------------------------------------------------------------------------------


def caf_flux_import(
    *,
    path: str | Path,
    departement,
    actor_user=None,
    actor_label: str = "",
    organisation=None,
    file_name: str = "",
    run: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
    other_departement_allowed: bool = False,
) -> ImportRun:
    """Import one CAF/MSA flux file for a département. Returns the run, whatever happened (see its status).

    A flux addressed to another Département (IDEPARTE) is refused unless `other_departement_allowed` (or the
    run's own flag, set at upload) says it is meant to be imported here."""
    path = Path(path)
    # The file's hash (is it a file already imported?) is computed while the stored fingerprints are read: hashing
    # releases the GIL, and both take a few tenths of a second at Nord scale. The parsing process starts as soon as
    # it has the fingerprints, while the hash ends; it is stopped unread if the file was imported already.
    other_allowed = other_departement_allowed or (run is not None and run.other_departement_allowed)
    expected = _ideparte(run.departement_id if run is not None else departement.pk)
    with ThreadPoolExecutor(max_workers=1) as hashing:
        hashed = hashing.submit(file_sha256, path)
        fingerprints = known_fingerprints()
        reading = FluxBatches(
            path,
            batch_size=BATCH_SIZE,
            progress=progress,
            known_fingerprints=fingerprints,
            accepts_departement=partial(_accepts, expected_ideparte=expected, other_allowed=other_allowed),
        )
        try:
            sha256 = hashed.result()
        except BaseException:
            reading.close()
            raise
    try:
        return _import(
            path,
            reading=reading,
            fingerprints=fingerprints,
            sha256=sha256,
            departement=departement,
            actor_user=actor_user,
            actor_label=actor_label,
            organisation=organisation,
            file_name=file_name,
            run=run,
            progress=progress,
            other_departement_allowed=other_departement_allowed,
        )
    finally:
        reading.close()


def _import(
    path: Path,
    *,
    reading: FluxBatches,
    fingerprints: set[str],
    sha256: str,
    departement,
    actor_user,
    actor_label: str,
    organisation,
    file_name: str,
    run: ImportRun | None,
    progress: Callable[[int], None] | None,
    other_departement_allowed: bool,
) -> ImportRun:
    if run is None:
        run = ImportRun.objects.create(
            kind=ImportKind.CAF_FLUX,
            departement=departement,
            organisation=organisation,
            started_by=actor_user,
            started_by_label=actor_label or (actor_user.email if actor_user else ""),
            file_name=file_name or path.name,
            file_size=path.stat().st_size,
            file_sha256=sha256,
            other_departement_allowed=other_departement_allowed,
        )
    else:
        run.file_sha256, run.file_size = sha256, path.stat().st_size
        run.file_name = run.file_name or file_name or path.name
        run.other_departement_allowed = run.other_departement_allowed or other_departement_allowed
    run.status, run.started_at = ImportStatus.RUNNING, timezone.now()
    run.save()

    previous = (
        ImportRun.objects.filter(
            kind=ImportKind.CAF_FLUX, departement=departement, file_sha256=sha256, status=ImportStatus.DONE
        )
        .exclude(pk=run.pk)
        .first()
    )
    if previous is not None:
        run.status, run.same_as, run.finished_at = ImportStatus.ALREADY_IMPORTED, previous, timezone.now()
        run.bytes_done = run.file_size
        run.save()
        _audit(run, actor_user, AuditCode.IMPORT_ALREADY_DONE)
        return run

    started = time.monotonic()
    importer = CafFluxImporter(run=run, progress=progress, fingerprints=fingerprints)
    try:
        with transaction.atomic():
            importer.run_file(path, reading)
    except FluxError as error:
        run.status, run.error, run.finished_at = ImportStatus.FAILED, str(error), timezone.now()
        run.save()
        _audit(run, actor_user, AuditCode.IMPORT_FAILED)
        return run
    for name, value in vars(importer.counts).items():
        setattr(run, name, value)
    run.status, run.finished_at, run.bytes_done = ImportStatus.DONE, timezone.now(), run.file_size
    run.header = importer.run.header
    run.save()
    _audit(run, actor_user, AuditCode.IMPORT_DONE, extra={"seconds": round(time.monotonic() - started, 2)})
    return run


def _audit(run: ImportRun, actor_user, code, extra: dict | None = None) -> None:
    audit_event_record(
        code=code,
        actor=actor_user,
        actor_label=run.started_by_label,
        organisation=run.organisation,
        subject=run,
        extra={
            "file": run.file_name,
            "sha256": run.file_sha256,
            "status": run.status,
            **({"other_departement_allowed": True} if run.other_departement_allowed else {}),
            **(extra or {}),
        },
    )


def rejected_rows_csv(run: ImportRun) -> Iterable[list[str]]:
    yield ["ligne", "identifiant", "motif"]
    for row in run.rejected_rows.order_by("line").values_list("line", "identifier", "reason").iterator():
        yield [str(row[0]), row[1], row[2]]
