"""The evaluation report of a fiche or of the whole plan: the référentiel, the logic of each fiche, its questions
with their criteria, the catalogue indicators' values (charts in the PDF, tables in the editable DOCX), the surveys
and other sources, the instance's findings and the calendar. The same content feeds both formats, so the PDF and
the DOCX never say different things."""

import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.shared import Pt
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle

from jalon.core.pdf import (
    BODY_STYLE,
    BOLD,
    MARGIN,
    PAGE_WIDTH,
    REGULAR,
    a4_document,
    date_in_words,
    numbered_canvas,
    pdf_text,
)
from jalon.core.pdf import paragraph as _p
from jalon.evaluation import selectors
from jalon.evaluation.enums import EvaluationTime, Register
from jalon.observatory.enums import Unit
from jalon.programme.enums import PartnerRole
from jalon.surveys.selectors import campaign_results


TITLE_STYLE = ParagraphStyle("title", parent=BODY_STYLE, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)
H1_STYLE = ParagraphStyle("h1", parent=BODY_STYLE, fontName=BOLD, fontSize=13, spaceBefore=12, spaceAfter=6)
H2_STYLE = ParagraphStyle("h2", parent=BODY_STYLE, fontName=BOLD, fontSize=11, spaceBefore=8, spaceAfter=4)
H3_STYLE = ParagraphStyle("h3", parent=BODY_STYLE, fontName=BOLD, fontSize=10, spaceBefore=4, spaceAfter=2)
CELL_STYLE = ParagraphStyle("cell", parent=BODY_STYLE, fontSize=8.5, leading=10.5, spaceAfter=0)
BLUE = colors.HexColor("#000091")

