"""Open-data packaging of protected count tables: CSV, Frictionless Table Schema, data.gouv.fr metadata.

Choices (what data.gouv.fr and INSEE files do, and what reusers' tools read without configuration):

* CSV in UTF-8 without BOM, comma separator, ``"`` quoting when needed, CRLF line ends (RFC 4180 and the
  default CSV dialect of the Frictionless specs), one row per period × cell, periods as two ISO dates
  (``date_debut``, ``date_fin``) so that months, quarters and years read the same way.
* A secret cell has an **empty value** and ``statut = secret``; a published one ``statut = diffuse``. The value
  column stays an integer column (no « s » or « NC » inside numbers) and the schema says that an empty value is
  missing (``missingValues: [""]``). The file does not say whether a cell is hidden because it is small or to
  protect another cell: telling the two apart would tell which hidden counts are below the threshold.
* The Table Schema follows https://specs.frictionlessdata.io/table-schema/ as a plain dict (no extra library).
* Metadata use the fields of data.gouv.fr's dataset API (``license: "lov2"`` is its identifier of the
  Licence Ouverte / Open Licence version 2.0; ``frequency``, ``temporal_coverage``, ``spatial``).

Before anything is written, every period's table is checked again (``secrecy.verify``): an export in which a
published cell would reveal a secret one is refused with ``SecretCellError``, whatever status the caller passed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jalon.observatory.secrecy import Status, Suppression, verify


LICENCE_ID = "lov2"
LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

STATUS_PUBLISHED = "diffuse"
STATUS_SECRET = "secret"  # noqa: S105 (a status code, not a password)

# data.gouv.fr frequency identifiers the observatory may use.
FREQUENCIES = {"monthly", "quarterly", "semiannual", "annual", "punctual", "irregular"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("La fin de la période précède son début.")


@dataclass(frozen=True)
class KeyColumn:
    """A CSV column for one dimension of the table's keys, with an optional label column next to it."""

    name: str
    title: str
    description: str
    label_name: str | None = None
    label_title: str | None = None
    labels: Mapping[Hashable, str] = field(default_factory=dict)

    def code(self, node: Hashable) -> str:
        return str(node)


@dataclass(frozen=True)
class DatasetMetadata:
    title: str
    description: str
    producer: str
    frequency: str
    spatial_zones: tuple[str, ...]  # data.gouv zone ids, e.g. "fr:departement:40"
    spatial_granularity: str  # e.g. "fr:commune"
    value_title: str
    value_description: str
    tags: tuple[str, ...] = ()

    def __post_init__(self):
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"Fréquence de mise à jour inconnue : « {self.frequency} ».")


@dataclass(frozen=True)
class OpenDataExport:
    csv: str
    schema: dict
    metadata: dict

    def write(self, directory: Path, stem: str) -> list[Path]:
        """Write ``<stem>.csv``, ``<stem>.schema.json`` and ``<stem>.metadata.json`` (built before: all or none)."""
        directory.mkdir(parents=True, exist_ok=True)
        files = {
            directory / f"{stem}.csv": self.csv,
            directory / f"{stem}.schema.json": json.dumps(self.schema, ensure_ascii=False, indent=2) + "\n",
            directory / f"{stem}.metadata.json": json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n",
        }
        for path, text in files.items():
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        return list(files)


