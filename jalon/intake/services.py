"""Writes of the intake app: the DSP (données socio-professionnelles), flux uploads, spreadsheet imports."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.core.bulk import bulk_insert, bulk_insert_rows
from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor, ensure_departement_staff
from jalon.core.services import audit_event_record, changed_fields, model_update
from jalon.core.text import normalise_name
from jalon.intake.enums import DeclaredObstacle, ImportKind, ImportStatus, SpreadsheetDateFormat, SpreadsheetField
from jalon.intake.matching import Match, PersonMatcher
from jalon.intake.models import DuplicateCandidate, ImportProfile, ImportRun, RejectedRow, SocioProfessionalData
from jalon.intake.selectors import spreadsheet_table
from jalon.intake.spreadsheet import SpreadsheetError, parse_row, read_table
from jalon.people.crypto import nir_encrypt, nir_hash
from jalon.people.enums import ChangeKind, HouseholdRole, Organisme
from jalon.people.models import ChangeEvent, Household, HouseholdMember, Person
from jalon.territories.models import Commune


# The answers a DSP holds; who filled it in and when are set by `dsp_update` itself.
DSP_FIELDS = [
    "professional_situation",
    "education_level",
    "last_job",
    "last_job_rome_code",
    "last_job_end_date",
    "driving_licence",
    "has_vehicle",
    "declared_obstacles",
    "project",
    "filled_by_person",
]
_TEXT_FIELDS = ("last_job", "project")


def _normalise(data: dict) -> dict:
    """Canonical values, so that an identical questionnaire compares equal to the stored one."""
    data = {field: data[field] for field in DSP_FIELDS if field in data}
    for field in _TEXT_FIELDS:
        if field in data:
            data[field] = (data[field] or "").strip()
    if "last_job_rome_code" in data:
        data["last_job_rome_code"] = (data["last_job_rome_code"] or "").strip().upper()
    if data.get("declared_obstacles") is not None:
        codes = set(data["declared_obstacles"])
        # Enumeration order, unknown codes kept (at the end) so that validation refuses them.
        data["declared_obstacles"] = [code for code in DeclaredObstacle.values if code in codes] + sorted(
            codes - set(DeclaredObstacle.values)
        )
    return data


@transaction.atomic
def dsp_update(*, actor: Actor, person: Person, data: dict) -> SocioProfessionalData:
    """Create or update the person's DSP with the given answers (a partial dict updates only those).

    Records who filled it in and when, and an audit event with only the answers that changed. Nothing is
    written when nothing changes; a first questionnaire with no answer at all is not stored (the returned
    instance is then unsaved).
    """
    data = _normalise(data)
    dsp = SocioProfessionalData.objects.select_for_update().filter(person=person).first()
    created = dsp is None
    if dsp is None:
        dsp = SocioProfessionalData(person=person)
    old, new = changed_fields(dsp, DSP_FIELDS, data)
    if not new:
        return dsp
    for field, value in new.items():
        setattr(dsp, field, value)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    dsp.filled_by = user
    dsp.filled_on = timezone.localdate()
    dsp.full_clean()
    dsp.save()
    audit_event_record(
        code=AuditCode.DSP_UPDATED,
        actor=user,
        organisation=actor.organisation,
        subject=dsp,
        person_id=person.pk,
        old=old,
        new=new,
        extra={"created": True} if created else None,
    )
    return dsp


OTHER_DEPARTEMENT_FORBIDDEN = (
    "Seul un administrateur du Département peut importer un flux adressé à un autre Département."
)


@transaction.atomic
def caf_flux_upload(*, actor, uploaded_file, other_departement_allowed: bool = False) -> ImportRun:
    """Store an uploaded flux and queue its import; the worker does the rest (see tasks.py).

    `other_departement_allowed`: import it even if the file is addressed to another Département (IDEPARTE);
    only the Département's administrator may ask for it."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    from jalon.intake.tasks import caf_flux_import_task

    if other_departement_allowed and not actor.is_departement_admin:
        raise ValidationError(OTHER_DEPARTEMENT_FORBIDDEN)
    run = ImportRun.objects.create(
        kind=ImportKind.CAF_FLUX,
        departement_id=actor.organisation.departement_id,
        organisation=actor.organisation,
        started_by=actor.user,
        started_by_label=actor.user.email,
        file_name=uploaded_file.name[:255],
        file_size=uploaded_file.size,
        stored_file=uploaded_file,
        other_departement_allowed=other_departement_allowed,
    )
    transaction.on_commit(lambda: caf_flux_import_task.enqueue(run.pk))
    return run


