"""Import of a data·inclusion dump (schema v1): structures and services, as JSON or CSV.

Each record is validated by the package's own pydantic models (`data_inclusion.schema.v1.Structure/Service`);
bad records become `Rejection`s with a French message per field, the others are upserted set-based: per batch,
one query reads the existing rows, one `INSERT … ON CONFLICT (source, source_id) DO UPDATE` writes the new and
changed ones (unchanged rows are not touched, so a re-import changes nothing). On PostgreSQL the batch is copied
(COPY) into a temporary table first and the statement computes the services' search vector from it. The whole
import is one transaction with a savepoint per batch: a batch the database refuses is rolled back and reported, a
file that cannot be read (broken JSON or CSV) writes nothing.

Accepted inputs (see `dump_open`):
- a directory holding `structures.json|csv` and/or `services.json|csv` (the data.gouv.fr files);
- a JSON object `{"structures": [...], "services": [...]}`;
- a JSON list of structures or of services (read as a stream), or a CSV file of either (a `structure_id` column
  or key says it is services).
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from jalon.core.bulk import filter_any
from jalon.core.enums import AuditCode
from jalon.core.exports import SafeWriter
from jalon.core.services import audit_event_record
from jalon.offer.directory.text import WEIGHTED_VECTOR_SQL, search_parts, search_text_join, search_values
from jalon.offer.enums import OfferStatus
from jalon.offer.mapping import LIST_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS
from jalon.offer.models import Service, Structure
from jalon.offer.referentials import validate_publics


STRUCTURES = "structure"
SERVICES = "service"
_STAGING = {STRUCTURES: "offer_import_structure", SERVICES: "offer_import_service"}
BATCH_SIZE = 2000
FORMATS = ("json", "csv")

Progress = Callable[[str, int], None]


class OfferImportError(Exception):
    """The file cannot be read at all (French message); nothing was written."""


@dataclass(frozen=True)
class Rejection:
    kind: str  # STRUCTURES or SERVICES
    position: int  # 1-based rank of the record in its file
    record_id: str
    field: str  # the schema's field name, "" when the whole record is concerned
    message: str


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: {STRUCTURES: 0, SERVICES: 0})
    updated: dict[str, int] = field(default_factory=lambda: {STRUCTURES: 0, SERVICES: 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {STRUCTURES: 0, SERVICES: 0})
    rejected: dict[str, int] = field(default_factory=lambda: {STRUCTURES: 0, SERVICES: 0})
    skipped: dict[str, int] = field(default_factory=lambda: {STRUCTURES: 0, SERVICES: 0})
    rejections: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "créées": self.created,
            "mises à jour": self.updated,
            "inchangées": self.unchanged,
            "rejetées": self.rejected,
            "ignorées (autre source)": self.skipped,
        }


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    kind: str
    name: str
    records: Iterable[Any]


def _json_array_stream(path: Path, chunk_size: int = 1 << 20) -> Iterator[Any]:
    """The items of a top-level JSON array, decoded one by one without loading the whole file."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8-sig") as handle:
        buffer = handle.read(chunk_size)
        pos = len(buffer) - len(buffer.lstrip())
        if buffer[pos : pos + 1] != "[":
            raise OfferImportError(f"{path.name} : une liste JSON est attendue.")
        pos += 1
        eof = False
        expect_item = True
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n":
                pos += 1
            if pos >= len(buffer) and not eof:
                chunk = handle.read(chunk_size)
                buffer, pos, eof = buffer[pos:] + chunk, 0, not chunk
                continue
            if pos >= len(buffer):
                raise OfferImportError(f"{path.name} : fichier JSON tronqué (la liste n'est pas fermée).")
            char = buffer[pos]
            if char == "]":
                return
            if char == "," and not expect_item:
                pos += 1
                expect_item = True
                continue
            try:
                item, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as error:
                if eof:
                    raise OfferImportError(f"{path.name} : JSON illisible ({error.msg}).") from error
                chunk = handle.read(chunk_size)
                buffer, pos, eof = buffer[pos:] + chunk, 0, not chunk
                continue
            if end == len(buffer) and not eof:
                # A number at the end of the buffer may continue in the next chunk: read on, then decode again.
                chunk = handle.read(chunk_size)
                buffer, pos, eof = buffer[pos:] + chunk, 0, not chunk
                continue
            yield item
            pos = end
            expect_item = False
            # Keep the buffer small.
            if pos > chunk_size:
                buffer, pos = buffer[pos:], 0


