"""Reading a release of France Travail's ROME, in the layouts it comes in:

- the official open data (`RefRomeCsv.zip`, or its CSV files in a folder, plain or gzipped):
  `unix_referentiel_code_rome_vNNN_utf8.csv` and `unix_referentiel_appellation_vNNN_utf8.csv`, comma-separated.
  From ROME 4.0 on, the code file also lists the emploi-métier fiches under a ROME code (`code_rome_parent`):
  Jalon keeps the ROME codes (the fiches that are their own parent) and attaches every appellation to its ROME
  code, so that a job title keeps the code it had under ROME 3;
- the two-file form Jalon shipped before (`rome.csv`: `code_rome;libelle`, `appellations.csv`:
  `code_ogr_appellation;libelle;code_rome`, semicolon-separated).

Nothing is written here: the whole release is read and checked first (`services.rome_load` writes it)."""

import csv
import gzip
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class RomeSourceError(Exception):
    pass


@dataclass(frozen=True)
class RomeRelease:
    version: str  # "v460"; "" for the two-file form, which does not say it
    codes: dict[str, str]  # ROME code -> label
    appellations: list[tuple[str, str, str]]  # (OGR code, label, ROME code)


_OFFICIAL = re.compile(r"unix_referentiel_(code_rome|appellation)_(v\d+)_utf8\.csv(\.gz)?$")
_LEGACY = {"code_rome": "rome.csv", "appellation": "appellations.csv"}
_COLUMNS = {
    "official": {
        "code_rome": ("code_rome", "libelle_rome"),
        "appellation": ("code_ogr", "libelle_appellation_long", "code_rome"),
    },
    "legacy": {
        "code_rome": ("code_rome", "libelle"),
        "appellation": ("code_ogr_appellation", "libelle", "code_rome"),
    },
}


def rome_release_read(source: Path) -> RomeRelease:
    """The release in `source`: the official zip, or a folder holding the official CSV files or the two-file form."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            found = _official_names(archive.namelist())
            if not found:
                raise RomeSourceError(f"{source.name} : ni {_expected()} dans l'archive.")
            version = _one_version(found)
            texts = {kind: _decode(archive.read(name), name) for kind, name in found.items()}
        return _parse(texts, layout="official", version=version)
    if not source.is_dir():
        raise RomeSourceError(f"{source} : ni un dossier ni une archive zip du ROME.")
    found = _official_names(path.name for path in source.iterdir())
    if found:
        version = _one_version(found)
        return _parse({kind: _read(source / name) for kind, name in found.items()}, layout="official", version=version)
    if all((source / name).is_file() for name in _LEGACY.values()):
        return _parse({kind: _read(source / name) for kind, name in _LEGACY.items()}, layout="legacy", version="")
    raise RomeSourceError(f"{source.name} : ni {_expected()}, ni rome.csv et appellations.csv dans le dossier.")


def _expected() -> str:
    return "unix_referentiel_code_rome_vNNN_utf8.csv et unix_referentiel_appellation_vNNN_utf8.csv"


def _official_names(names: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        match = _OFFICIAL.search(name)
        if match:
            if match.group(1) in found:
                raise RomeSourceError(f"Deux fichiers {match.group(1)} : {found[match.group(1)]} et {name}.")
            found[match.group(1)] = name
    if found and len(found) < 2:
        missing = "appellation" if "code_rome" in found else "code_rome"
        raise RomeSourceError(
            f"Fichier unix_referentiel_{missing}_vNNN_utf8.csv manquant à côté de {found.popitem()[1]}."
        )
    return found


def _one_version(found: dict[str, str]) -> str:
    versions = {_OFFICIAL.search(name).group(2) for name in found.values()}  # type: ignore[union-attr]
    if len(versions) > 1:
        raise RomeSourceError(f"Les fichiers ne sont pas de la même version du ROME : {', '.join(sorted(versions))}.")
    return versions.pop()


def _read(path: Path) -> tuple[str, str]:
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError) as error:
        raise RomeSourceError(f"{path.name} illisible : {error}") from error
    return _decode(data, path.name)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RomeSourceError(f"{Path(name).name} : encodage illisible (UTF-8 attendu).") from error


def _rows(name: str, text: str, columns: tuple[str, ...], delimiter: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = set(columns) - set(reader.fieldnames or ())
    if missing:
        raise RomeSourceError(f"{Path(name).name} : colonnes manquantes : {', '.join(sorted(missing))}.")
    try:
        return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except csv.Error as error:
        raise RomeSourceError(f"{Path(name).name} illisible : {error}") from error


def _parse(texts: dict[str, tuple[str, str]], *, layout: str, version: str) -> RomeRelease:
    delimiter = "," if layout == "official" else ";"
    code_name, code_text = texts["code_rome"]
    title_name, title_text = texts["appellation"]
    code_rows = _rows(code_name, code_text, _COLUMNS[layout]["code_rome"], delimiter)
    title_rows = _rows(title_name, title_text, _COLUMNS[layout]["appellation"], delimiter)
    if layout == "official":
        # ROME 4.0: the fiches that are their own parent are the ROME codes; the others are emploi-métier fiches
        # under one of them. Before 4.0 there is no parent column: every row is a ROME code.
        codes = {
            row["code_rome"]: row["libelle_rome"]
            for row in code_rows
            if row.get("code_rome_parent", row["code_rome"]) in ("", row["code_rome"])
        }
        appellations = [
            (row["code_ogr"], row["libelle_appellation_long"], row.get("code_rome_parent") or row["code_rome"])
            for row in title_rows
        ]
    else:
        codes = {row["code_rome"]: row["libelle"] for row in code_rows}
        appellations = [(row["code_ogr_appellation"], row["libelle"], row["code_rome"]) for row in title_rows]
    if not codes:
        raise RomeSourceError(f"{Path(code_name).name} : aucun code ROME.")
    orphans = [code for code, _, rome in appellations if rome not in codes]
    if orphans:
        raise RomeSourceError(f"{len(orphans)} appellations renvoient à un code ROME absent (ex. {orphans[0]}).")
    empty = [code for code, label, _ in appellations if not code or not label]
    if empty:
        raise RomeSourceError(f"{len(empty)} appellations sans code ou sans libellé.")
    return RomeRelease(version=version, codes=codes, appellations=appellations)