IMPORT_CRASHED = (
    "L'import s'est arrêté sur une erreur inattendue : rien n'a été écrit et le fichier déposé a été supprimé. "
    "Déposez-le à nouveau ; si l'erreur se reproduit, signalez-la à l'assistance."
)
IMPORT_INTERRUPTED = (
    "L'import ne s'est pas terminé (traitement interrompu) : rien n'a été écrit et le fichier déposé a été "
    "supprimé. Déposez-le à nouveau."
)
IMPORT_ABANDONED = (
    "Import abandonné : la correspondance des colonnes n'a pas été confirmée ; le fichier déposé a été supprimé."
)


def _import_run_fail(run: ImportRun, *, message: str, actor_label: str, reason: str) -> None:
    run.status, run.error, run.finished_at = ImportStatus.FAILED, message, timezone.now()
    _discard_stored_file(run)
    run.save(update_fields=["status", "error", "finished_at", "stored_file", "updated_at"])
    audit_event_record(
        code=AuditCode.IMPORT_FAILED,
        actor_label=actor_label,
        organisation=run.organisation,
        subject=run,
        extra={"file": run.file_name, "status": run.status, "reason": reason},
    )


@transaction.atomic
def import_run_crashed(*, run_id: int) -> None:
    """An import task died on an unexpected error (its own transaction rolled back): the run says so in French
    instead of staying "en attente" / "en cours", and its uploaded file is deleted."""
    run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        return
    if run.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        _import_run_fail(run, message=IMPORT_CRASHED, actor_label="tâche d'import", reason="crash")
    elif run.stored_file:
        _discard_stored_file(run)
        run.save(update_fields=["stored_file", "updated_at"])


@transaction.atomic
def import_runs_stale_fail(*, now=None, hours: int | None = None) -> int:
    """Runs still pending or running `hours` after they started (by default JALON_IMPORT_STALE_HOURS): a worker
    killed mid-import (out of memory, restart) never reports, and a spreadsheet left at its column mapping keeps
    its file of personal data. Each is marked failed with a French message and its file deleted. Returns how
    many."""
    now = now or timezone.now()
    hours = settings.JALON_IMPORT_STALE_HOURS if hours is None else hours
    cutoff = now - timedelta(hours=hours)
    stale = (
        ImportRun.objects.select_for_update(skip_locked=True)
        .filter(Q(status=ImportStatus.PENDING) | Q(status=ImportStatus.RUNNING))
        .alias(since=Coalesce("started_at", "created_at"))
        .filter(since__lt=cutoff)
    )
    count = 0
    for run in stale:
        abandoned = run.kind == ImportKind.SPREADSHEET and run.status == ImportStatus.PENDING
        _import_run_fail(
            run,
            message=IMPORT_ABANDONED if abandoned else IMPORT_INTERRUPTED,
            actor_label="commande intake_daily",
            reason="abandoned" if abandoned else "stale",
        )
        count += 1
    return count


def rejected_rows_download_record(*, actor, run: ImportRun) -> None:
    audit_event_record(
        code=AuditCode.IMPORT_REPORT_DOWNLOADED, actor=actor.user, organisation=actor.organisation, subject=run
    )


# -- spreadsheet import of beneficiary lists ----------------------------------------------------------------------

PREVIEW_ROWS = 100
SPREADSHEET_BATCH = 1000


