"""Open-data export: CSV + Table Schema + data.gouv.fr metadata, and the refusal of an export that leaks."""

import csv
import dataclasses
import io
import json
import re
from datetime import date

import pytest

from jalon.observatory.opendata import (
    LICENCE_TITLE,
    DatasetMetadata,
    KeyColumn,
    Period,
    export_counts,
)
from jalon.observatory.secrecy import Hierarchy, SecretCellError, Status, Table, suppress


TREE = {"40": ["T1", "T2"], "T1": ["40001", "40002", "40003"], "T2": ["40004", "40005"]}
NAMES = {"40": "Landes", "T1": "Territoire Nord", "T2": "Territoire Sud", "40001": "Aire", "40002": "Bias"}
SEXES = ["F", "H"]


def table(detail):
    values = {}
    for commune, pair in detail.items():
        for sex, v in zip(SEXES, pair, strict=True):
            values[(commune, sex)] = v
    for parent in ["T1", "T2", "40"]:
        for sex in SEXES:
            values[(parent, sex)] = sum(values[(k, sex)] for k in TREE[parent])
    for territory in ["40", "T1", "T2", *detail]:
        values[(territory, "E")] = sum(values[(territory, s)] for s in SEXES)
    return Table(values, [Hierarchy(TREE), Hierarchy.with_total("E", SEXES)])


JANUARY = table({"40001": (2, 9), "40002": (7, 6), "40003": (11, 1), "40004": (30, 25), "40005": (4, 8)})
FEBRUARY = table({"40001": (6, 9), "40002": (7, 6), "40003": (11, 0), "40004": (31, 25), "40005": (5, 8)})
COLUMNS = [
    KeyColumn(
        "code_territoire",
        "Code du territoire",
        "Code INSEE de la commune, ou code du territoire d'action sociale, ou du département.",
        label_name="libelle_territoire",
        label_title="Nom du territoire",
        labels=NAMES,
    ),
    KeyColumn("sexe", "Sexe", "F : femmes, H : hommes, E : ensemble."),
]
METADATA = DatasetMetadata(
    title="Allocataires du RSA soumis aux droits et devoirs par commune",
    description="Nombre de personnes soumises aux droits et devoirs au dernier jour du mois.",
    producer="Département des Landes",
    frequency="monthly",
    spatial_zones=("fr:departement:40",),
    spatial_granularity="fr:commune",
    value_title="Nombre de personnes",
    value_description="Personnes soumises aux droits et devoirs au dernier jour de la période.",
    tags=("rsa", "insertion"),
)
PERIODS = {
    Period(date(2025, 2, 1), date(2025, 2, 28)): suppress(FEBRUARY),
    Period(date(2025, 1, 1), date(2025, 1, 31)): suppress(JANUARY),
}


def validate(text, schema):
    """A small Table Schema validator: header, types, required fields, enums, minimum, missing values."""
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    fields = schema["fields"]
    assert rows[0] == [f["name"] for f in fields]
    assert {f["type"] for f in fields} <= {"string", "integer", "number", "date", "boolean", "year", "yearmonth"}
    for row in rows[1:]:
        assert len(row) == len(fields)
        for value, spec in zip(row, fields, strict=True):
            constraints = spec.get("constraints", {})
            if value in schema["missingValues"]:
                assert not constraints.get("required"), f"{spec['name']} is required"
                continue
            if spec["type"] == "integer":
                assert re.fullmatch(r"-?\d+", value), value
                assert int(value) >= constraints.get("minimum", int(value))
            elif spec["type"] == "date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and date.fromisoformat(value)
            if "enum" in constraints:
                assert value in constraints["enum"]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_matches_its_schema_and_hides_secret_cells():
    export = export_counts(tables=PERIODS, columns=COLUMNS, metadata=METADATA)
    rows = validate(export.csv, export.schema)
    assert export.csv.endswith("\r\n")
    assert len(rows) == 2 * len(JANUARY.values)
    assert rows[0]["date_debut"] == "2025-01-01" and rows[0]["date_fin"] == "2025-01-31"
    january = PERIODS[Period(date(2025, 1, 1), date(2025, 1, 31))]
    by_key = {(r["code_territoire"], r["sexe"]): r for r in rows if r["date_debut"] == "2025-01-01"}
    for key, value in JANUARY.values.items():
        row = by_key[key]
        if january.is_secret(key):
            assert (row["valeur"], row["statut"]) == ("", "secret")
        else:
            assert (row["valeur"], row["statut"]) == (str(value), "diffuse")
    assert by_key[("40001", "F")]["valeur"] == ""  # 2 people: secret
    assert by_key[("40001", "F")]["libelle_territoire"] == "Aire"
    # Zeros are published; primary and secondary secrets are not told apart.
    february = [r for r in rows if r["date_debut"] == "2025-02-01"]
    assert any(r["valeur"] == "0" and r["statut"] == "diffuse" for r in february)
    assert "primaire" not in export.csv and "secondaire" not in export.csv


def test_schema_and_metadata():
    export = export_counts(tables=PERIODS, columns=COLUMNS, metadata=METADATA)
    names = [f["name"] for f in export.schema["fields"]]
    assert set(export.schema["primaryKey"]) <= set(names)
    assert all(f["title"] and f["description"] for f in export.schema["fields"])
    assert export.schema["missingValues"] == [""]
    json.dumps(export.schema)
    meta = export.metadata
    assert meta["license_title"] == LICENCE_TITLE == "Licence Ouverte / Open Licence version 2.0"
    assert meta["temporal_coverage"] == {"start": "2025-01-01", "end": "2025-02-28"}
    assert meta["spatial"] == {"zones": ["fr:departement:40"], "granularity": "fr:commune"}
    assert meta["frequency"] == "monthly" and meta["organization"] == "Département des Landes"
    assert "entre 1 et 4" in meta["description"]


def test_written_files(tmp_path):
    export = export_counts(tables=PERIODS, columns=COLUMNS, metadata=METADATA)
    paths = export.write(tmp_path, "rsa-droits-devoirs")
    assert [p.name for p in paths] == [
        "rsa-droits-devoirs.csv",
        "rsa-droits-devoirs.schema.json",
        "rsa-droits-devoirs.metadata.json",
    ]
    assert paths[0].read_bytes().decode("utf-8") == export.csv
    assert json.loads(paths[1].read_text(encoding="utf-8")) == export.schema


def bypassed(suppression, key):
    status = dict(suppression.status) | {key: Status.PUBLISHED}
    return dataclasses.replace(suppression, status=status)


def test_export_refuses_a_published_cell_that_reveals_a_secret_one():
    january = suppress(JANUARY)
    secondary = next(k for k, s in january.status.items() if s == Status.SECONDARY)
    with pytest.raises(SecretCellError, match="Cette publication révélerait une valeur soumise au secret statistique"):
        export_counts(
            tables={Period(date(2025, 1, 1), date(2025, 1, 31)): bypassed(january, secondary)},
            columns=COLUMNS,
            metadata=METADATA,
        )


def test_export_refuses_a_small_count_published():
    january = suppress(JANUARY)
    with pytest.raises(SecretCellError, match="« 40001 × F » compte moins de 5 unités"):
        export_counts(
            tables={Period(date(2025, 1, 1), date(2025, 1, 31)): bypassed(january, ("40001", "F"))},
            columns=COLUMNS,
            metadata=METADATA,
        )


def test_unknown_frequency_is_refused_in_french():
    with pytest.raises(ValueError, match="Fréquence de mise à jour inconnue"):
        dataclasses.replace(METADATA, frequency="sometimes")
