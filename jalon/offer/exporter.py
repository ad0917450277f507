"""Export of Jalon's published offer in the data·inclusion schema v1 shape (JSON). Every record is validated by
the package's pydantic models before it is written: a record Jalon could not make valid is left out and
reported, never exported broken."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from data_inclusion.schema import v1
from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.offer.mapping import SERVICE_FIELDS, STRUCTURE_FIELDS
from jalon.offer.models import Service, Structure


@dataclass
class ExportResult:
    structures: int = 0
    services: int = 0
    # (kind, source id, French message) of the records left out
    left_out: list[tuple[str, str, str]] = field(default_factory=list)


def _record(instance, mapping: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for schema_name, model_name in mapping.items():
        value = getattr(instance, model_name)
        if value == "" or value == []:
            value = None
        elif schema_name == "date_maj":
            value = value.isoformat()
        record[schema_name] = value
    return record


def structure_record(structure: Structure) -> dict[str, Any]:
    return _record(structure, STRUCTURE_FIELDS)


def service_record(service: Service) -> dict[str, Any]:
    record = _record(service, SERVICE_FIELDS)
    record["structure_id"] = service.structure.source_id
    return record


def _checked(schema: type[pydantic.BaseModel], record: dict[str, Any]) -> str | None:
    try:
        schema.model_validate(record)
    except pydantic.ValidationError as error:
        return "; ".join(f"{'.'.join(map(str, item['loc']))} : {item['msg']}" for item in error.errors())
    return None


def offer_records(*, result: ExportResult | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """("structures" | "services", record) for the published services and their structures, all valid."""
    result = result if result is not None else ExportResult()
    services = Service.objects.published().select_related("structure").order_by("source", "source_id")
    structure_ids = services.values("structure_id")
    exported_structures = set()
    for structure in Structure.objects.filter(pk__in=structure_ids).order_by("source", "source_id").iterator():
        record = structure_record(structure)
        problem = _checked(v1.Structure, record)
        if problem:
            result.left_out.append(("structure", structure.source_id, problem))
            continue
        exported_structures.add(structure.pk)
        result.structures += 1
        yield "structures", record
    for service in services.iterator(chunk_size=2000):
        if service.structure_id not in exported_structures:
            result.left_out.append(("service", service.source_id, "sa structure n'a pas pu être exportée"))
            continue
        record = service_record(service)
        problem = _checked(v1.Service, record)
        if problem:
            result.left_out.append(("service", service.source_id, problem))
            continue
        result.services += 1
        yield "services", record


def offer_export(*, path: Path, actor=None) -> ExportResult:
    """Write `{"structures": [...], "services": [...]}` to `path` (the shape `import_offer` reads back)."""
    result = ExportResult()
    with Path(path).open("w", encoding="utf-8") as handle, transaction.atomic():
        handle.write('{"structures": [')
        current = "structures"
        first = True
        for kind, record in offer_records(result=result):
            if kind != current:
                handle.write('], "services": [')
                current, first = kind, True
            handle.write(("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False))
            first = False
        if current == "structures":
            handle.write('], "services": [')
        handle.write("]}\n")
        audit_event_record(
            code=AuditCode.OFFER_EXPORTED,
            actor=actor,
            extra={"fichier": Path(path).name, "structures": result.structures, "services": result.services},
        )
    return result
