"""Beneficiary lists exported from a spreadsheet (CSV, XLSX, XLS, ODS): reading, column guessing, row checks.

No database here. `read_table` gives the header row and the data rows with their line number in the file;
`guess_mapping` proposes which column holds which field from the headers' wording (the headers of real
exports: IODAS, rdv-insertion, Carnet de bord); `parse_row` checks and normalises one row and says in French
what is wrong with it.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from python_calamine import CalamineWorkbook, PasswordError

from jalon.core.text import normalise_name
from jalon.core.validators import validate_email_address
from jalon.intake.caf_flux.parser import nir_error
from jalon.intake.enums import SpreadsheetDateFormat
from jalon.intake.enums import SpreadsheetField as F
from jalon.people.enums import HouseholdRole, Organisme


NOT_A_SPREADSHEET = "Ce fichier n'est pas un tableur lisible (CSV, XLSX, ODS)."
EMPTY_FILE = "Le fichier est vide."
NO_DATA_ROW = "Le fichier ne contient que la ligne d'en-tête : aucune personne à importer."
NO_HEADER_ROW = (
    "La première ligne du fichier doit donner le nom de chaque colonne (par exemple « Nom », « Prénom », "
    "« Date de naissance ») : ajoutez une ligne d'en-tête."
)
ONE_COLUMN = (
    "Le fichier n'a qu'une colonne : les colonnes d'un fichier CSV doivent être séparées par des "
    "points-virgules, des virgules ou des tabulations."
)
LOCKED_FILE = "Ce fichier est protégé par un mot de passe : enregistrez-le sans mot de passe et déposez-le à nouveau."

_ZIP_MAGIC = b"PK\x03\x04"  # XLSX, ODS
# What a workbook may inflate to: a list of 100 000 persons with twenty columns is about 60 MB of sheet XML.
MAX_UNCOMPRESSED_BYTES = 200_000_000
MAX_ZIP_ENTRIES = 10_000
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # XLS
_CSV_DELIMITERS = (";", ",", "\t")
_QUOTED = re.compile(r'"[^"]*"')


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is in French, for the person who uploaded it."""


Row = tuple[int, list[str]]


def read_table(source) -> tuple[list[str], Iterator[Row]]:
    """The headers and the non-empty data rows, as (line number in the file, cells as text) with as many
    cells as headers. `source` is a path, or a file object (an upload, a stored file) read from its start.

    The first sheet of a workbook is read; its date cells come as ISO dates (1985-05-06). A CSV may be
    separated by ; , or tabs and encoded in UTF-8 (with or without BOM) or windows-1252.
    Raises `SpreadsheetError` when the file is not a table, is empty, has no header row or two columns with
    the same name.
    """
    data = _read_bytes(source)
    if data.startswith(_ZIP_MAGIC):
        _check_zip_sizes(data)
    rows = _workbook_rows(data) if data.startswith((_ZIP_MAGIC, _OLE2_MAGIC)) else _csv_rows(data)
    rows = ((line, cells) for line, cells in rows if any(cells))
    try:
        header_line = next(rows, None)
        if header_line is None:
            raise SpreadsheetError(EMPTY_FILE)
        headers = _headers(header_line[1])
        first = next(rows, None)
    except csv.Error as error:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from error
    if first is None:
        raise SpreadsheetError(NO_DATA_ROW)
    width = len(headers)

    def data_rows() -> Iterator[Row]:
        try:
            for line, cells in chain([first], rows):
                yield line, (cells + [""] * (width - len(cells)))[:width]
        except csv.Error as error:
            raise SpreadsheetError(NOT_A_SPREADSHEET) from error

    return headers, data_rows()


def _read_bytes(source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)  # an upload is read again when it is stored
    return data if isinstance(data, bytes) else data.encode()