@transaction.atomic
def spreadsheet_upload(*, actor, uploaded_file) -> ImportRun:
    """Store an uploaded beneficiary list once its header row has been read: a file that is not a readable
    table raises a ValidationError with the French reason, and nothing is stored. The import waits for the
    column mapping (status pending)."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    if actor.organisation is None:
        raise ValidationError("Choisissez d'abord la structure pour laquelle vous importez ce fichier.")
    try:
        headers, _rows = read_table(uploaded_file)
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return ImportRun.objects.create(
        kind=ImportKind.SPREADSHEET,
        status=ImportStatus.PENDING,
        departement_id=actor.organisation.departement_id,
        organisation=actor.organisation,
        started_by=actor.user,
        started_by_label=actor.user.email,
        file_name=uploaded_file.name[:255],
        file_size=uploaded_file.size,
        file_sha256=digest.hexdigest(),
        stored_file=uploaded_file,
        header={"columns": headers},
    )


PROFILE_FIELDS = ["mapping", "date_format", "organisme"]


@transaction.atomic
def import_profile_save(*, actor, name: str, mapping: dict, date_format: str, organisme: str) -> ImportProfile:
    """Create the organisation's profile of that name, or update it; audited when something changes."""
    if actor.organisation is None:
        raise ValidationError("Choisissez d'abord la structure à laquelle ce profil appartient.")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Donnez un nom au profil d'import.")
    data = {
        "mapping": {field: header for field, header in (mapping or {}).items() if header},
        "date_format": date_format,
        "organisme": organisme,
    }
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    profile = ImportProfile.objects.select_for_update().filter(organisation=actor.organisation, name=name).first()
    if profile is None:
        profile = ImportProfile(organisation=actor.organisation, name=name, created_by=user, **data)
        profile.full_clean()
        profile.save()
        old, new = None, {"name": name, **data}
    else:
        old, new = model_update(instance=profile, fields=PROFILE_FIELDS, data=data)
        if not new:
            return profile
    audit_event_record(
        code=AuditCode.IMPORT_PROFILE_SAVED,
        actor=user,
        organisation=actor.organisation,
        subject=profile,
        old=old,
        new=new,
    )
    return profile


@dataclass
class PreviewRow:
    """One data row of the file: its checked values, what is wrong with it, and whom it is."""

    line: int
    values: dict
    errors: list[str]
    match: Match | None = None

    @property
    def decision(self) -> str:
        if self.errors or self.match is None:
            return "invalid"
        if self.match.person is not None:
            return "matched"
        return "duplicate" if self.match.candidate is not None else "new"

    @property
    def role_label(self) -> str:
        role = self.values.get("role")
        return HouseholdRole(role).label if role in HouseholdRole.values else ""

    @property
    def decision_label(self) -> str:
        match = self.match
        if self.decision == "matched" and match is not None:
            return f"déjà connue : {match.person}"
        if self.decision == "duplicate" and match is not None:
            return f"doublon possible : {match.candidate}"
        return "nouvelle personne" if self.decision == "new" else "ligne écartée"


@dataclass
class Preview:
    """What the import would do (nothing is written): counts over the whole file, the first rows in detail.
    Valid rows are new persons, persons already known, or new persons that may duplicate a known one."""

    total: int = 0
    valid: int = 0
    invalid: int = 0
    new: int = 0
    matched: int = 0
    duplicates: int = 0
    rows: list[PreviewRow] = dataclass_field(default_factory=list)
    # A run that already imported the very same file: importing it again will change nothing.
    same_as: ImportRun | None = None

    def add(self, row: PreviewRow) -> None:
        self.total += 1
        decision = row.decision
        if decision == "invalid":
            self.invalid += 1
        else:
            self.valid += 1
        if decision == "new":
            self.new += 1
        elif decision == "matched":
            self.matched += 1
        elif decision == "duplicate":
            self.duplicates += 1
        if len(self.rows) < PREVIEW_ROWS:
            self.rows.append(row)