# The report's headings, in order: the PDF and the DOCX carry the same ones.
HEADINGS = {
    "framework": "Référentiel d'évaluation",
    "logic": "Logique de la fiche : actions, objectifs, impacts attendus",
    "questions": "Questions évaluatives",
    "indicators": "Indicateurs du catalogue",
    "surveys": "Enquêtes et autres sources",
    "findings": "Constats de l'instance évaluative",
    "calendar": "Calendrier de l'évaluation",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class IndicatorBlock:
    code: str
    wording: str
    unit: str
    series: list  # [YearValue]

    @property
    def latest(self) -> str:
        return (
            f"{self.series[-1].shown} ({self.series[-1].year})" if self.series else "aucune valeur calculée ni saisie"
        )


@dataclass
class QuestionBlock:
    number: int
    text: str
    register: str
    origin: str
    asked_to: str
    source: str
    criteria: list[str]
    indicators: list[IndicatorBlock]
    sources: list[tuple[str, str, str, list[str]]]  # kind label, description, reference, a campaign's results
    findings: list[tuple[str, str, str, str]]  # date, author, text, sources


@dataclass
class FicheBlock:
    code: str
    title: str
    pilots: list[str]
    objectives: list[str]
    impacts: list[str]
    owner: str
    questions: list[QuestionBlock]
    schedule: list[str]
    has_framework: bool


@dataclass
class ReportContent:
    title: str
    subtitle: str
    time_label: str
    as_of: object
    registers: list[tuple[str, str]]
    times: list[tuple[str, str]]
    instance: str
    members: list[str]
    fiches: list[FicheBlock] = field(default_factory=list)
    plan_questions: list[QuestionBlock] = field(default_factory=list)
    work: list[str] = field(default_factory=list)

    @property
    def all_questions(self) -> list[QuestionBlock]:
        return [q for fiche in self.fiches for q in fiche.questions] + self.plan_questions


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %".replace(".", ",")


def survey_lines(campaign) -> list[str]:
    """A survey campaign's results as the report prints them: its answers and rate, its satisfaction, the shares of
    each choice question — only what the campaign's own screen shows (nothing under its anonymity threshold)."""
    results = campaign_results(campaign=campaign)
    lines = [
        f"Campagne « {campaign.title} » ({campaign.opens_on:%d/%m/%Y} – {campaign.closes_on:%d/%m/%Y}) : "
        f"{results.responses} réponse{'s' if results.responses > 1 else ''} pour {results.invited} personne"
        f"{'s' if results.invited > 1 else ''} invitée{'s' if results.invited > 1 else ''} "
        f"(taux de réponse {_percent(results.rate)})."
    ]
    if results.hidden:
        return [*lines, results.message]
    if results.satisfaction is not None:
        lines.append(
            f"Satisfaction : {_percent(results.satisfaction)} des {results.satisfaction_respondents} répondants."
        )
    for item in results.questions:
        if item.rows and not item.hidden:
            shares = " ; ".join(f"{row.label} {_percent(row.share)}" for row in item.rows)
            lines.append(f"{item.question.text} — {shares} ({item.respondents} répondants).")
    return lines


def _question_blocks(questions, series) -> list[QuestionBlock]:
    return [
        QuestionBlock(
            number=question.number,
            text=question.text,
            register=Register(question.register).label,
            origin=question.get_origin_display(),
            asked_to=question.asked_to,
            source=question.source,
            criteria=list(question.criteria),
            indicators=[
                IndicatorBlock(i.code, i.wording, i.unit, series.get(i.code, []))
                for i in sorted(question.indicators.all(), key=lambda i: i.code)
            ],
            sources=[
                (s.get_kind_display(), s.description, s.reference, survey_lines(s.campaign) if s.campaign else [])
                for s in question.sources.all()
            ],
            findings=[
                (
                    f"{f.observed_on:%d/%m/%Y}",
                    f.author.get_full_name() if f.author else "—",
                    f.text,
                    f.sources,
                )
                for f in question.findings.all()
            ],
        )
        for question in questions
    ]


def report_content(*, framework, action, time: str, as_of) -> ReportContent:
    programme = framework.programme
    whole_plan = action is None
    questions = list(selectors.questions_of(framework, action=action, whole_plan=whole_plan))
    indicators = {i for q in questions for i in q.indicators.all()}
    series = selectors.indicator_series(departement_id=programme.departement_id, indicators=indicators)
    sheets = {
        s.action_id: s
        for s in framework.sheets.select_related("owner_organisation", "owner_user").prefetch_related(
            "schedule__owner_organisation"
        )
    }
    if whole_plan:
        actions = [a for a in programme.actions.order_by("number") if a.pk in sheets]
    else:
        actions = [action]
    content = ReportContent(
        title=(f"Rapport d'évaluation {EvaluationTime(time).label} — " + (action.code if action else programme.title)),
        subtitle=programme.title,
        time_label=EvaluationTime(time).label,
        as_of=as_of,
        registers=[(Register(r["code"]).label, r.get("example") or "") for r in framework.registers],
        times=[(t["label"], t.get("text") or "") for t in framework.times],
        instance=framework.instance_name,
        members=[
            f"{m.name} — {m.get_kind_display()}" + (f" (jusqu'au {m.until:%d/%m/%Y})" if m.until else "")
            for m in framework.members.all()
        ],
    )
    for fiche in actions:
        sheet = sheets.get(fiche.pk)
        pilots = [
            p.organisation.name for p in fiche.partners.select_related("organisation") if p.role == PartnerRole.PILOT
        ]
        objectives = ([str(fiche.objective)] if fiche.objective else []) + list(fiche.objectives)
        content.fiches.append(
            FicheBlock(
                code=fiche.code,
                title=fiche.title,
                pilots=pilots,
                objectives=objectives,
                impacts=list(sheet.impacts) if sheet else [],
                owner=selectors._owner(sheet.owner_organisation, sheet.owner_user) if sheet else "—",
                questions=_question_blocks([q for q in questions if q.action_id == fiche.pk], series),
                schedule=[
                    f"{entry.get_time_display()} — {entry.due_on:%d/%m/%Y} — {entry.owner_organisation}"
                    + (f" — réalisée le {entry.done_on:%d/%m/%Y}" if entry.done_on else "")
                    for entry in (sheet.schedule.all() if sheet else [])
                ],
                has_framework=sheet is not None,
            )
        )
    if whole_plan:
        content.plan_questions = _question_blocks([q for q in questions if q.action_id is None], series)
    work = framework.work_items.select_related("owner_organisation")
    if not whole_plan:
        work = work.filter(action=action)
    content.work = [
        (f"{item.due_on:%d/%m/%Y}" if item.due_on else "sans échéance")
        + f" — {item.title} — {item.owner_organisation or '—'} — {item.get_status_display()}"
        for item in work
    ]
    return content


# -- PDF ------------------------------------------------------------------------------------------------------------


def _bar_chart(block: IndicatorBlock) -> Drawing:
    """The indicator's values by year, as bars (a rate in %)."""
    width, height = PAGE_WIDTH - 2 * MARGIN, 42 * mm
    drawing = Drawing(width, height)
    factor = 100 if block.unit == Unit.RATE else 1
    values = [(v.value or 0) * factor for v in block.series]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, min(width - 20 * mm, 22 * mm * len(values)), 28 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = [str(v.year) for v in block.series]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(values + [1]) * 1.15
    chart.bars[0].fillColor = BLUE
    shown = {value: pdf_text(v.shown) for value, v in zip(values, block.series, strict=True)}
    chart.barLabelFormat = lambda value: shown.get(value, "")
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, height - 4 * mm, pdf_text(f"{block.code} par année"), fontName=BOLD, fontSize=8))
    return drawing