def _check_zip_sizes(data: bytes) -> None:
    """XLSX and ODS files are zip archives: one of a few megabytes may inflate to gigabytes (a "zip bomb") and
    hold the server for long. The sizes its directory declares are checked before anything is inflated."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from error
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES or len(entries) > MAX_ZIP_ENTRIES:
        megabytes = f"{total // 1_000_000:,}".replace(",", " ")
        raise SpreadsheetError(
            f"Ce classeur occuperait {megabytes} Mo une fois décompressé (au plus "
            f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} Mo) : il est refusé par sécurité. Enregistrez la liste au "
            "format CSV, ou découpez-la, puis déposez-la à nouveau."
        )


def _csv_rows(data: bytes) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("windows-1252")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(NOT_A_SPREADSHEET) from error
    if not text.strip():
        raise SpreadsheetError(EMPTY_FILE)
    if "\x00" in text or _control_characters(text[:65536]) > 0.01:
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    first_line = next(line for line in text.splitlines() if line.strip())
    unquoted = _QUOTED.sub("", first_line)
    delimiter = max(_CSV_DELIMITERS, key=unquoted.count)
    if not unquoted.count(delimiter):
        raise SpreadsheetError(ONE_COLUMN)
    return _csv_records(text, delimiter)


def _csv_records(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end_of_previous = 0
    for cells in reader:
        # A quoted cell may span lines: the record's line is the one it starts on.
        yield end_of_previous + 1, [" ".join(cell.split()) for cell in cells]
        end_of_previous = reader.line_num


def _control_characters(text: str) -> float:
    if not text:
        return 0.0
    count = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
    return count / len(text)


def _workbook_rows(data: bytes) -> Iterator[Row]:
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        raw_rows = list(sheet.iter_rows())
    except PasswordError as error:
        raise SpreadsheetError(LOCKED_FILE) from error
    except Exception as error:  # calamine's errors (zip, XML, format) have no common base class
        raise SpreadsheetError(NOT_A_SPREADSHEET) from error
    # Iterated rows start at the sheet's first row whatever it holds: the index gives the line number.
    return ((index, [_cell_text(value) for value in cells]) for index, cells in enumerate(raw_rows, start=1))


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person would have typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        # Numbers are floats: 1234567.0 is the matricule 1234567.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return " ".join(str(value).split())


_LOOKS_LIKE_DATA = re.compile(
    r"^(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d[\d ]{4,}\d|[^@\s]+@[^@\s]+\.[a-z]{2,})$", re.IGNORECASE
)


def _headers(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    headers = [cell or f"colonne {index}" for index, cell in enumerate(cells, start=1)]
    # A first row of values (a date, a NIR, an e-mail…) rather than of column names.
    if not any(re.search(r"[^\W\d_]", header) for header in headers) or any(
        _LOOKS_LIKE_DATA.match(header) for header in headers
    ):
        raise SpreadsheetError(NO_HEADER_ROW)
    seen: set[str] = set()
    for header in headers:
        if header.lower() in seen:
            raise SpreadsheetError(
                f"Plusieurs colonnes s'appellent « {header} » : renommez-les pour que chaque nom de colonne "
                "soit unique."
            )
        seen.add(header.lower())
    return headers


# -- column guessing ---------------------------------------------------------------------------------------------

# Header wordings met in real exports (rdv-insertion's file configurations of the Drôme and the Yonne, Carnet de
# bord's beneficiary CSV, IODAS extractions). Compared once normalised: case, accents, punctuation and little
# words ("N°", "de", "le") do not count.
SYNONYMS: dict[str, tuple[str, ...]] = {
    F.NIR: (
        "NIR",
        "N° NIR",
        "N° de sécurité sociale",
        "Numéro de sécurité sociale",
        "N° SS",
        "N° INSEE",
        "Numéro d'inscription au répertoire",
    ),
    F.INTERNAL_ID: (
        "ID Iodas",
        "Code individu Iodas",
        "Identifiant Iodas",
        "N° Iodas",
        "Identifiant dans le SI",
        "Identifiant départemental",
        "ID départemental",
        "Code individu",
        "N° individu",
        "Identifiant",
        "ID",
    ),
    F.MATRICULE: (
        "N° CAF",
        "N° allocataire",
        "Numéro allocataire",
        "Numéro allocataire CAF/MSA",
        "N° CAF/MSA",
        "N° MSA",
        "Matricule",
        "Matricule CAF",
        "Matricule MSA",
        "N° dossier CAF",
        "N° de dossier",
    ),
    F.ORGANISME: ("Organisme", "Organisme payeur", "Organisme (CAF/MSA)"),
    F.ROLE: ("Rôle", "Rôle dans le foyer", "Rôle (DEM/CJT)"),
    F.CIVILITY: ("Civilité", "Titre", "Qualité"),
    F.LAST_NAME: ("Nom", "Nom bénéficiaire", "Nom d'usage", "Nom usuel", "Nom de famille", "Nom allocataire"),
    F.BIRTH_NAME: ("Nom JF", "Nom de naissance", "Nom de jeune fille", "Nom patronymique"),
    F.FIRST_NAME: ("Prénom", "Prénom bénéficiaire", "Prénoms", "Prénom allocataire"),
    F.BIRTH_DATE: ("Date de naissance", "Date naissance", "Né le", "Né(e) le", "DDN"),
    F.PHONE: (
        "Téléphone",
        "N° Téléphones",
        "Numéro(s) de téléphone",
        "N° de téléphone",
        "Tél",
        "Tel",
        "Téléphone portable",
        "Portable",
        "Mobile",
    ),
    F.EMAIL: ("Email", "E-mail", "Mail", "Adresse mail", "Adresses Mails", "Courriel", "Adresse électronique"),
    F.ADDRESS: ("Adresse", "Adresse postale", "Adresse 1", "Rue", "Voie"),
    F.POSTAL_CODE: ("Code postal", "CP"),
    F.CITY: ("Ville", "Commune", "Localité", "CP Ville"),
    F.FRANCE_TRAVAIL_ID: (
        "Identifiant France Travail",
        "ID France Travail",
        "N° France Travail",
        "Identifiant FT",
        "Identifiant Pôle emploi",
        "ID Pôle emploi",
        "N° Pôle emploi",
        "Identifiant PE",
    ),
}

_FILLER_WORDS = {"n", "no", "num", "numero", "numeros", "nr", "de", "du", "des", "d", "la", "le", "les", "l", "s"}
_FILLER_WORDS |= {"dans", "en"}
# A column about someone else (the referent, the partner) or something else (a place) is not the person's.
_NOT_THE_PERSON = {"referent", "referente", "conseiller", "accompagnateur", "accompagnateurs", "agent"}
_NOT_THE_PERSON |= {"structure", "organisation", "conjoint", "lieu", "pays", "ville", "commune"}


def _header_key(header: str) -> str:
    return " ".join(word for word in normalise_name(header).split() if word not in _FILLER_WORDS)


_SYNONYM_KEYS = {_header_key(synonym): field for field, synonyms in SYNONYMS.items() for synonym in synonyms}

# When no wording matches exactly: the first rule whose words the header holds (order matters: "Identifiant
# Pôle emploi" is France Travail's before it is an identifier, "Nom de naissance" a birth name before a name).
_RULES: tuple[tuple[str, Iterable[set[str]], bool], ...] = (
    # (field, sets of words of which one must be wholly present, skip columns about someone else)
    (F.FRANCE_TRAVAIL_ID, ({"france", "travail"}, {"pole", "emploi"}), False),
    (F.NIR, ({"nir"}, {"securite", "sociale"}, {"insee"}), True),
    (F.INTERNAL_ID, ({"iodas"}, {"identifiant"}, {"id"}, {"individu"}), True),
    (F.ORGANISME, ({"organisme"},), False),
    # Contact columns before the matricule: CNAF exports say "ADRESSE ELECTRONIQUE DOSSIER", "TELEPHONE DOSSIER".
    (F.EMAIL, ({"mail"}, {"mails"}, {"email"}, {"courriel"}, {"electronique"}), True),
    (F.PHONE, ({"telephone"}, {"telephones"}, {"tel"}, {"portable"}, {"mobile"}), True),
    (F.MATRICULE, ({"caf"}, {"msa"}, {"allocataire"}, {"matricule"}, {"dossier"}), False),
    (F.BIRTH_DATE, ({"date", "naissance"}, {"ddn"}), True),
    (F.BIRTH_NAME, ({"nom", "naissance"}, {"nom", "jf"}, {"nom", "jeune"}, {"patronymique"}), True),
    (F.FIRST_NAME, ({"prenom"}, {"prenoms"}), True),
    (F.LAST_NAME, ({"nom"},), True),
    (F.POSTAL_CODE, ({"postal"}, {"cp"}), False),
    (F.CITY, ({"ville"}, {"commune"}, {"localite"}), False),
    (F.ADDRESS, ({"adresse"}, {"adresses"}, {"rue"}), True),
    (F.CIVILITY, ({"civilite"}, {"titre"}, {"qualite"}), True),
    (F.ROLE, ({"role"},), True),
)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{field: header} for the columns whose name says what they hold; each field and each column once."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        field = _SYNONYM_KEYS.get(_header_key(header))
        if field is not None and field not in mapping:
            mapping[field] = header
            used.add(header)
    for header in headers:
        if header in used:
            continue
        words = set(_header_key(header).split())
        for field, word_sets, personal in _RULES:
            if field in mapping or (personal and words & _NOT_THE_PERSON):
                continue
            if any(word_set <= words for word_set in word_sets):
                mapping[field] = header
                used.add(header)
                break
    return {field: mapping[field] for field in F.values if field in mapping}


# -- one row -----------------------------------------------------------------------------------------------------

MAX_LENGTHS = {
    F.INTERNAL_ID: 30,
    F.MATRICULE: 15,
    F.LAST_NAME: 100,
    F.BIRTH_NAME: 100,
    F.FIRST_NAME: 100,
    F.ADDRESS: 255,
    F.CITY: 100,
    F.FRANCE_TRAVAIL_ID: 20,
}
ROLES = {
    "dem": HouseholdRole.APPLICANT,
    "demandeur": HouseholdRole.APPLICANT,
    "demandeuse": HouseholdRole.APPLICANT,
    "allocataire": HouseholdRole.APPLICANT,
    "cjt": HouseholdRole.PARTNER,
    "conjoint": HouseholdRole.PARTNER,
    "conjointe": HouseholdRole.PARTNER,
    "enf": HouseholdRole.CHILD,
    "enfant": HouseholdRole.CHILD,
}
CIVILITIES = {
    "m": "MR",
    "mr": "MR",
    "monsieur": "MR",
    "mme": "MME",
    "madame": "MME",
    "mlle": "MME",
    "mademoiselle": "MME",
}
_PHONE_SEPARATORS = re.compile(r"\s*(?:/|;|,|\||\bet\b|\bou\b)\s*", re.IGNORECASE)
_CITY_WITH_POSTAL_CODE = re.compile(r"^(\d{5})\s+(.+)$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_row(
    cells: list[str], headers: list[str], mapping: dict[str, str], date_format: str
) -> tuple[dict, list[str]]:
    """Checked values of one row, {field: value} for every field ("" or None when absent), and what is wrong
    with it, in French. A row with errors is not imported."""
    position = {header: index for index, header in enumerate(headers)}
    raw = {field: "" for field in F.values}
    for field, header in mapping.items():
        index = position.get(header)
        if field in raw and index is not None and index < len(cells):
            raw[field] = " ".join((cells[index] or "").split())
    errors: list[str] = []
    values: dict = {}

    for field, label in ((F.LAST_NAME, "nom"), (F.FIRST_NAME, "prénom"), (F.BIRTH_NAME, "nom de naissance")):
        value = raw[field]
        if value and not normalise_name(value).strip():
            errors.append(f"{label} illisible : {value}")
        elif not value and field != F.BIRTH_NAME:
            errors.append(f"{label} manquant")
        values[field] = value
    values[F.BIRTH_DATE] = _birth_date(raw[F.BIRTH_DATE], date_format, errors)
    values[F.NIR] = _nir(raw[F.NIR], errors)
    values[F.INTERNAL_ID] = raw[F.INTERNAL_ID]
    matricule = raw[F.MATRICULE].replace(" ", "")
    # Spreadsheets drop the leading zeros of numbers: CAF matricules have 7 digits.
    values[F.MATRICULE] = matricule.zfill(7) if matricule.isdigit() else matricule
    values[F.ORGANISME] = _choice(raw[F.ORGANISME], {"caf": Organisme.CAF, "msa": Organisme.MSA}, "organisme", errors)
    values[F.ROLE] = _choice(raw[F.ROLE], ROLES, "rôle", errors)
    values[F.CIVILITY] = _civility(raw[F.CIVILITY], errors)
    values[F.PHONE] = _phone(raw[F.PHONE], errors)
    values[F.EMAIL] = _email(raw[F.EMAIL], errors)
    values[F.ADDRESS] = raw[F.ADDRESS]
    values[F.POSTAL_CODE], values[F.CITY] = _postal_code_and_city(raw[F.POSTAL_CODE], raw[F.CITY], errors)
    values[F.FRANCE_TRAVAIL_ID] = raw[F.FRANCE_TRAVAIL_ID].replace(" ", "").upper()
    for field, limit in MAX_LENGTHS.items():
        if values[field] and len(values[field]) > limit:
            errors.append(f"{F(field).label} trop long : {limit} caractères au plus")
    return values, errors


def _birth_date(value: str, date_format: str, errors: list[str]) -> date | None:
    # Missing: the row may still designate a known person (matricule and name…); the import decides.
    if not value:
        return None
    text = _TIME_SUFFIX.sub("", value)
    parsed = None
    # Date cells of a workbook come as ISO dates, whatever the format chosen for the text ones.
    for fmt in dict.fromkeys((date_format, SpreadsheetDateFormat.ISO)):
        try:
            parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date, no time zone
        except ValueError:
            continue
        break
    if parsed is None:
        label = SpreadsheetDateFormat(date_format).label if date_format in SpreadsheetDateFormat.values else ""
        errors.append(f"date de naissance illisible : {value}" + (f" (format attendu : {label})" if label else ""))
        return None
    if parsed.year < 1900 or parsed > timezone.localdate():
        errors.append(f"date de naissance invraisemblable : {value}")
        return None
    return parsed


def nir_key(nir: str) -> int:
    """The NIR's control key: 97 minus the 13 characters modulo 97 (Corsica's 2A counts as 19, 2B as 18)."""
    department = {"2A": "19", "2B": "18"}.get(nir[5:7], nir[5:7])
    return 97 - int(nir[:5] + department + nir[7:13]) % 97


def _nir(value: str, errors: list[str]) -> str:
    nir = re.sub(r"[\s.\-_]", "", value).upper()
    if not nir:
        return ""
    if len(nir) == 15:
        problem = nir_error(nir[:13])
        if problem is None and (not nir[13:].isdigit() or int(nir[13:]) != nir_key(nir)):
            problem = "la clé (2 derniers chiffres) ne correspond pas au numéro"
        if problem is None:
            return nir[:13]
    elif len(nir) == 13:
        problem = nir_error(nir)
        if problem is None:
            return nir
    else:
        problem = f"{len(nir)} caractères au lieu de 13 (ou 15 avec la clé)"
    errors.append(f"NIR invalide : {problem}")
    return ""


def _choice(value: str, choices: Mapping[str, str], label: str, errors: list[str]) -> str:
    if not value:
        return ""
    choice = choices.get(normalise_name(value))
    if choice is None:
        expected = {"organisme": "CAF ou MSA", "rôle": "demandeur, conjoint ou enfant"}[label]
        errors.append(f"{label} inconnu : {value} ({expected} attendu)")
        return ""
    return str(choice)


def _civility(value: str, errors: list[str]) -> str:
    if not value:
        return ""
    civility = CIVILITIES.get(normalise_name(value))
    if civility is None:
        errors.append(f"civilité inconnue : {value} (M. ou Mme attendu)")
        return ""
    return civility


def normalise_phone(value: str) -> str | None:
    """A French number as "06 12 34 56 78" (a foreign one as +<digits>); "" when empty, None when unreadable.
    Of several numbers in the cell, the first mobile one, else the first one."""
    numbers = []
    for part in _PHONE_SEPARATORS.split(value):
        digits = re.sub(r"[\s.\-()]", "", part)
        if not digits:
            continue
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if digits.startswith("+33"):
            digits = "0" + digits[3:].removeprefix("0")
        if digits.isdigit() and len(digits) == 11 and digits.startswith("33"):
            digits = "0" + digits[2:]
        if digits.isdigit() and len(digits) == 9 and digits[0] != "0":
            digits = "0" + digits  # a spreadsheet number cell lost the leading zero
        if re.fullmatch(r"0[1-9]\d{8}", digits):
            numbers.append(" ".join(digits[i : i + 2] for i in range(0, 10, 2)))
        elif re.fullmatch(r"\+\d{8,15}", digits):
            numbers.append(digits)
        else:
            return None
    if not numbers:
        return ""
    return next((number for number in numbers if number.startswith(("06", "07"))), numbers[0])


def _phone(value: str, errors: list[str]) -> str:
    if not value:
        return ""
    phone = normalise_phone(value)
    if phone is None:
        errors.append(f"numéro de téléphone invalide : {value}")
        return ""
    return phone


def _email(value: str, errors: list[str]) -> str:
    email = re.split(r"[\s;,]+", value.strip().lower())[0] if value.strip() else ""
    if not email:
        return ""
    try:
        validate_email_address(email)
    except ValidationError:
        errors.append(f"adresse e-mail invalide : {value}")
        return ""
    if len(email) > 254:
        errors.append("adresse e-mail trop longue")
        return ""
    return email


def _postal_code_and_city(postal_code: str, city: str, errors: list[str]) -> tuple[str, str]:
    # "CP Ville" columns: "26000 Valence".
    combined = _CITY_WITH_POSTAL_CODE.match(city)
    if combined and not postal_code:
        postal_code, city = combined.groups()
    postal_code = postal_code.replace(" ", "")
    if postal_code.isdigit() and len(postal_code) == 4:
        postal_code = "0" + postal_code  # 1000 was 01000 before a spreadsheet made it a number
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        errors.append(f"code postal invalide : {postal_code}")
        postal_code = ""
    return postal_code, city