def _spreadsheet_options(*, mapping, headers, date_format, organisme) -> dict[str, str]:
    """The mapping without its empty choices, once checked against the file; ValidationError otherwise."""
    mapping = {field: header for field, header in (mapping or {}).items() if header}
    errors = []
    if date_format not in SpreadsheetDateFormat.values:
        errors.append("Choisissez le format des dates du fichier.")
    if organisme not in Organisme.values:
        errors.append("Choisissez l'organisme par défaut : CAF ou MSA.")
    errors.extend(
        f"Champ inconnu dans la correspondance : {name}." for name in mapping if name not in SpreadsheetField.values
    )
    errors.extend(
        f"Choisissez la colonne qui contient le champ « {SpreadsheetField(name).label} »."
        for name in SpreadsheetField.required()
        if name not in mapping
    )
    if SpreadsheetField.BIRTH_DATE not in mapping and not any(
        name in mapping for name in SpreadsheetField.identifiers()
    ):
        errors.append(
            "Choisissez la colonne qui contient la date de naissance. Une liste sans date de naissance doit "
            "donner le n° CAF/MSA, le NIR ou l'identifiant départemental : elle ne sert alors qu'à compléter des "
            "personnes déjà connues."
        )
    for header in dict.fromkeys(mapping.values()):
        if header not in headers:
            errors.append(f"La colonne « {header} » n'existe pas dans ce fichier.")
        elif list(mapping.values()).count(header) > 1:
            errors.append(
                f"La colonne « {header} » est choisie pour plusieurs champs : une colonne ne remplit qu'un champ."
            )
    if errors:
        raise ValidationError(errors)
    return mapping


class _SpreadsheetPlanner:
    """Reads the rows, checks them, drops the repeats of the file and matches the rest, batch by batch: the same
    decisions for the preview and for the import."""

    def __init__(self, *, run: ImportRun, headers, mapping, date_format, organisme):
        self.headers, self.mapping, self.date_format, self.organisme = headers, mapping, date_format, organisme
        self.matcher = PersonMatcher(departement_id=run.departement_id)
        self.seen_nir: dict[str, int] = {}
        self.seen_internal_id: dict[str, int] = {}
        self.seen_identity: dict[tuple, tuple[int, str, str]] = {}
        self.seen_person: dict[int, int] = {}
        # Persons created by the running import: later batches do not match them, as the preview could not.
        self.created_ids: set[int] = set()

    def batches(self, rows) -> Iterator[list[PreviewRow]]:
        batch: list[PreviewRow] = []
        for line, cells in rows:
            batch.append(self._check(line, cells))
            if len(batch) >= SPREADSHEET_BATCH:
                yield self._match(batch)
                batch = []
        if batch:
            yield self._match(batch)

    def _check(self, line: int, cells: list[str]) -> PreviewRow:
        values, errors = parse_row(cells, self.headers, self.mapping, self.date_format)
        values["organisme"] = values["organisme"] or self.organisme
        if not errors:
            errors = self._repeats(line, values)
        return PreviewRow(line=line, values=values, errors=errors)

    def _repeats(self, line: int, values: dict) -> list[str]:
        name = f"{values['last_name']} {values['first_name']}"
        nir, internal_id = values["nir"], values["internal_id"]
        identity = (
            values["birth_date"],
            normalise_name(values["first_name"]),
            normalise_name(values["last_name"]),
            # Without birth dates, namesakes of two households are two persons.
            "" if values["birth_date"] else values["matricule"],
        )
        first_line, reason = None, ""
        if nir and nir in self.seen_nir:
            first_line, reason = self.seen_nir[nir], "même NIR"
        elif internal_id and internal_id in self.seen_internal_id:
            first_line, reason = self.seen_internal_id[internal_id], "même identifiant départemental"
        elif identity in self.seen_identity and not self._other_identifiers(self.seen_identity[identity], values):
            first_line = self.seen_identity[identity][0]
            reason = (
                "mêmes nom, prénom et date de naissance" if values["birth_date"] else "mêmes nom, prénom et n° CAF/MSA"
            )
        if first_line is not None:
            return [f"{name} figure deux fois dans le fichier ({reason} qu'à la ligne {first_line}) : ligne ignorée."]
        if nir:
            self.seen_nir[nir] = line
        if internal_id:
            self.seen_internal_id[internal_id] = line
        self.seen_identity.setdefault(identity, (line, nir, internal_id))
        return []

    @staticmethod
    def _other_identifiers(seen: tuple[int, str, str], values: dict) -> bool:
        """Homonyms born the same day whose NIRs or departmental identifiers differ are two persons."""
        _line, nir, internal_id = seen
        return bool(
            (nir and values["nir"] and nir != values["nir"])
            or (internal_id and values["internal_id"] and internal_id != values["internal_id"])
        )

    def _match(self, batch: list[PreviewRow]) -> list[PreviewRow]:
        valid = [row for row in batch if not row.errors]
        matches = self.matcher.match([row.values for row in valid], ignore=self.created_ids)
        for row, match in zip(valid, matches, strict=True):
            row.match = match
            values = row.values
            if match.nir_elsewhere:
                row.errors.append(
                    "Ce NIR est déjà celui d'une personne d'un autre département : ligne écartée, à vérifier."
                )
            elif match.household_elsewhere:
                row.errors.append(
                    f"Le n° {values['organisme']} {values['matricule']} est déjà celui d'un foyer d'un autre "
                    "département : ligne écartée, à vérifier."
                )
            elif match.person is None and values["birth_date"] is None:
                row.errors.append(_no_birth_date_reason(values, match))
            elif match.person is not None:
                first_line = self.seen_person.get(match.person.pk)
                if first_line is not None:
                    row.errors.append(
                        f"{values['last_name']} {values['first_name']} désigne la même personne que la ligne "
                        f"{first_line} ({match.person}) : ligne ignorée."
                    )
                else:
                    self.seen_person[match.person.pk] = row.line
        return batch