def _table(rows, widths) -> Table:
    data = [[_p(str(cell), CELL_STYLE) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
            ]
        )
    )
    return table


def _pdf_questions(story, questions: list[QuestionBlock]) -> None:
    for q in questions:
        story.append(_p(f"Q{q.number} — {q.text}", H3_STYLE))
        story.append(
            _p(
                f"Registre : {q.register}. {q.origin.capitalize()}"
                + (f" ; posée aux {q.asked_to}" if q.asked_to else "")
                + (f". Source : {q.source}" if q.source else "")
                + "."
            )
        )
        if q.criteria:
            story.append(_p("Critères de jugement :"))
            story.extend(_p(c, bullet="•") for c in q.criteria)
        story.append(_p(HEADINGS["indicators"], H3_STYLE))
        if not q.indicators:
            story.append(_p("Aucun indicateur du catalogue ne répond à cette question."))
        for block in q.indicators:
            story.append(_p(f"{block.code} — {block.wording} : {block.latest}."))
            if block.series:
                story.append(
                    KeepTogether(
                        [
                            _table(
                                [
                                    ["Année", *[str(v.year) for v in block.series]],
                                    ["Valeur", *[v.shown for v in block.series]],
                                ],
                                [25 * mm] + [20 * mm] * len(block.series),
                            ),
                            _bar_chart(block),
                        ]
                    )
                )
        story.append(_p(HEADINGS["surveys"], H3_STYLE))
        if q.sources:
            for kind, description, reference, results in q.sources:
                story.append(_p(f"{kind} : {description}" + (f" ({reference})" if reference else ""), bullet="•"))
                story.extend(_p(line, bullet="–") for line in results)
        else:
            story.append(_p("Aucune autre source n'est prévue pour cette question."))
        story.append(_p(HEADINGS["findings"], H3_STYLE))
        if q.findings:
            for day, author, text, sources in q.findings:
                story.append(_p(f"{day}, {author} : {text}" + (f" (sources : {sources})" if sources else "")))
        else:
            story.append(_p("L'instance évaluative n'a pas encore consigné de constat sur cette question."))


def report_pdf(content: ReportContent, *, version: int) -> bytes:
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=content.title, author="Jalon")
    story = [
        _p(content.title, TITLE_STYLE),
        _p(f"{content.subtitle}. Version {version}, produite le {date_in_words(content.as_of)}."),
        _p(HEADINGS["framework"], H1_STYLE),
        _p("Registres évaluatifs :"),
        *[
            _p(f"{label}" + (f" (exemple du plan : {example})" if example else ""), bullet="•")
            for label, example in content.registers
        ],
        _p("Temps de l'évaluation :"),
        *[_p(f"{label}" + (f" : {text}" if text else ""), bullet="•") for label, text in content.times],
        _p(f"{content.instance or 'Instance évaluative'} : {', '.join(content.members) or 'composition non saisie'}."),
    ]
    for fiche in content.fiches:
        story.append(_p(f"{fiche.code} — {fiche.title}", H1_STYLE))
        story.append(_p(HEADINGS["logic"], H2_STYLE))
        story.append(_p(f"Pilotes : {', '.join(fiche.pilots) or '—'}. Responsable de l'évaluation : {fiche.owner}."))
        story.append(_p("Objectifs :"))
        story.extend(_p(o, bullet="•") for o in fiche.objectives or ["non écrits dans le plan"])
        story.append(_p("Impacts attendus :"))
        story.extend(_p(i, bullet="•") for i in fiche.impacts or ["non saisis"])
        story.append(_p(HEADINGS["questions"], H2_STYLE))
        if fiche.questions:
            _pdf_questions(story, fiche.questions)
        else:
            story.append(_p("Aucune question évaluative n'est posée pour cette fiche."))
        story.append(_p(HEADINGS["calendar"], H2_STYLE))
        story.extend(_p(s, bullet="•") for s in fiche.schedule or ["aucune évaluation programmée"])
    if content.plan_questions:
        story.append(_p("Questions de l'ensemble du plan", H1_STYLE))
        _pdf_questions(story, content.plan_questions)
    story.append(_p("Programme de travail de l'instance évaluative", H1_STYLE))
    story.extend(_p(line, bullet="•") for line in content.work or ["aucun travail programmé"])
    doc.build(story, canvasmaker=numbered_canvas(content.title))
    return buffer.getvalue()


