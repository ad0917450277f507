"""Reading beneficiary lists (CSV, XLSX), guessing their columns and checking their rows: no database."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.intake.spreadsheet import (
    EMPTY_FILE,
    NO_DATA_ROW,
    NO_HEADER_ROW,
    NOT_A_SPREADSHEET,
    ONE_COLUMN,
    SYNONYMS,
    SpreadsheetError,
    _header_key,
    guess_mapping,
    nir_key,
    normalise_phone,
    parse_row,
    read_table,
)


DROME = [
    "Nom bénéficiaire",
    "Prénom bénéficiaire",
    "Adresses Mails",
    "Date de Naissance",
    "Adresse",
    "CP Ville",
    "N° CAF",
    "Rôle",
    "N° Téléphones",
    "Civilité",
    "ID Iodas",
]
YONNE = [
    "N° CAF",
    "Nom",
    "Prénom",
    "Numéro(s) de téléphone",
    "Adresse",
    "Date de naissance",
    "Rôle",
    "Civilité",
    "Nom JF",
    "Code individu Iodas",
]
CARNET_DE_BORD = (
    "Identifiant dans le SI*;Prénom*;Nom*;Date de naissance*;NIR;Lieu de naissance;Téléphone;Email;Adresse;"
    "Adresse (complément);Code postal;Ville;Situation;Numéro allocataire CAF/MSA;Identifiant Pôle emploi;Droits RSA;"
    "Droits ARE;Droits ASS;Prime d'activité;RQTH;Zone de mobilité;Emploi recherché (code ROME);Niveau de formation;"
    "Structure;Accompagnateurs"
).split(";")


def table(content: bytes, name="liste.csv"):
    headers, rows = read_table(SimpleUploadedFile(name, content))
    return headers, list(rows)


def error_of(content: bytes, name="liste.csv") -> str:
    with pytest.raises(SpreadsheetError) as caught:
        table(content, name)
    return str(caught.value)


# -- reading -------------------------------------------------------------------------------------------------------


def test_a_semicolon_csv_in_utf8_with_bom_skips_empty_lines_and_keeps_line_numbers():
    content = "\ufeffNom;Prénom;Date de naissance\nDUPONT;Marie;06/05/1985\n\n;;\nMARTIN;Paul;01/01/1970\n"
    headers, rows = table(content.encode())
    assert headers == ["Nom", "Prénom", "Date de naissance"]
    assert rows == [(2, ["DUPONT", "Marie", "06/05/1985"]), (5, ["MARTIN", "Paul", "01/01/1970"])]


def test_a_comma_csv_with_quoted_cells_spanning_lines_and_short_rows():
    content = b'Nom,Adresse,Ville\r\nDUPONT,"12 rue des Pins\r\nB\xc3\xa2timent A",Dax\r\nMARTIN\r\n'
    headers, rows = table(content)
    assert headers == ["Nom", "Adresse", "Ville"]
    # The quoted address spans two lines: the next record starts on line 4; short rows are padded.
    assert rows == [(2, ["DUPONT", "12 rue des Pins Bâtiment A", "Dax"]), (4, ["MARTIN", "", ""])]


def test_a_windows_1252_csv_keeps_its_accents():
    content = "Nom;Prénom;Ville\nLEFÈVRE;Hélène;Saint-Sever\n".encode("windows-1252")
    headers, rows = table(content)
    assert headers == ["Nom", "Prénom", "Ville"]
    assert rows == [(2, ["LEFÈVRE", "Hélène", "Saint-Sever"])]


def test_a_tab_separated_file_whose_semicolons_are_inside_quotes():
    headers, rows = table(b'Nom\t"Adresse; bis"\nDUPONT\t"1; rue"\n')
    assert headers == ["Nom", "Adresse; bis"]
    assert rows == [(2, ["DUPONT", "1; rue"])]


def xlsx(rows, *, start_row=1) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=start_row + offset, column=column, value=value)
    workbook.create_sheet("Autre feuille")["A1"] = "ignorée"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_first_sheet_with_numbers_dates_and_leading_empty_rows():
    content = xlsx(
        [
            ["N° CAF", "Nom", "Date de naissance", "NIR", "Téléphone", None],
            [1234567, "DUPONT", datetime.date(1985, 5, 6), 2850540192123, 612345678, None],
            [None, None, None, None, None],
            ["0123456", "MARTIN", datetime.datetime(1970, 1, 1), "1700140088123", "06 12 34 56 78"],  # noqa: DTZ001
        ],
        start_row=3,
    )
    headers, rows = table(content, "liste.xlsx")
    assert headers == ["N° CAF", "Nom", "Date de naissance", "NIR", "Téléphone"]
    assert rows == [
        (4, ["1234567", "DUPONT", "1985-05-06", "2850540192123", "612345678"]),
        (6, ["0123456", "MARTIN", "1970-01-01", "1700140088123", "06 12 34 56 78"]),
    ]


def test_read_table_takes_a_path_and_rewinds_an_upload(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(b"Nom;Prenom\nDUPONT;Marie\n")
    assert read_table(path)[0] == ["Nom", "Prenom"]
    upload = SimpleUploadedFile("liste.csv", path.read_bytes())
    read_table(upload)
    assert upload.read() == path.read_bytes()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4\n\x00\x01\x02 stream binary\x00\x00", "liste.csv"),
        (b"PK\x03\x04 not really a zip", "liste.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken xls", "liste.xls"),
        (bytes(range(256)) * 4, "liste.csv"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_in_french(content, name):
    assert error_of(content, name) == NOT_A_SPREADSHEET == "Ce fichier n'est pas un tableur lisible (CSV, XLSX, ODS)."


def test_a_word_document_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert error_of(buffer.getvalue(), "liste.xlsx") == NOT_A_SPREADSHEET


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n", b";;;\n;;\n"])
def test_an_empty_file_is_refused(content):
    assert error_of(content) == EMPTY_FILE


def test_an_empty_workbook_is_refused():
    assert error_of(xlsx([]), "vide.xlsx") == EMPTY_FILE


def test_a_header_row_alone_is_refused():
    assert error_of(b"Nom;Prenom;Date de naissance\n") == NO_DATA_ROW


@pytest.mark.parametrize(
    "first_line",
    ["DUPONT;Marie;06/05/1985", "DUPONT;Marie;2850540192123", "DUPONT;marie@exemple.fr;x", "1;2;3"],
)
def test_a_file_without_header_row_is_refused(first_line):
    assert error_of(f"{first_line}\nMARTIN;Paul;01/01/1970\n".encode()) == NO_HEADER_ROW


def test_duplicated_headers_are_refused_naming_the_column():
    message = error_of("Nom;Prénom;nom\nDUPONT;Marie;X\n".encode())
    assert message.startswith("Plusieurs colonnes s'appellent « nom »")


def test_a_file_of_one_column_is_refused():
    assert error_of(b"Nom\nDUPONT\n") == ONE_COLUMN


def test_empty_header_cells_are_named_and_trailing_ones_dropped():
    headers, rows = table(b"Nom;;Prenom;;\nDUPONT;x;Marie;;\n")
    assert headers == ["Nom", "colonne 2", "Prenom"]
    assert rows == [(2, ["DUPONT", "x", "Marie"])]


# -- guessing the columns --------------------------------------------------------------------------------------------


def test_no_wording_is_a_synonym_of_two_fields():
    keys: dict[str, str] = {}
    for field, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            assert keys.setdefault(_header_key(synonym), field) == field, synonym


def test_guess_mapping_on_the_drome_file():
    assert guess_mapping(DROME) == {
        "internal_id": "ID Iodas",
        "matricule": "N° CAF",
        "role": "Rôle",
        "civility": "Civilité",
        "last_name": "Nom bénéficiaire",
        "first_name": "Prénom bénéficiaire",
        "birth_date": "Date de Naissance",
        "phone": "N° Téléphones",
        "email": "Adresses Mails",
        "address": "Adresse",
        "city": "CP Ville",
    }


def test_guess_mapping_on_the_yonne_file():
    assert guess_mapping(YONNE) == {
        "internal_id": "Code individu Iodas",
        "matricule": "N° CAF",
        "role": "Rôle",
        "civility": "Civilité",
        "last_name": "Nom",
        "birth_name": "Nom JF",
        "first_name": "Prénom",
        "birth_date": "Date de naissance",
        "phone": "Numéro(s) de téléphone",
        "address": "Adresse",
    }


def test_guess_mapping_on_the_carnet_de_bord_file():
    assert guess_mapping(CARNET_DE_BORD) == {
        "nir": "NIR",
        "internal_id": "Identifiant dans le SI*",
        "matricule": "Numéro allocataire CAF/MSA",
        "last_name": "Nom*",
        "first_name": "Prénom*",
        "birth_date": "Date de naissance*",
        "phone": "Téléphone",
        "email": "Email",
        "address": "Adresse",
        "postal_code": "Code postal",
        "city": "Ville",
        "france_travail_id": "Identifiant Pôle emploi",
    }


def test_guess_mapping_ignores_case_accents_punctuation_and_other_peoples_columns():
    headers = [
        "NOM DU RÉFÉRENT",
        "NOM",
        "PRENOM",
        "DATE-DE-NAISSANCE",
        "Lieu de naissance",
        "Nº allocataire",
        "Matricule",
        "Nom de naissance",
        "Tél. portable",
        "Courriel",
        "Sexe",
    ]
    assert guess_mapping(headers) == {
        "matricule": "Nº allocataire",
        "last_name": "NOM",
        "birth_name": "Nom de naissance",
        "first_name": "PRENOM",
        "birth_date": "DATE-DE-NAISSANCE",
        "phone": "Tél. portable",
        "email": "Courriel",
    }


# -- checking a row --------------------------------------------------------------------------------------------------

HEADERS = [
    "Nom",
    "Nom JF",
    "Prénom",
    "Date de naissance",
    "NIR",
    "N° CAF",
    "Organisme",
    "Rôle",
    "Civilité",
    "Téléphone",
    "Email",
    "CP Ville",
    "ID Iodas",
]
MAPPING = guess_mapping(HEADERS)


def parse(date_format="%d/%m/%Y", **cells):
    row = {"Nom": "DUPONT", "Prénom": "Marie", "Date de naissance": "06/05/1985"}
    row.update(cells)
    return parse_row([row.get(header, "") for header in HEADERS], HEADERS, MAPPING, date_format)


def test_the_mapping_of_the_row_tests():
    assert set(MAPPING) == {
        "last_name",
        "birth_name",
        "first_name",
        "birth_date",
        "nir",
        "matricule",
        "organisme",
        "role",
        "civility",
        "phone",
        "email",
        "city",
        "internal_id",
    }


def test_a_valid_row_is_normalised():
    values, errors = parse_row(
        [
            "  Dupont  ",
            "Lefèvre",
            "Marie  Claire",
            "06/05/1985",
            "2 85 05 40 192 123",
            "123456",
            "msa",
            "Demandeur",
            "Madame",
            "+33 (0)6 12 34 56 78",
            "Marie.Dupont@Exemple.FR",
            "40000 Mont-de-Marsan",
            "IOD-42",
        ],
        HEADERS,
        MAPPING,
        "%d/%m/%Y",
    )
    assert errors == []
    assert values == {
        "nir": "2850540192123",
        "internal_id": "IOD-42",
        "matricule": "0123456",
        "organisme": "MSA",
        "role": "DEM",
        "civility": "MME",
        "last_name": "Dupont",
        "birth_name": "Lefèvre",
        "first_name": "Marie Claire",
        "birth_date": datetime.date(1985, 5, 6),
        "phone": "06 12 34 56 78",
        "email": "marie.dupont@exemple.fr",
        "address": "",
        "postal_code": "40000",
        "city": "Mont-de-Marsan",
        "france_travail_id": "",
    }


@pytest.mark.parametrize(
    ("raw", "role"), [("DEM", "DEM"), ("cjt", "CJT"), ("ENF", "ENF"), ("conjoint", "CJT"), ("Enfant", "ENF")]
)
def test_roles_accept_codes_and_words(raw, role):
    values, errors = parse(Rôle=raw)
    assert (values["role"], errors) == (role, [])


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("612345678", "06 12 34 56 78"),  # a number cell lost its leading zero
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("0033 5 58 00 00 00", "05 58 00 00 00"),
        ("05 58 00 00 00 / 07 12 34 56 78", "07 12 34 56 78"),  # the mobile one
        ("+262 692 12 34 56", "+262692123456"),
        ("", ""),
        ("12 34", None),
        ("appeler le soir", None),
    ],
)
def test_phone_numbers_in_french_format(raw, phone):
    assert normalise_phone(raw) == phone


def test_each_error_of_a_row_is_said_in_french():
    _values, errors = parse(
        Nom="",
        Prénom="",
        **{"Date de naissance": "31/02/1980"},
        NIR="28505401921",
        Email="marie.dupont@",
        Rôle="grand-mère",
        Organisme="Pôle emploi",
        Téléphone="12 34",
    )
    assert errors == [
        "nom manquant",
        "prénom manquant",
        "date de naissance illisible : 31/02/1980 (format attendu : JJ/MM/AAAA)",
        "NIR invalide : 11 caractères au lieu de 13 (ou 15 avec la clé)",
        "organisme inconnu : Pôle emploi (CAF ou MSA attendu)",
        "rôle inconnu : grand-mère (demandeur, conjoint ou enfant attendu)",
        "numéro de téléphone invalide : 12 34",
        "adresse e-mail invalide : marie.dupont@",
    ]


def test_dates_follow_the_chosen_format_and_iso_dates_of_workbooks_always_read():
    assert parse(**{"Date de naissance": "1985-05-06"})[0]["birth_date"] == datetime.date(1985, 5, 6)
    assert parse(**{"Date de naissance": "1985-05-06 00:00:00"})[0]["birth_date"] == datetime.date(1985, 5, 6)
    values, errors = parse("%d-%m-%Y", **{"Date de naissance": "06-05-1985"})
    assert (values["birth_date"], errors) == (datetime.date(1985, 5, 6), [])
    assert parse("%d-%m-%Y", **{"Date de naissance": "06/05/1985"})[1] == [
        "date de naissance illisible : 06/05/1985 (format attendu : JJ-MM-AAAA)"
    ]
    assert parse(**{"Date de naissance": "06/05/2999"})[1] == ["date de naissance invraisemblable : 06/05/2999"]
    # A missing birth date is not an error of the row by itself: the import decides (see test_spreadsheet_import).
    assert parse(**{"Date de naissance": ""})[0]["birth_date"] is None
    assert parse(**{"Date de naissance": ""})[1] == []


def test_the_nir_key():
    assert nir_key("2850540192123") == 7
    # Corsica: 2A counts as 19 (and 2B as 18).
    assert nir_key("185072A123456") == 97 - 1850719123456 % 97 == 65


@pytest.mark.parametrize(
    ("raw", "nir", "error"),
    [
        ("2850540192123", "2850540192123", None),
        ("2 85 05 40 192 123 07", "2850540192123", None),
        ("185072a12345665", "185072A123456", None),
        ("285054019212308", "", "NIR invalide : la clé (2 derniers chiffres) ne correspond pas au numéro"),
        ("28505401921", "", "NIR invalide : 11 caractères au lieu de 13 (ou 15 avec la clé)"),
        ("9850540192123", "", "NIR invalide : premier caractère « 9 » invalide (1, 2, 3, 4, 7 ou 8 attendu)"),
    ],
)
def test_nir_with_or_without_its_key(raw, nir, error):
    values, errors = parse(NIR=raw)
    assert values["nir"] == nir
    assert errors == ([error] if error else [])


def test_other_checks_and_fixes():
    assert parse(Civilité="M.")[0]["civility"] == "MR"
    assert parse(Civilité="Docteur")[1] == ["civilité inconnue : Docteur (M. ou Mme attendu)"]
    assert parse(**{"CP Ville": "Dax"})[0]["city"] == "Dax"
    assert parse(Nom="---")[1] == ["nom illisible : ---"]
    assert parse(Nom="X" * 101)[1] == ["nom d'usage trop long : 100 caractères au plus"]