def _no_birth_date_reason(values: dict, match: Match) -> str:
    """Why a row without birth date that designates no known person is not imported: a person is never created
    without one (the birth date is what tells namesakes apart, and what the CAF/MSA flux will later match)."""
    name = f"{values['last_name']} {values['first_name']}"
    end = "une nouvelle personne ne peut pas être créée sans date de naissance."
    number = f"n° {values['organisme']} {values['matricule']}"
    if values["matricule"] and match.household is None:
        return f"Date de naissance manquante et foyer {number} inconnu dans le Département : {end}"
    if values["matricule"] and match.namesakes > 1:
        return (
            f"Date de naissance manquante et {match.namesakes} personnes du foyer {number} s'appellent {name} : "
            "ajoutez la date de naissance pour savoir de qui il s'agit."
        )
    if values["matricule"]:
        return f"Date de naissance manquante et aucune personne du foyer {number} ne s'appelle {name} : {end}"
    return f"Date de naissance manquante et aucune personne connue n'a ce NIR ni cet identifiant : {end}"


def _same_file_run(run: ImportRun) -> ImportRun | None:
    return (
        ImportRun.objects.filter(
            kind=ImportKind.SPREADSHEET,
            departement_id=run.departement_id,
            file_sha256=run.file_sha256,
            status=ImportStatus.DONE,
        )
        .exclude(pk=run.pk)
        .order_by("pk")
        .first()
    )


