"""The evaluation report of one Pyrénées-Atlantiques fiche on the demo's data: generated, its PDF pages rendered to
images in `test-output/`, its text holding the fiche's questions and an indicator value, and its DOCX opening with
the same headings."""

import io
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
import time_machine
from django.conf import settings
from docx import Document
from pypdf import PdfReader

from jalon.evaluation import services
from jalon.evaluation.enums import EvaluationTime
from jalon.evaluation.report import HEADINGS
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.models import Indicator, IndicatorValue
from tests.evaluation.factories import TODAY, actor_of, pa_with_demo


pytestmark = pytest.mark.django_db

OUTPUT_DIR = Path(settings.BASE_DIR) / "test-output" / "evaluation"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_report_of_fiche_1_is_generated_and_opened(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        programme, pilot, _analyst = pa_with_demo()
        # The observatory's yearly values of P02 (taux d'orientation), as its runs store them.
        for year, oriented in ((2024, 61), (2025, 78)):
            IndicatorValue.objects.create(
                indicator=Indicator.objects.get(code="P02"),
                departement_id="64",
                territory_level=TerritoryLevel.DEPARTEMENT,
                territory_code="64",
                period_kind=PeriodKind.YEAR,
                period_start=date(year, 1, 1),
                dimension=Dimension.ALL,
                segment="",
                numerator=oriented,
                denominator=100,
            )
        fiche = programme.actions.get(code="Fiche 1")
        report = services.report_generate(
            actor=actor_of(pilot),
            framework=programme.evaluation_framework,
            action=fiche,
            time=EvaluationTime.IN_ITINERE,
        )

    with report.pdf.open("rb") as stored:
        pdf = stored.read()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 2
    for index in range(len(document)):
        image = document[index].render(scale=1.5).to_pil()
        assert image.width > 800
        image.save(OUTPUT_DIR / f"rapport-fiche-1-page-{index + 1}.png")
    text = _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for question in fiche.evaluation_questions:
        assert _flat(question)[:60] in text
    assert "P02" in text and "78,0 %" in text and "61,0 %" in text  # the latest value and the series
    assert "Les personnes reçues jugent la trame claire" in text  # a finding of the instance
    assert "Questionnaire aux personnes reçues en cellule d'orientation" in text  # a survey source

    with report.docx.open("rb") as stored:
        docx = Document(io.BytesIO(stored.read()))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    for heading in HEADINGS.values():
        assert heading in headings
        assert heading in text
    body = " ".join(p.text for p in docx.paragraphs)
    assert fiche.evaluation_questions[0] in " ".join(headings)
    assert "78,0 %" in " ".join(cell.text for table in docx.tables for row in table.rows for cell in row.cells)
    assert "Les personnes reçues jugent la trame claire" in body