def _csv_value(name: str, value: str | None) -> Any:
    if value is None:
        return None
    value = value.strip()
    if value == "":
        return None
    if name in LIST_FIELDS:
        if value.startswith("["):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        separator = "|" if "|" in value else ","
        return [part.strip().strip('"') for part in value.split(separator) if part.strip()]
    return value


def _csv_dialect(path: Path) -> tuple[str, list[str]]:
    """The delimiter (`,` or `;`) and the column names of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return delimiter, [name.strip() for name in next(csv.reader([first], delimiter=delimiter), [])]


def _csv_records(path: Path, delimiter: str, fieldnames: list[str]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            next(reader, None)  # the header
            for row in reader:
                yield {name: _csv_value(name, value) for name, value in zip(fieldnames, row, strict=False) if name}
        except (csv.Error, UnicodeDecodeError) as error:
            raise OfferImportError(f"{path.name} : CSV illisible ({error}).") from error


def _guess_format(path: Path, format: str | None) -> str:
    if format:
        return format
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise OfferImportError(f"{path.name} : format inconnu, préciser --format json ou csv.")


def dump_open(path: Path, format: str | None = None) -> list[Dataset]:
    """The datasets of a file or directory, structures before services."""
    path = Path(path)
    if not path.exists():
        raise OfferImportError(f"{path} : fichier introuvable.")
    if path.is_dir():
        datasets = []
        for kind, stem in ((STRUCTURES, "structures"), (SERVICES, "services")):
            for candidate in (f"{stem}.json", f"{stem}.csv"):
                if (path / candidate).exists():
                    datasets += [
                        Dataset(kind, dataset.name, dataset.records)
                        for dataset in dump_open(path / candidate, format=None)
                    ]
                    break
        if not datasets:
            raise OfferImportError(f"{path} : ni structures.json|csv ni services.json|csv dans ce dossier.")
        return datasets
    fmt = _guess_format(path, format)
    if fmt == "csv":
        try:
            delimiter, fieldnames = _csv_dialect(path)
        except UnicodeDecodeError as error:
            raise OfferImportError(f"{path.name} : CSV illisible (encodage attendu : UTF-8).") from error
        kind = SERVICES if "structure_id" in fieldnames else STRUCTURES
        return [Dataset(kind, path.name, _csv_records(path, delimiter, fieldnames))]
    with path.open(encoding="utf-8-sig") as handle:
        head = handle.read(4096).lstrip()
    if head.startswith("{"):
        try:
            with path.open(encoding="utf-8-sig") as handle:
                content = json.load(handle)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise OfferImportError(f"{path.name} : JSON illisible ({error}).") from error
        unknown = set(content) - {"structures", "services"}
        if (
            unknown
            or not isinstance(content.get("structures", []), list)
            or not isinstance(content.get("services", []), list)
        ):
            raise OfferImportError(
                f'{path.name} : un objet JSON doit avoir la forme {{"structures": [...], "services": [...]}}.'
            )
        return [
            Dataset(STRUCTURES, f"{path.name} (structures)", content.get("structures", [])),
            Dataset(SERVICES, f"{path.name} (services)", content.get("services", [])),
        ]
    if not head.startswith("["):
        raise OfferImportError(f"{path.name} : JSON illisible (une liste ou un objet est attendu).")
    stream = _json_array_stream(path)
    try:
        first = next(stream)
    except StopIteration:
        return []
    kind = SERVICES if isinstance(first, dict) and "structure_id" in first else STRUCTURES

    def chained() -> Iterator[Any]:
        yield first
        yield from stream

    return [Dataset(kind, path.name, chained())]


# --- validation --------------------------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "champ obligatoire absent",
    "string_pattern_mismatch": "format invalide",
    "url_parsing": "adresse web invalide",
    "url_scheme": "adresse web invalide (http ou https attendu)",
    "url_type": "adresse web invalide",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "set_type": "liste attendue",
}


def _french_message(name: str, error: Any) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    value = error.get("input")
    if kind == "enum":
        return f"code inconnu du référentiel data·inclusion : « {value} »"
    if kind == "value_error":
        if name == "courriel":
            return f"courriel invalide : « {value} »"
        if name == "publics":
            try:
                validate_publics(value)
            except ValidationError as refusal:  # the package's rule, said as the service form says it
                return refusal.messages[0]
        return str(context.get("error") or error["msg"]).removeprefix("Value error, ")
    if kind == "string_too_short":
        return f"trop court (au moins {context.get('min_length')} caractères)"
    if kind == "string_too_long":
        return f"trop long (au plus {context.get('max_length')} caractères)"
    if kind == "too_short":
        return "liste vide : au moins une valeur est attendue"
    if kind in ("greater_than_equal", "greater_than"):
        return f"doit être supérieur ou égal à {context.get('ge', context.get('gt'))}"
    return _MESSAGES.get(kind, f"valeur invalide ({error['msg']})")


def _rejections(kind: str, position: int, record_id: str, error: pydantic.ValidationError) -> list[Rejection]:
    seen: dict[tuple, Rejection] = {}
    for item in error.errors(include_url=False):
        loc = item["loc"]
        name = str(loc[0]) if loc else ""
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        key = (name, index)
        if key in seen:
            continue
        if name == "zone_eligibilite" and index is not None:
            message = (
                f"code « {item.get('input')} » invalide : un code de commune, d'EPCI, de département, "
                "de pays ou « france » est attendu"
            )
        else:
            message = _french_message(name, item)
        seen[key] = Rejection(kind, position, record_id, name, message)
    return list(seen.values())


def _record_id(raw: Any) -> str:
    return str(raw.get("id") or "") if isinstance(raw, dict) else ""


_NUMBER_FIELDS = {"latitude", "longitude", "volume_horaire_hebdomadaire", "nombre_semaines"}


def _model_values(validated: pydantic.BaseModel, mapping: dict[str, str]) -> dict[str, Any]:
    """The model's values for a validated record: codes lists sorted, empty texts as "" (Django's habit)."""
    data = validated.model_dump(mode="json")
    values: dict[str, Any] = {}
    for schema_name, model_name in mapping.items():
        value = data.get(schema_name)
        if schema_name == "date_maj":
            value = getattr(validated, schema_name)
        elif schema_name in LIST_FIELDS:
            value = sorted(value) if value else []
        elif schema_name in _NUMBER_FIELDS:
            pass
        elif value is None:
            value = ""
        elif isinstance(value, str):
            value = value.strip()
        values[model_name] = value
    return values


def _column(model: type[models.Model], name: str) -> str:
    return cast(models.Field, model._meta.get_field(name)).column


def _max_lengths(model: type[models.Model], names) -> dict[str, int]:
    lengths = {name: getattr(model._meta.get_field(name), "max_length", None) for name in names}
    return {name: length for name, length in lengths.items() if length}


def _length_rejections(
    max_lengths: dict[str, int], kind: str, position: int, record_id: str, values: dict, reverse: dict[str, str]
) -> list[Rejection]:
    rejections = []
    for name, max_length in max_lengths.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > max_length:
            rejections.append(
                Rejection(kind, position, record_id, reverse[name], f"trop long (au plus {max_length} caractères)")
            )
    return rejections


# --- writing -----------------------------------------------------------------------------------------------------


# Derived from the name, the description (compared) and the structure's name (refreshed when the structure is
# renamed): not read back, not compared. `search_parts` (the three normalised parts) becomes `search_vector`.
_DERIVED = ("search_text", "search_parts")


def _same(current: dict[str, Any], values: dict[str, Any]) -> bool:
    """The record did not change (its derived search columns aside)."""
    return all(current[name] == value for name, value in values.items() if name not in _DERIVED)


class _Importer:
    def __init__(self, *, source: str | None, batch_size: int, require_zone: bool, progress: Progress | None):
        self.source = source
        self.batch_size = batch_size
        self.require_zone = require_zone
        self.progress = progress
        self.result = ImportResult()
        self.seen: dict[str, set[tuple[str, str]]] = {STRUCTURES: set(), SERVICES: set()}
        self.rejected_structures: set[tuple[str, str]] = set()
        self.structures_known: dict[tuple[str, str], tuple[int, str]] = {}

    def run(self, dataset: Dataset) -> None:
        batch: list[tuple[int, Any]] = []
        for position, raw in enumerate(dataset.records, start=1):
            batch.append((position, raw))
            if len(batch) >= self.batch_size:
                self._batch(dataset.kind, batch)
                batch = []
        if batch:
            self._batch(dataset.kind, batch)

    def _reject(self, rejections: list[Rejection], raw: Any = None) -> None:
        self.result.rejections += rejections
        self.result.rejected[rejections[0].kind] += 1
        if rejections[0].kind == STRUCTURES and isinstance(raw, dict):
            self.rejected_structures.add((str(raw.get("source") or ""), str(raw.get("id") or "")))

    def _validate(self, kind: str, batch: list[tuple[int, Any]]) -> list[tuple[int, str, dict[str, Any]]]:
        schema = v1.Structure if kind == STRUCTURES else v1.Service
        mapping = STRUCTURE_FIELDS if kind == STRUCTURES else SERVICE_FIELDS
        model = Structure if kind == STRUCTURES else Service
        reverse = {model_name: schema_name for schema_name, model_name in mapping.items()}
        max_lengths = _max_lengths(model, mapping.values())
        valid = []
        for position, raw in batch:
            record_id = _record_id(raw)
            if not isinstance(raw, dict):
                self._reject([Rejection(kind, position, "", "", "enregistrement illisible (objet attendu)")])
                continue
            if self.source and raw.get("source") != self.source:
                self.result.skipped[kind] += 1
                continue
            try:
                validated = schema.model_validate(raw)
            except pydantic.ValidationError as error:
                self._reject(_rejections(kind, position, record_id, error), raw)
                continue
            values = _model_values(validated, mapping)
            problems = _length_rejections(max_lengths, kind, position, record_id, values, reverse)
            if kind == SERVICES and self.require_zone and not values["eligibility_zone"]:
                problems.append(
                    Rejection(
                        kind,
                        position,
                        record_id,
                        "zone_eligibilite",
                        "zone d'éligibilité absente : le service ne serait proposé sur aucun territoire",
                    )
                )
            key = (values["source"], values["source_id"])
            if not problems and key in self.seen[kind]:
                problems.append(
                    Rejection(kind, position, record_id, "id", "identifiant déjà présent plus haut dans le fichier")
                )
            if problems:
                self._reject(problems, raw)
                continue
            self.seen[kind].add(key)
            structure_id = raw.get("structure_id") if kind == SERVICES else ""
            valid.append((position, str(structure_id or ""), values))
        return valid

    def _batch(self, kind: str, batch: list[tuple[int, Any]]) -> None:
        if kind == STRUCTURES:
            self.structures_known.clear()  # written from here on: read again by the services
        valid = self._validate(kind, batch)
        if valid:
            try:
                with transaction.atomic():
                    counts, rejections = self._write(kind, valid)
            except DatabaseError as error:
                for position, _structure_id, values in valid:
                    self._reject(
                        [
                            Rejection(
                                kind,
                                position,
                                values["source_id"],
                                "",
                                f"lot refusé par la base de données, rien n'en a été enregistré ({error})",
                            )
                        ]
                    )
            else:
                for counter, count in zip(
                    (self.result.created, self.result.updated, self.result.unchanged), counts, strict=True
                ):
                    counter[kind] += count
                for rejection in rejections:
                    self._reject([rejection])
        if self.progress:
            self.progress(kind, len(batch))

    def _write(
        self, kind: str, valid: list[tuple[int, str, dict[str, Any]]]
    ) -> tuple[tuple[int, int, int], list[Rejection]]:
        """Write one batch; returns (created, updated, unchanged) and the services of unknown structures."""
        model: type[Structure] | type[Service] = Structure if kind == STRUCTURES else Service
        mapping = STRUCTURE_FIELDS if kind == STRUCTURES else SERVICE_FIELDS
        fields = list(mapping.values())
        rejections = []
        if kind == SERVICES:
            fields += ["structure_id", *_DERIVED]
            structures = self._structures({(values["source"], structure_id) for _, structure_id, values in valid})
            resolved = []
            for position, structure_id, values in valid:
                pk, structure_name = structures.get((values["source"], structure_id), (None, ""))
                if pk is None:
                    why = (
                        "a été rejetée plus haut"
                        if (values["source"], structure_id) in self.rejected_structures
                        else "n'est ni dans le fichier ni dans Jalon"
                    )
                    rejections.append(
                        Rejection(
                            kind,
                            position,
                            values["source_id"],
                            "structure_id",
                            f"structure inconnue : « {structure_id} » {why}",
                        )
                    )
                    continue
                parts = search_parts(
                    name=values["name"], description=values["description"], structure_name=structure_name
                )
                derived = {"search_text": search_text_join(parts), "search_parts": parts}
                resolved.append((position, structure_id, {**values, "structure_id": pk, **derived}))
            valid = resolved
        existing = {
            (row["source"], row["source_id"]): row
            for row in filter_any(
                model.objects.all(), "source_id", [values["source_id"] for _, _, values in valid]
            ).values(*(name for name in fields if name not in _DERIVED))
        }
        created = updated = unchanged = 0
        to_write: list[dict[str, Any]] = []
        renamed: list[tuple[str, str]] = []
        # New services are published; an updated service keeps its status (the default below is not written back).
        created_status = {"status": OfferStatus.PUBLISHED} if kind == SERVICES else {}
        kept_status = {"status": OfferStatus.DRAFT} if kind == SERVICES else {}
        for _position, _structure_id, values in valid:
            current = existing.get((values["source"], values["source_id"]))
            if current is not None and kind == STRUCTURES and current["name"] != values["name"]:
                renamed.append((values["source"], values["source_id"]))
            if current is None:
                created += 1
                to_write.append({**values, **created_status})
            elif _same(current, values):
                unchanged += 1
            else:
                updated += 1
                to_write.append({**values, **kept_status})
        if to_write:
            update_fields = [name for name in fields if name not in ("source", "source_id", "search_parts")]
            if connection.vendor == "postgresql":
                self._upsert_copied(kind, model, to_write, update_fields)
            else:
                for row in to_write:
                    row.pop("search_parts", None)
                objects: list[Any] = [model(**row) for row in to_write]
                model.objects.bulk_create(
                    objects,
                    update_conflicts=True,
                    unique_fields=["source", "source_id"],
                    update_fields=[*update_fields, "updated_at"],
                )
        if renamed:
            self._search_text_refresh(renamed)
        return (created, updated, unchanged), rejections

    def staging_create(self) -> None:
        """PostgreSQL: the temporary tables each batch is copied into, created once per import outside the batches'
        savepoints (a batch rolled back would drop a table created in it), dropped at commit."""
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for kind, model in ((STRUCTURES, Structure), (SERVICES, Service)):
                staging = _STAGING[kind]
                columns = ", ".join(quote(_column(model, name)) for name in self._copied(kind))
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 (model metadata only)
                    f"SELECT {columns} FROM {quote(model._meta.db_table)} WITH NO DATA"
                )
                if kind == SERVICES:
                    cursor.execute(
                        f"ALTER TABLE {staging} ADD COLUMN part_name text, ADD COLUMN part_description text, "
                        "ADD COLUMN part_structure text"
                    )

    @staticmethod
    def _copied(kind: str) -> list[str]:
        """The model fields a batch copies (the search vector aside, computed from its parts by PostgreSQL)."""
        if kind == STRUCTURES:
            return [*STRUCTURE_FIELDS.values(), "created_at", "updated_at"]
        return [*SERVICE_FIELDS.values(), "structure_id", "search_text", "status", "created_at", "updated_at"]

    def _upsert_copied(self, kind: str, model, rows: list[dict[str, Any]], update_fields: list[str]) -> None:
        """PostgreSQL: COPY the batch into its staging table, then one `INSERT … SELECT … ON CONFLICT (source,
        source_id) DO UPDATE`. Django's `bulk_create` spent most of the import preparing each value of each row
        and psycopg parsing the resulting statement (bench/README.md)."""
        quote = connection.ops.quote_name
        staging, table = _STAGING[kind], quote(model._meta.db_table)
        names = self._copied(kind)
        columns = [quote(_column(model, name)) for name in names]
        json_fields = {name for name in names if isinstance(model._meta.get_field(name), models.JSONField)}
        now = timezone.now()
        extra = {"created_at": now, "updated_at": now}
        copied, selected, inserted = list(columns), list(columns), list(columns)
        if kind == SERVICES:
            copied += ["part_name", "part_description", "part_structure"]
            selected.append(
                WEIGHTED_VECTOR_SQL.format(
                    name="part_name", description="part_description", structure="part_structure"
                )
            )
            inserted.append(quote("search_vector"))
            update_fields = [*update_fields, "search_vector"]
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}"
            for column in (quote(_column(model, name)) for name in [*update_fields, "updated_at"])
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {staging}")
            # Under Django's wrapper of database errors: a refused batch is reported like any other.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {staging} ({', '.join(copied)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    values = [
                        Jsonb(row[name]) if name in json_fields else extra[name] if name in extra else row[name]
                        for name in names
                    ]
                    copy.write_row([*values, *row["search_parts"]] if kind == SERVICES else values)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(inserted)}) "  # noqa: S608 (model metadata only)
                f"SELECT {', '.join(selected)} FROM {staging} "
                f"ON CONFLICT (source, source_id) DO UPDATE SET {updates}"
            )

    def _search_text_refresh(self, structures: list[tuple[str, str]]) -> None:
        """A structure's name is in its services' search columns: rewrite theirs when it changes."""
        keys = set(structures)
        services = [
            service
            for service in Service.objects.filter(structure__source_id__in=[key[1] for key in keys])
            .select_related("structure")
            .only("name", "description", "structure__name", "structure__source", "structure__source_id")
            if (service.structure.source, service.structure.source_id) in keys
        ]
        for service in services:
            for name, value in search_values(
                name=service.name, description=service.description, structure_name=service.structure.name
            ).items():
                setattr(service, name, value)
        Service.objects.bulk_update(services, ["search_text", "search_vector"], batch_size=self.batch_size)

    def _structures(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
        """(pk, name) of the services' structures. Kept for the next batches: services come after every structure
        of the import, so the structures no longer change (each batch read about 2 000 of them again)."""
        missing = keys - self.structures_known.keys()
        if missing:
            rows = filter_any(Structure.objects.all(), "source_id", {structure_id for _, structure_id in missing})
            for source, source_id, pk, name in rows.values_list("source", "source_id", "pk", "name"):
                self.structures_known[(source, source_id)] = (pk, name)
        return {key: self.structures_known[key] for key in keys if key in self.structures_known}


def offer_import(
    *,
    paths: list[Path],
    format: str | None = None,
    source: str | None = None,
    actor=None,
    batch_size: int = BATCH_SIZE,
    require_zone: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Import data·inclusion dumps (structures first, then services). Raises OfferImportError, with nothing
    written, when a file cannot be read; bad records are in the result's `rejections`."""
    if format is not None and format not in FORMATS:
        raise OfferImportError(f"Format inconnu : {format} (json ou csv).")
    datasets = [dataset for path in paths for dataset in dump_open(Path(path), format)]
    datasets.sort(key=lambda dataset: dataset.kind != STRUCTURES)
    importer = _Importer(source=source, batch_size=batch_size, require_zone=require_zone, progress=progress)
    with transaction.atomic():
        importer.staging_create()
        for dataset in datasets:
            importer.run(dataset)
        result = importer.result
        audit_event_record(
            code=AuditCode.OFFER_IMPORTED,
            actor=actor,
            extra={
                "fichiers": [str(Path(path).name) for path in paths],
                "source": source or "",
                **result.as_dict(),
            },
        )
    return result


def rejections_write(rejections: Iterable[Rejection], path: Path) -> None:
    """The report of rejected records, as CSV (one line per field in error)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["type", "rang dans le fichier", "identifiant", "champ", "message"])
        for rejection in rejections:
            writer.writerow(
                [rejection.kind, rejection.position, rejection.record_id, rejection.field, rejection.message]
            )