def spreadsheet_preview(*, actor, run: ImportRun, mapping: dict, date_format: str, organisme: str) -> Preview:
    """What importing the run's file with this mapping would do. Reads only; ValidationError (French) when the
    mapping does not fit the file or the file cannot be read."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    headers, rows = spreadsheet_table(run=run)
    mapping = _spreadsheet_options(mapping=mapping, headers=headers, date_format=date_format, organisme=organisme)
    planner = _SpreadsheetPlanner(
        run=run, headers=headers, mapping=mapping, date_format=date_format, organisme=organisme
    )
    preview = Preview(same_as=_same_file_run(run))
    try:
        for batch in planner.batches(rows):
            for row in batch:
                preview.add(row)
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    return preview


class _CommuneFinder:
    """The commune of an address of the département, from its postal code and city name (when unambiguous)."""

    def __init__(self, departement_id: str):
        self.by_postal_code: dict[str, list[tuple[str, str]]] = {}
        self.by_name: dict[str, list[str]] = {}
        communes = Commune.objects.filter(departement_id=departement_id).values_list("code", "name", "postal_codes")
        for code, name, postal_codes in communes:
            key = normalise_name(name)
            self.by_name.setdefault(key, []).append(code)
            for postal_code in postal_codes or []:
                self.by_postal_code.setdefault(postal_code, []).append((code, key))

    def find(self, postal_code: str, city: str) -> str | None:
        city_key = normalise_name(city)
        candidates = self.by_postal_code.get(postal_code, []) if postal_code else []
        named = [code for code, key in candidates if key == city_key]
        if len(named) == 1:
            return named[0]
        if len(candidates) == 1:
            return candidates[0][0]
        codes = self.by_name.get(city_key, []) if city_key and not candidates else []
        return codes[0] if len(codes) == 1 else None


# Identity fields a known person takes from the file when they really differ (not just by case or accents);
# identifiers and contact details only fill what is empty. The birth date is never changed by a list.
_IDENTITY_FIELDS = ("last_name", "birth_name", "first_name")
_FILLED_FIELDS = ("internal_id", "france_travail_id", "phone", "email", "address", "postal_code", "city")


class _SpreadsheetWriter:
    def __init__(self, *, run: ImportRun, planner: _SpreadsheetPlanner):
        self.run, self.planner = run, planner
        self.departement_id = run.departement_id
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.communes = _CommuneFinder(run.departement_id)
        # Households created by this import, by (organisme, matricule).
        self.households: dict[tuple[str, str], Household] = {}
        self.updated_households: set[int] = set()
        self.rejections: list[RejectedRow] = []
        self.counts = {
            "persons_created": 0,
            "persons_updated": 0,
            "households_created": 0,
            "rejected": 0,
            "duplicates_found": 0,
            "events_created": 0,
        }

    def write(self, batch: list[PreviewRow]) -> None:
        new_persons: list[Person] = []
        updated: dict[int, Person] = {}
        events: list[dict] = []
        duplicates: list[DuplicateCandidate] = []
        resolved: list[tuple[PreviewRow, Person, bool]] = []
        for row in batch:
            if row.errors or row.match is None:
                self._reject(row)
                continue
            if row.match.person is None:
                person = self._new_person(row)
                new_persons.append(person)
                if row.match.candidate is not None:
                    duplicates.append(
                        DuplicateCandidate(
                            person=person,
                            other=row.match.candidate,
                            score=row.match.score,
                            reasons=row.match.reasons,
                            found_by_run=self.run,
                        )
                    )
                resolved.append((row, person, True))
                continue
            person = row.match.person
            old, new = self._update_person(person, row.values)
            if new:
                person.updated_at = self.now  # bulk_update does not touch auto_now fields
                updated[person.pk] = person
                events.append(
                    self._event(ChangeKind.IDENTITY_UPDATED, row, person_id=person.pk, data={"old": old, "new": new})
                )
            resolved.append((row, person, False))

        bulk_insert(Person, new_persons)
        self.planner.created_ids.update(person.pk for person in new_persons)
        events.extend(
            self._event(ChangeKind.NEW_ENTRANT, row, person_id=person.pk) for row, person, is_new in resolved if is_new
        )
        if updated:
            Person.objects.bulk_update(
                updated.values(),
                [
                    *_IDENTITY_FIELDS,
                    *_FILLED_FIELDS,
                    "civility",
                    "commune_id",
                    "nir_hash",
                    "nir_encrypted",
                    "normalized_last_name",
                    "normalized_birth_name",
                    "normalized_first_name",
                    "updated_at",
                ],
                batch_size=SPREADSHEET_BATCH,
            )
        self._memberships(resolved, events)
        bulk_insert_rows(ChangeEvent, events)
        DuplicateCandidate.objects.bulk_create(duplicates, ignore_conflicts=True)
        self.counts["persons_created"] += len(new_persons)
        self.counts["persons_updated"] += len(updated)
        self.counts["duplicates_found"] += len(duplicates)
        self.counts["events_created"] += len(events)

    def finish(self) -> None:
        RejectedRow.objects.bulk_create(self.rejections, batch_size=SPREADSHEET_BATCH)

    # -- rows ------------------------------------------------------------------------------------------------

    def _reject(self, row: PreviewRow) -> None:
        values = row.values
        identifier = values.get("matricule") or values.get("internal_id") or ""
        if not identifier:
            identifier = " ".join(part for part in (values.get("last_name"), values.get("first_name")) if part)
        self.counts["rejected"] += 1
        self.rejections.append(
            RejectedRow(run=self.run, line=row.line, identifier=identifier[:50], reason=" ; ".join(row.errors))
        )

    def _new_person(self, row: PreviewRow) -> Person:
        values = row.values
        nir = values["nir"]
        person = Person(
            departement_id=self.departement_id,
            civility=values["civility"],
            last_name=values["last_name"],
            birth_name=values["birth_name"],
            first_name=values["first_name"],
            birth_date=values["birth_date"],
            nir_encrypted=nir_encrypt(nir) if nir else "",
            nir_hash=nir_hash(nir) if nir else "",
            internal_id=values["internal_id"],
            france_travail_id=values["france_travail_id"],
            phone=values["phone"],
            email=values["email"],
            address=values["address"],
            postal_code=values["postal_code"],
            city=values["city"],
            commune_id=self.communes.find(values["postal_code"], values["city"]),
        )
        person.set_normalized_names()
        return person

    def _update_person(self, person: Person, values: dict) -> tuple[dict, dict]:
        old: dict = {}
        new: dict = {}
        for name in _IDENTITY_FIELDS:
            value = values[name]
            if value and normalise_name(value) != normalise_name(getattr(person, name)):
                old[name], new[name] = getattr(person, name), value
        if values["civility"] and values["civility"] != person.civility:
            old["civility"], new["civility"] = person.civility, values["civility"]
        for name in _FILLED_FIELDS:
            if values[name] and not getattr(person, name):
                old[name], new[name] = getattr(person, name), values[name]
        if person.commune_id is None and ("postal_code" in new or "city" in new):
            commune_id = self.communes.find(values["postal_code"], values["city"])
            if commune_id:
                old["commune_id"], new["commune_id"] = None, commune_id
        for name, value in new.items():
            setattr(person, name, value)
        if values["nir"] and not person.nir_hash:
            person.nir_hash, person.nir_encrypted = nir_hash(values["nir"]), nir_encrypt(values["nir"])
            old["nir"], new["nir"] = "absent", "renseigné"
        if new:
            person.set_normalized_names()
        return old, new

    # -- households ------------------------------------------------------------------------------------------

    def _memberships(self, resolved: list[tuple[PreviewRow, Person, bool]], events: list[dict]) -> None:
        """Each row with a matricule: the household (found, or created), and the person's membership in it
        when missing, with the row's role."""
        with_household = [item for item in resolved if item[0].values["matricule"]]
        if not with_household:
            return
        created: dict[tuple[str, str], Household] = {}
        for row, _person, _is_new in with_household:
            key = (row.values["organisme"], row.values["matricule"])
            if self._household(row) is None and key not in created:
                values = row.values
                created[key] = Household(
                    departement_id=self.departement_id,
                    organisme=values["organisme"],
                    matricule=values["matricule"],
                    address=values["address"],
                    postal_code=values["postal_code"],
                    city=values["city"],
                    commune_id=self.communes.find(values["postal_code"], values["city"]),
                )
        bulk_insert(Household, list(created.values()))
        self.households.update(created)
        self.counts["households_created"] += len(created)
        created_ids = {household.pk for household in created.values()}

        targets: list[tuple[PreviewRow, Person, bool, Household]] = []
        for row, person, is_new in with_household:
            household = self._household(row)
            assert household is not None  # found, or created above
            targets.append((row, person, is_new, household))
        current = {
            (member.household_id, member.person_id): member
            for member in HouseholdMember.objects.current().filter(
                person_id__in=[person.pk for _, person, is_new, _ in targets if not is_new],
                household_id__in={household.pk for *_, household in targets},
            )
        }
        new_members: list[dict] = []
        roles_filled: list[HouseholdMember] = []
        for row, person, _is_new, household in targets:
            role = row.values["role"]
            member = current.get((household.pk, person.pk))
            if member is not None:
                if role and not member.role:
                    member.role, member.updated_at = role, self.now
                    roles_filled.append(member)
                continue
            new_members.append(
                {
                    "household_id": household.pk,
                    "person_id": person.pk,
                    "role": role,
                    "joined_on": self.today,
                    "left_on": None,
                    "subject_to_rights_and_duties": None,
                    "created_at": self.now,
                }
            )
            events.append(
                self._event(
                    ChangeKind.JOINED_HOUSEHOLD,
                    row,
                    person_id=person.pk,
                    household_id=household.pk,
                    data={"role": role, "matricule": household.matricule},
                )
            )
            if household.pk not in created_ids:
                self.updated_households.add(household.pk)
        bulk_insert_rows(HouseholdMember, new_members)
        if roles_filled:
            HouseholdMember.objects.bulk_update(roles_filled, ["role", "updated_at"])

    def _household(self, row: PreviewRow) -> Household | None:
        key = (row.values["organisme"], row.values["matricule"])
        match = row.match
        return (match.household if match is not None else None) or self.households.get(key)

    def _event(self, kind, row: PreviewRow, *, person_id=None, household_id=None, data=None) -> dict:
        return {
            "occurred_at": self.now,
            "kind": kind,
            "household_id": household_id,
            "person_id": person_id,
            "data": data or {},
            "import_run_id": self.run.pk,
            "source_line": row.line,
            "actor_id": None,
        }


