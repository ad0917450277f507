"""The OARSA return as a workbook in the DREES layout: one sheet per block of the questionnaire, laid out as the
DREES tables are (title in B2, field and source, then the rows: wording, breakdown « … », the year's value), with
the two counts beside each value and the DREES codes NR / NC / ND where the data cannot give it; a last sheet holds
the definitions used."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jalon.observatory.enums import Unit
from jalon.observatory.oarsa_return import CODE_LABELS, SOURCE_NOTE, OarsaReturn
from jalon.territories.models import Departement


DEFINITIONS = (
    (
        "Droits et devoirs",
        "Personne d'un foyer ayant un droit au RSA ouvert, allocataire ou conjoint, signalée soumise aux droits et "
        "devoirs par la CAF ou la MSA (sans emploi ou revenu d'activité inférieur à 500 € par mois).",
    ),
    (
        "Orientée",
        "A un organisme référent unique au 31/12 (orientation décidée au plus tard ce jour et non terminée), qu'un "
        "référent y soit nommé ou non.",
    ),
    (
        "SPE",
        "Par convention : France Travail (ex-Pôle emploi), missions locales, Cap emploi, structures de l'IAE. Tout "
        "le reste est « hors SPE » (associations, CCAS, CAF…) ; le conseil départemental et ses services "
        "territoriaux sont comptés à part.",
    ),
    (
        "CER au 31/12",
        "Contrat d'engagement réciproque valide ce jour : début au plus tard et fin au plus tôt le 31/12.",
    ),
    (
        "Ancienneté dans le RSA",
        "Celle du droit du foyer (donc de son allocataire), depuis sa dernière ouverture, au 31/12.",
    ),
    (
        "Entrée dans le RSA",
        "Date de la demande du RSA du foyer ; primo-orientation : première orientation décidée après cette date ; "
        "primo-CER : premier CER signé après cette date.",
    ),
    (
        "Actions des CER",
        "Objectifs du CER rattachés à un frein du référentiel du diagnostic dont les thématiques data·inclusion "
        "relèvent de la catégorie DREES (ou, pour la recherche d'emploi, au projet professionnel).",
    ),
)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _title(sheet, text: str, width: int) -> None:
    sheet["B2"] = text
    sheet["B2"].font = Font(bold=True, size=12)
    sheet.merge_cells(start_row=2, start_column=2, end_row=2, end_column=width)


def oarsa_workbook(result: OarsaReturn) -> bytes:
    departement = Departement.objects.get(pk=result.departement_id)
    place = f"{departement.code}-{departement.name}"
    book = Workbook()
    book.remove(book.active)
    for block in result.blocks:
        sheet = book.create_sheet(block.sheet)
        _title(sheet, f"{block.title} — {place}, au 31/12/{result.year}", 8)
        note = "Champ : personnes soumises aux droits et devoirs du Département.\n" + SOURCE_NOTE
        if result.computed_on:
            note += f"\nChiffres du calcul de l'observatoire du {result.computed_on:%d/%m/%Y}."
        if result.provisional:
            note += f"\nAnnée {result.year} non close : valeurs provisoires."
        sheet["B3"] = note
        sheet["B3"].alignment = WRAP
        sheet.merge_cells("B3:H3")
        sheet["B4"] = "En jours" if all(f.unit == Unit.DAYS for f in block.figures) else "En % (délais en jours)"
        headers = ["Indicateur", "Ventilation", result.year, "Effectif A", "Effectif B", "Code OARSA", "Observation"]
        for column, header in enumerate(headers, start=2):
            sheet.cell(row=5, column=column, value=header).font = BOLD
        row = 6
        first_of_wording = row
        for index, figure in enumerate(block.figures):
            if index and figure.wording != block.figures[index - 1].wording:
                if row - 1 > first_of_wording:
                    sheet.merge_cells(start_row=first_of_wording, start_column=2, end_row=row - 1, end_column=2)
                first_of_wording = row
            if row == first_of_wording:
                sheet.cell(row=row, column=2, value=figure.wording).alignment = WRAP
            sheet.cell(row=row, column=3, value=figure.breakdown or None).alignment = WRAP
            sheet.cell(row=row, column=4, value=figure.sheet_value)
            counted = figure.status in ("", "NC")
            sheet.cell(row=row, column=5, value=int(figure.numerator) if counted else None)
            sheet.cell(row=row, column=6, value=int(figure.denominator) if counted else None)
            sheet.cell(row=row, column=7, value=figure.code)
            sheet.cell(row=row, column=8, value=figure.reason or None).alignment = WRAP
            row += 1
        if row - 1 > first_of_wording:
            sheet.merge_cells(start_row=first_of_wording, start_column=2, end_row=row - 1, end_column=2)
        for column, width in zip(range(2, 9), (70, 45, 10, 11, 11, 11, 50), strict=True):
            sheet.column_dimensions[get_column_letter(column)].width = width

    sheet = book.create_sheet("Définitions")
    _title(sheet, f"Définitions utilisées — retour OARSA {result.year}, {place}", 7)
    sheet["B3"] = SOURCE_NOTE
    headers = ["Code OARSA", "Unité", "Population", "Numérateur (effectif A)", "Dénominateur (effectif B)"]
    for column, header in enumerate(headers, start=2):
        sheet.cell(row=5, column=column, value=header).font = BOLD
    row = 6
    for block in result.blocks:
        for figure in block.figures:
            unit = "jours (moyenne)" if figure.unit == Unit.DAYS else "%"
            values = [figure.code, unit, figure.population, figure.numerator_label, figure.denominator_label]
            for column, value in enumerate(values, start=2):
                sheet.cell(row=row, column=column, value=value).alignment = WRAP
            row += 1
    row += 1
    sheet.cell(row=row, column=2, value="Notions").font = BOLD
    for term, text in DEFINITIONS:
        row += 1
        sheet.cell(row=row, column=2, value=term)
        sheet.cell(row=row, column=4, value=text).alignment = WRAP
    row += 2
    sheet.cell(row=row, column=2, value="Codes").font = BOLD
    for code, text in CODE_LABELS.items():
        row += 1
        sheet.cell(row=row, column=2, value=code)
        sheet.cell(row=row, column=4, value=text)
    for column, width in zip(range(2, 7), (22, 16, 60, 60, 50), strict=True):
        sheet.column_dimensions[get_column_letter(column)].width = width

    output = BytesIO()
    book.save(output)
    return output.getvalue()