def export_counts(
    *,
    tables: Mapping[Period, Suppression],
    columns: Sequence[KeyColumn],
    metadata: DatasetMetadata,
) -> OpenDataExport:
    """Package protected tables (one per period) as an open dataset; refuse if any would reveal a secret."""
    if not tables:
        raise ValueError("Aucune période à publier.")
    for suppression in tables.values():
        if len(columns) != len(suppression.table.dimensions):
            raise ValueError("Il faut une colonne par dimension du tableau.")
        verify(
            suppression.table,
            suppression.hidden(),
            threshold=suppression.threshold,
            margin=suppression.margin,
            certificates=suppression.certificates,
        )
    schema = table_schema(columns, metadata)
    names = [f["name"] for f in schema["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for period in sorted(tables, key=lambda p: (p.start, p.end)):
        suppression = tables[period]
        for key in suppression.table.keys():
            row = [period.start.isoformat(), period.end.isoformat()]
            for column, node in zip(columns, key, strict=True):
                row.append(column.code(node))
                if column.label_name:
                    row.append(column.labels.get(node, str(node)))
            if suppression.status[key] == Status.PUBLISHED:
                row += [str(suppression.table.values[key]), STATUS_PUBLISHED]
            else:
                row += ["", STATUS_SECRET]
            writer.writerow(row)
    periods = list(tables)
    return OpenDataExport(
        csv=buffer.getvalue(),
        schema=schema,
        metadata=datagouv_metadata(
            metadata,
            start=min(p.start for p in periods),
            end=max(p.end for p in periods),
            threshold=next(iter(tables.values())).threshold,
        ),
    )


def table_schema(columns: Sequence[KeyColumn], metadata: DatasetMetadata) -> dict:
    fields = [
        _field("date_debut", "date", "Début de la période", "Premier jour de la période (AAAA-MM-JJ).", True),
        _field("date_fin", "date", "Fin de la période", "Dernier jour de la période, inclus (AAAA-MM-JJ).", True),
    ]
    for column in columns:
        fields.append(_field(column.name, "string", column.title, column.description, True))
        if column.label_name:
            fields.append(_field(column.label_name, "string", column.label_title or column.title, "Libellé.", True))
    value = _field("valeur", "integer", metadata.value_title, metadata.value_description, False)
    value["description"] += " Vide lorsque la valeur est couverte par le secret statistique (voir « statut »)."
    value["constraints"]["minimum"] = 0
    status = _field(
        "statut",
        "string",
        "Statut de diffusion",
        "« diffuse » : valeur publiée ; « secret » : valeur masquée au titre du secret statistique "
        "(effectif trop faible, ou masquée pour qu'une autre ne puisse pas être recalculée à partir des totaux).",
        True,
    )
    status["constraints"]["enum"] = [STATUS_PUBLISHED, STATUS_SECRET]
    fields += [value, status]
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["date_debut", "date_fin", *[c.name for c in columns]],
    }


def datagouv_metadata(metadata: DatasetMetadata, *, start: date, end: date, threshold: int) -> dict:
    notice = (
        f"Secret statistique : les effectifs compris entre 1 et {threshold - 1} ne sont pas diffusés, ainsi que "
        "les valeurs qui permettraient de les recalculer à partir des totaux ; ces valeurs sont vides et leur "
        "statut vaut « secret ». Les zéros sont diffusés."
    )
    return {
        "title": metadata.title,
        "description": f"{metadata.description}\n\n{notice}",
        "organization": metadata.producer,
        "license": LICENCE_ID,
        "license_title": LICENCE_TITLE,
        "license_url": LICENCE_URL,
        "frequency": metadata.frequency,
        "temporal_coverage": {"start": start.isoformat(), "end": end.isoformat()},
        "spatial": {"zones": list(metadata.spatial_zones), "granularity": metadata.spatial_granularity},
        "tags": list(metadata.tags),
        "resources": [
            {
                "title": f"{metadata.title} (CSV)",
                "format": "csv",
                "mime": "text/csv",
                "encoding": "utf-8",
                "schema": {"type": "tableschema"},
            }
        ],
    }


def _field(name: str, type_: str, title: str, description: str, required: bool) -> dict:
    result = {"name": name, "type": type_, "title": title, "description": description, "constraints": {}}
    if type_ == "date":
        result["format"] = "default"  # ISO 8601 YYYY-MM-DD in the spec
    if required:
        result["constraints"]["required"] = True
    return result