# -- DOCX -----------------------------------------------------------------------------------------------------------


def _docx_questions(document, questions: list[QuestionBlock]) -> None:
    for q in questions:
        document.add_heading(f"Q{q.number} — {q.text}", level=3)
        document.add_paragraph(
            f"Registre : {q.register}. {q.origin.capitalize()}"
            + (f" ; posée aux {q.asked_to}" if q.asked_to else "")
            + (f". Source : {q.source}" if q.source else "")
            + "."
        )
        for criterion in q.criteria:
            document.add_paragraph(criterion, style="List Bullet")
        document.add_heading(HEADINGS["indicators"], level=4)
        if not q.indicators:
            document.add_paragraph("Aucun indicateur du catalogue ne répond à cette question.")
        for block in q.indicators:
            document.add_paragraph(f"{block.code} — {block.wording} : {block.latest}.")
            if block.series:
                table = document.add_table(rows=2, cols=len(block.series) + 1)
                table.style = "Table Grid"
                table.cell(0, 0).text, table.cell(1, 0).text = "Année", "Valeur"
                for column, value in enumerate(block.series, start=1):
                    table.cell(0, column).text = str(value.year)
                    table.cell(1, column).text = value.shown
        document.add_heading(HEADINGS["surveys"], level=4)
        for kind, description, reference, results in q.sources:
            document.add_paragraph(
                f"{kind} : {description}" + (f" ({reference})" if reference else ""), style="List Bullet"
            )
            for line in results:
                document.add_paragraph(line, style="List Bullet 2")
        if not q.sources:
            document.add_paragraph("Aucune autre source n'est prévue pour cette question.")
        document.add_heading(HEADINGS["findings"], level=4)
        for day, author, text, sources in q.findings:
            document.add_paragraph(f"{day}, {author} : {text}" + (f" (sources : {sources})" if sources else ""))
        if not q.findings:
            document.add_paragraph("L'instance évaluative n'a pas encore consigné de constat sur cette question.")


def report_docx(content: ReportContent, *, version: int) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = content.title
    document.add_heading(content.title, level=0)
    document.add_paragraph(f"{content.subtitle}. Version {version}, produite le {date_in_words(content.as_of)}.")
    document.add_heading(HEADINGS["framework"], level=1)
    document.add_paragraph("Registres évaluatifs :")
    for label, example in content.registers:
        document.add_paragraph(label + (f" (exemple du plan : {example})" if example else ""), style="List Bullet")
    document.add_paragraph("Temps de l'évaluation :")
    for label, text in content.times:
        document.add_paragraph(label + (f" : {text}" if text else ""), style="List Bullet")
    document.add_paragraph(
        f"{content.instance or 'Instance évaluative'} : {', '.join(content.members) or 'composition non saisie'}."
    )
    for fiche in content.fiches:
        document.add_heading(f"{fiche.code} — {fiche.title}", level=1)
        document.add_heading(HEADINGS["logic"], level=2)
        document.add_paragraph(
            f"Pilotes : {', '.join(fiche.pilots) or '—'}. Responsable de l'évaluation : {fiche.owner}."
        )
        document.add_paragraph("Objectifs :")
        for objective in fiche.objectives or ["non écrits dans le plan"]:
            document.add_paragraph(objective, style="List Bullet")
        document.add_paragraph("Impacts attendus :")
        for impact in fiche.impacts or ["non saisis"]:
            document.add_paragraph(impact, style="List Bullet")
        document.add_heading(HEADINGS["questions"], level=2)
        if fiche.questions:
            _docx_questions(document, fiche.questions)
        else:
            document.add_paragraph("Aucune question évaluative n'est posée pour cette fiche.")
        document.add_heading(HEADINGS["calendar"], level=2)
        for line in fiche.schedule or ["aucune évaluation programmée"]:
            document.add_paragraph(line, style="List Bullet")
    if content.plan_questions:
        document.add_heading("Questions de l'ensemble du plan", level=1)
        _docx_questions(document, content.plan_questions)
    document.add_heading("Programme de travail de l'instance évaluative", level=1)
    for line in content.work or ["aucun travail programmé"]:
        document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
