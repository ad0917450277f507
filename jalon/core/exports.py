"""Every CSV and list workbook Jalon hands out goes through here, so that no cell can run as a spreadsheet formula.

A name, an identifier or a label written by a partner (a CAF flux, a spreadsheet, the offer's files) ends up in
exports opened with Excel or LibreOffice. A cell that begins with `=`, `+`, `-` or `@` (or a tab, a carriage return
or a NUL, which some spreadsheets skip before reading the rest) is run as a formula there: `=HYPERLINK(...)` sends
what the sheet holds elsewhere. OWASP's remedy: such a text cell gets a leading single quote, which spreadsheets
read as "this is text". Numbers, dates and negative amounts written as figures are left as they are.
"""

import csv
import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from itertools import chain
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


# OWASP's CSV injection list, with the NUL the ASVS (1.2.10) adds.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
# A negative figure already formatted as text ("-12", "-3,5"): a spreadsheet reads it as a number, not a formula.
_NEGATIVE_FIGURE = re.compile(r"-\d+(?:[.,]\d+)?", re.ASCII)
# Written as values: the csv module turns them into their usual text, which never starts a formula but "-".
_VALUES = (int, float, Decimal, datetime.date, datetime.time)

CSV_DELIMITER = ";"  # what French spreadsheet software expects


def neutralise(value: Any) -> Any:
    """The cell as it may be written: text that would start a formula gets a leading `'`; figures, dates and
    empty cells are returned unchanged."""
    if value is None or isinstance(value, _VALUES):
        return value
    text = str(value)  # lazy translations and other objects are text once written
    if text.startswith(FORMULA_PREFIXES) and not _NEGATIVE_FIGURE.fullmatch(text):
        return "'" + text
    return text


def neutralised_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


class SafeWriter:
    """A `csv.writer` whose rows are neutralised: use it wherever Jalon writes a CSV file for people to open."""

    def __init__(self, handle, **fmtparams):
        self._writer = csv.writer(handle, **fmtparams)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(neutralised_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file that hands back what is written to it, so that the csv module can feed a streamed response."""

    def write(self, value):
        return value


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed row by row (exports can hold a whole département), every cell neutralised."""
    writer = SafeWriter(_Echo(), delimiter=CSV_DELIMITER)
    # A BOM first, so that spreadsheet software opens the accents right.
    lines = chain(["\ufeff"], (writer.writerow(row) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(rows: Iterable[Iterable[Any]], filename: str, *, sheet_title: str = "Export") -> HttpResponse:
    """The same rows as a workbook (first row in bold as the header), every text cell neutralised: a spreadsheet
    file runs a cell beginning with `=` as a formula just as a CSV does."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        values = [_xlsx_value(value) for value in neutralised_row(row)]
        if index == 0:
            values = [_bold_cell(sheet, value, bold) for value in values]
        sheet.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_value(value: Any) -> Any:
    # Workbooks hold numbers as numbers; a Decimal is written as a float, as spreadsheets hold it anyway.
    return float(value) if isinstance(value, Decimal) else value


def _bold_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def export_response(request, rows: Iterable[Iterable[Any]], filename: str) -> HttpResponse | StreamingHttpResponse:
    """A list's export in the format asked (`?format=xlsx` for a workbook, CSV otherwise); `filename` ends in
    `.csv`, the workbook takes the same name."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename.removesuffix(".csv") + ".xlsx")
    return csv_response(rows, filename)


def export_query(request) -> str:
    """A list's filters, for its export links: the query string without the page number (an export holds every
    page)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
