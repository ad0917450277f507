"""The files of an open dataset: CSV, its Table Schema, data.gouv.fr metadata, and a zip of the three.

The conventions are those of `opendata.py` (decision 0022): UTF-8 without BOM, comma, CRLF, periods as two ISO
dates, a secret value left empty with `statut = secret`, licence « Licence Ouverte / Open Licence 2.0 ».
A rate file carries its numerator and denominator, each empty when it is secret; the rate itself is empty as
soon as one of them is.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from jalon.observatory.opendata import LICENCE_ID, LICENCE_TITLE, LICENCE_URL, STATUS_PUBLISHED, STATUS_SECRET
from jalon.observatory.opendata_datasets import FREQUENCY, GRANULARITY, Dataset


def _field(name, type_, title, description, required=True, **constraints):
    result = {"name": name, "type": type_, "title": title, "description": description, "constraints": constraints}
    if type_ == "date":
        result["format"] = "default"
    if required:
        result["constraints"]["required"] = True
    return result


def dataset_schema(dataset: Dataset) -> dict:
    indicator = dataset.indicator
    fields = [
        _field("date_debut", "date", "Début de la période", "Premier jour de la période (AAAA-MM-JJ)."),
        _field("date_fin", "date", "Fin de la période", "Dernier jour de la période, inclus (AAAA-MM-JJ)."),
        _field(
            "niveau",
            "string",
            "Niveau de territoire",
            "departement, territoire (territoire d'action sociale du Département), epci ou commune.",
            enum=["departement", "territoire", "epci", "commune"],
        ),
        _field(
            "code_territoire",
            "string",
            "Code du territoire",
            "Code INSEE du département ou de la commune, SIREN de l'EPCI, identifiant du territoire du "
            "Département ; « reste » : ce que les territoires du niveau ne couvrent pas (commune non "
            "renseignée, hors EPCI ou hors territoire), de sorte que chaque niveau s'additionne au département.",
        ),
        _field("libelle_territoire", "string", "Nom du territoire", "Libellé."),
    ]
    if dataset.dimension:
        fields += [
            _field("code_segment", "string", "Code du segment", "Vide pour l'ensemble de la population.", False),
            _field("libelle_segment", "string", "Segment", "« Ensemble » ou le libellé du segment."),
        ]
    if dataset.is_rate:
        fields += [
            _field("numerateur", "integer", "Numérateur", indicator.numerator or "Numérateur.", False, minimum=0),
            _field(
                "denominateur", "integer", "Dénominateur", indicator.denominator or "Dénominateur.", False, minimum=0
            ),
            _field(
                "taux",
                "number",
                "Taux (%)",
                "Numérateur rapporté au dénominateur, en pour cent, arrondi au dixième ; vide lorsque l'un des deux "
                "est couvert par le secret statistique ou que le dénominateur est nul.",
                False,
                minimum=0,
            ),
        ]
    else:
        fields.append(
            _field("valeur", "integer", "Effectif", indicator.numerator or indicator.wording, False, minimum=0)
        )
    fields.append(
        _field(
            "statut",
            "string",
            "Statut de diffusion",
            "« diffuse » : valeur publiée ; « secret » : valeur masquée au titre du secret statistique (effectif "
            "trop faible, ou masquée pour qu'une autre ne puisse pas être recalculée à partir des totaux).",
            enum=[STATUS_PUBLISHED, STATUS_SECRET],
        )
    )
    keys = ["date_debut", "date_fin", "niveau", "code_territoire"] + (["code_segment"] if dataset.dimension else [])
    return {"fields": fields, "missingValues": [""], "primaryKey": keys}


def _number(value) -> str:
    return "" if value is None else str(value)


def dataset_csv(dataset: Dataset) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in dataset_schema(dataset)["fields"]])
    for row in dataset.rows:
        line = [row.period.start.isoformat(), row.period.end.isoformat(), row.level, row.code, row.label]
        if dataset.dimension:
            line += [row.segment, row.segment_label]
        if dataset.is_rate:
            rate = "" if row.rate is None else f"{row.rate * 100:.1f}"
            line += [_number(row.numerator), _number(row.denominator), rate]
        else:
            line.append(_number(row.numerator))
        line.append(STATUS_SECRET if row.secret else STATUS_PUBLISHED)
        writer.writerow(line)
    return buffer.getvalue()


def dataset_metadata(dataset: Dataset) -> dict:
    indicator = dataset.indicator
    threshold = dataset.config.threshold
    definition = [
        f"Indicateur {indicator.code} ({indicator.get_seed_display()}, {indicator.reference}).",
        f"Population : {indicator.population}" if indicator.population else "",
        f"Numérateur : {indicator.numerator}" if indicator.numerator else "",
        f"Dénominateur : {indicator.denominator}" if indicator.denominator else "",
        f"Nature : {indicator.get_measure_display()}." if indicator.measure else "",
    ]
    notice = (
        f"Secret statistique : les effectifs compris entre 1 et {threshold - 1} ne sont pas diffusés, ainsi que "
        "les valeurs qui permettraient de les recalculer à partir des totaux ou des autres fichiers de cet "
        "indicateur ; ces valeurs sont vides et leur statut vaut « secret ». Un taux est masqué dès que son "
        "numérateur ou son dénominateur l'est. Les zéros sont diffusés, sauf dans une ligne de territoire dont "
        "l'ensemble est masqué."
    )
    periods = dataset.periods
    departement = dataset.geography.departement
    return {
        "title": dataset.title,
        "description": "\n".join(line for line in [indicator.wording, *definition] if line) + f"\n\n{notice}",
        "organization": f"Département : {departement.name}",
        "license": LICENCE_ID,
        "license_title": LICENCE_TITLE,
        "license_url": LICENCE_URL,
        "frequency": FREQUENCY[dataset.period_kind],
        "temporal_coverage": {
            "start": periods[0].start.isoformat() if periods else None,
            "end": periods[-1].end.isoformat() if periods else None,
        },
        "spatial": {"zones": [f"fr:departement:{departement.code}"], "granularity": GRANULARITY[dataset.level]},
        "tags": ["rsa", "insertion", "observatoire"],
        "extras": {"seuil_secret_statistique": threshold, "indicateur": indicator.code},
        "resources": [
            {
                "title": f"{dataset.slug}.csv",
                "format": "csv",
                "mime": "text/csv",
                "encoding": "utf-8",
                "schema": {"type": "tableschema", "url": f"{dataset.slug}.schema.json"},
            }
        ],
    }


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def dataset_files(dataset: Dataset) -> dict[str, str]:
    """The three files, by name; all built before anything is sent."""
    return {
        f"{dataset.slug}.csv": dataset_csv(dataset),
        f"{dataset.slug}.schema.json": _json(dataset_schema(dataset)),
        f"{dataset.slug}.metadata.json": _json(dataset_metadata(dataset)),
    }


def dataset_zip(dataset: Dataset) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in dataset_files(dataset).items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