def _discard_stored_file(run: ImportRun) -> None:
    """The raw list holds personal data: it is not kept once processed (deleted when the transaction commits)."""
    name, storage = run.stored_file.name, run.stored_file.storage
    run.stored_file = ""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _import_audit(run: ImportRun, actor, code, extra: dict | None = None) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        actor_label=run.started_by_label,
        organisation=actor.organisation or run.organisation,
        subject=run,
        extra={"file": run.file_name, "sha256": run.file_sha256, "status": run.status, **(extra or {})},
    )


@transaction.atomic
def spreadsheet_import(*, actor, run: ImportRun, mapping: dict, date_format: str, organisme: str) -> ImportRun:
    """Import the run's beneficiary list with this mapping, in one transaction: valid rows are written (new
    persons, known persons completed, households and memberships, duplicate candidates, with their events),
    invalid ones become rejected rows with their French reasons. A file already imported in the département
    changes nothing (status "already imported"); a file that breaks further down writes nothing (status
    "failed"). ValidationError when the run is not waiting for its import or the mapping does not fit."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.kind != ImportKind.SPREADSHEET or run.status != ImportStatus.PENDING:
        raise ValidationError("Cet import a déjà été traité : consultez son résultat dans la liste des imports.")
    headers, rows = spreadsheet_table(run=run)
    mapping = _spreadsheet_options(mapping=mapping, headers=headers, date_format=date_format, organisme=organisme)
    run.started_at = timezone.now()
    run.header = {"columns": headers, "mapping": mapping, "date_format": date_format, "organisme": organisme}

    previous = _same_file_run(run)
    if previous is not None:
        run.status, run.same_as, run.finished_at = ImportStatus.ALREADY_IMPORTED, previous, timezone.now()
        run.bytes_done = run.file_size
        _discard_stored_file(run)
        run.save()
        _import_audit(run, actor, AuditCode.IMPORT_ALREADY_DONE)
        return run

    planner = _SpreadsheetPlanner(
        run=run, headers=headers, mapping=mapping, date_format=date_format, organisme=organisme
    )
    writer = _SpreadsheetWriter(run=run, planner=planner)
    try:
        with transaction.atomic():
            for batch in planner.batches(rows):
                writer.write(batch)
            writer.finish()
    except SpreadsheetError as error:
        run.status, run.error, run.finished_at = ImportStatus.FAILED, str(error), timezone.now()
        _discard_stored_file(run)
        run.save()
        _import_audit(run, actor, AuditCode.IMPORT_FAILED)
        return run
    for name, value in writer.counts.items():
        setattr(run, name, value)
    run.households_updated = len(writer.updated_households)
    run.status, run.finished_at, run.bytes_done = ImportStatus.DONE, timezone.now(), run.file_size
    _discard_stored_file(run)
    run.save()
    _import_audit(run, actor, AuditCode.IMPORT_DONE, extra=writer.counts)
    return run
