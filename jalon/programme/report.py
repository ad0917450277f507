"""The plan and its yearly « bilan », printed (PDF) or as a workbook: per action, its state, the year's review,
its steps due that year and its indicators against the year's target. Read from the same selectors as the
screens, so a printed bilan never says something else than the fiche."""

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from jalon.core.pdf import BODY_STYLE, BOLD, a4_document, date_in_words, numbered_canvas, pdf_text
from jalon.core.pdf import paragraph as _p
from jalon.observatory.models import IndicatorTarget
from jalon.observatory.selectors import format_value, latest_yearly_values
from jalon.programme.enums import PartnerRole
from jalon.programme.models import ActionIndicator, ProgressReview


TITLE_STYLE = ParagraphStyle("title", parent=BODY_STYLE, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)
HEADING_STYLE = ParagraphStyle("heading", parent=BODY_STYLE, fontName=BOLD, fontSize=12, spaceBefore=10)
ACTION_STYLE = ParagraphStyle("action", parent=BODY_STYLE, fontName=BOLD, fontSize=10.5, spaceBefore=6, spaceAfter=2)
CELL_STYLE = ParagraphStyle("cell", parent=BODY_STYLE, fontSize=8.5, leading=10.5, spaceAfter=0)


@dataclass
class ActionReport:
    action: object
    pilots: list[str]
    status: str
    review: ProgressReview | None
    steps_due: int = 0
    steps_done: int = 0
    indicators: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, wording, target, latest


def yearly_report(*, programme, year: int | None) -> list[ActionReport]:
    actions = list(
        programme.actions.select_related("axis")
        .prefetch_related("partners__organisation", "steps")
        .order_by("axis__position", "number")
    )
    reviews = {r.action_id: r for r in ProgressReview.objects.filter(action__programme=programme, year=year)}
    links = list(ActionIndicator.objects.filter(action__programme=programme).select_related("indicator"))
    targets = {
        t.indicator_id: t.value
        for t in IndicatorTarget.objects.filter(
            departement_id=programme.departement_id, year=year, territory__isnull=True
        )
    }
    latest = latest_yearly_values(
        departement_id=programme.departement_id, codes={link.indicator.code for link in links}
    )
    by_action: dict[int, list] = {}
    for link in links:
        unit = link.indicator.unit
        target = format_value(unit, targets[link.indicator_id]) if link.indicator_id in targets else "—"
        value = latest.get(link.indicator.code)
        shown = f"{value.shown} ({value.period_start.year})" if value else "—"
        by_action.setdefault(link.action_id, []).append((link.indicator.code, link.indicator.wording, target, shown))
    rows = []
    for action in actions:
        review = reviews.get(action.pk)
        steps = [
            s
            for s in action.steps.all()
            if year is not None
            and (s.planned_end or s.planned_start)
            and (s.planned_end or s.planned_start).year == year
        ]
        rows.append(
            ActionReport(
                action=action,
                pilots=[p.organisation.name for p in action.partners.all() if p.role == PartnerRole.PILOT],
                status=review.get_status_display() if review else action.get_status_display(),
                review=review,
                steps_due=len(steps),
                steps_done=sum(1 for s in steps if s.done_on),
                indicators=by_action.get(action.pk, []),
            )
        )
    return rows


def report_rows(*, programme, year: int):
    yield [
        "Axe",
        "Code",
        "Action",
        "Pilotes",
        f"État {year}",
        f"Bilan {year}",
        "Difficultés",
        "Étapes de l'année",
        "Indicateurs (cible / dernière valeur)",
    ]
    for row in yearly_report(programme=programme, year=year):
        yield [
            row.action.axis.code,
            row.action.code,
            row.action.title,
            ", ".join(row.pilots),
            row.status,
            row.review.summary if row.review else "",
            row.review.difficulties if row.review else "",
            f"{row.steps_done} / {row.steps_due}" if row.steps_due else "",
            " ; ".join(f"{code} : cible {target}, valeur {shown}" for code, _w, target, shown in row.indicators),
        ]


def _indicator_table(indicators) -> Table:
    data = [[_p("Indicateur", CELL_STYLE), _p("Cible", CELL_STYLE), _p("Dernière valeur", CELL_STYLE)]]
    data += [
        [_p(f"{code} — {wording}", CELL_STYLE), pdf_text(target), pdf_text(shown)]
        for code, wording, target, shown in indicators
    ]
    table = Table(data, colWidths=[110 * mm, 25 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#000091")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
            ]
        )
    )
    return table


def report_pdf(*, programme, year: int | None, as_of) -> bytes:
    """The plan (year None) or its bilan of `year`, axis by axis and action by action."""
    title = f"Bilan {year} — {programme.title}" if year else f"Plan d'action — {programme.title}"
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        title=title,
        author=programme.document or programme.title,
    )
    story = [
        _p(title, TITLE_STYLE),
        _p(
            f"{programme.get_kind_display()}, {programme.start:%d/%m/%Y} – {programme.end:%d/%m/%Y}. "
            f"Édité le {date_in_words(as_of)} depuis Jalon ; chaque action renvoie à la section du document d'où "
            "elle vient."
        ),
    ]
    axis = None
    for row in yearly_report(programme=programme, year=year):
        action = row.action
        if action.axis_id != getattr(axis, "pk", None):
            axis = action.axis
            story.append(_p(f"{axis.code} — {axis.title}", HEADING_STYLE))
        story.append(_p(f"{action.code} — {action.title}", ACTION_STYLE))
        story.append(
            _p(
                f"Pilotes : {', '.join(row.pilots) or '—'}. État : {row.status}. "
                f"Échéancier : {action.schedule or '—'}. Source : {action.source or '—'}."
            )
        )
        if year:
            if row.review:
                story.append(_p(f"Bilan {year} : {row.review.summary}"))
                if row.review.difficulties:
                    story.append(_p(f"Difficultés : {row.review.difficulties}"))
            else:
                story.append(_p(f"Bilan {year} : pas encore écrit."))
            if row.steps_due:
                story.append(_p(f"Étapes prévues dans l'année : {row.steps_done} réalisée(s) sur {row.steps_due}."))
        if row.indicators:
            story.append(_indicator_table(row.indicators))
    doc.build(story, canvasmaker=numbered_canvas(title))
    return buffer.getvalue()
