"""Reading back a list's export in tests: the CSV's rows and the workbook's, as the same lists of text."""

import csv
import io

import openpyxl


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def xlsx_rows(response) -> list[list[str]]:
    """The workbook's first sheet, each cell as the CSV writes it (a figure as its digits, an empty cell as "")."""
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
