"""Reads of the evaluation, scoped: a plan of another Département answers 404 like one that does not exist. Nothing
here reads a person's data: the evaluation works on the plan, the catalogue's aggregated values and the instance's
own notes."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.evaluation.enums import EvaluationTime, Register, SourceKind, WorkStatus
from jalon.evaluation.models import (
    EvaluationFramework,
    EvaluationReport,
    Finding,
    ScheduledEvaluation,
    SheetEvaluation,
    WorkItem,
)
from jalon.observatory.engine import value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.models import Indicator, IndicatorValue
from jalon.observatory.selectors import format_value
from jalon.programme.models import ActionSheet, Programme


def programmes_for(*, actor: Actor):
    programmes = Programme.objects.select_related("evaluation_framework").order_by("-end", "title")
    if actor.is_platform_admin:
        return programmes
    return programmes.filter(departement_id=actor.departement_code)


def programme_for(*, actor: Actor, code: str) -> Programme:
    return get_visible_or_404(programmes_for(actor=actor), code=code)


def framework_of(programme) -> EvaluationFramework | None:
    return EvaluationFramework.objects.filter(programme=programme).first()


def action_for(*, programme, pk) -> ActionSheet:
    return get_visible_or_404(programme.actions.select_related("axis", "objective", "programme"), pk=pk)


def questions_of(framework, *, action=None, whole_plan: bool = False):
    questions = framework.questions.prefetch_related(
        "indicators",
        "sources",
        Prefetch("findings", queryset=Finding.objects.select_related("author").order_by("-observed_on", "-pk")),
    ).select_related("action")
    if whole_plan:
        return questions
    return questions.filter(action=action)


def sheet_of(action) -> SheetEvaluation | None:
    return (
        SheetEvaluation.objects.select_related("owner_organisation", "owner_user", "framework")
        .filter(action=action)
        .first()
    )


def reports_of(framework, *, action=None, whole_plan: bool = False):
    reports = EvaluationReport.objects.filter(framework=framework).select_related("action", "generated_by")
    return reports if whole_plan else reports.filter(action=action)


def plan_overview(*, framework) -> dict:
    """The plan's page of the evaluation: the fiches with their framework or not, questions by register."""
    sheets = {s.action_id: s for s in framework.sheets.select_related("owner_organisation")}
    counts: dict[int | None, int] = {}
    for action_id in framework.questions.values_list("action_id", flat=True):
        counts[action_id] = counts.get(action_id, 0) + 1
    fiches = [
        {"action": action, "sheet": sheets.get(action.pk), "questions": counts.get(action.pk, 0)}
        for action in framework.programme.actions.filter(has_sheet=True).order_by("number")
    ]
    return {
        "registers": [
            {"label": Register(r["code"]).label, "example": r.get("example") or ""} for r in framework.registers
        ],
        "fiches": fiches,
        "with_framework": sum(1 for fiche in fiches if fiche["sheet"]),
        "plan_questions": counts.get(None, 0),
    }


@dataclass
class YearValue:
    year: int
    value: float | None
    shown: str


def indicator_series(*, departement_id: str, indicators) -> dict[str, list[YearValue]]:
    """Each indicator's yearly values for the whole Département, oldest first: what the observatory stores (computed
    by its runs, or entered and validated)."""
    units = {i.code: i.unit for i in indicators}
    rows = (
        IndicatorValue.objects.filter(
            departement_id=departement_id,
            indicator__code__in=units,
            period_kind=PeriodKind.YEAR,
            territory_level=TerritoryLevel.DEPARTEMENT,
            dimension=Dimension.ALL,
            segment="",
        )
        .order_by("indicator__code", "period_start")
        .values_list("indicator__code", "period_start", "numerator", "denominator")
    )
    series: dict[str, list[YearValue]] = {code: [] for code in units}
    for code, start, numerator, denominator in rows:
        value = value_of(units[code], numerator, denominator)
        series[code].append(YearValue(start.year, value, format_value(units[code], value)))
    return series


@dataclass
class CalendarEntry:
    day: date | None
    kind: str
    title: str
    fiche: str
    owner: str
    state: str
    late: bool = False
    url_pk: int | None = None  # the fiche's pk, for a link to its framework


def calendar_entries(*, programme, today: date, pending_only: bool = False) -> list[CalendarEntry]:
    """The scheduled evaluations of the fiches and the instance's work items, by date (undated work last); with
    `pending_only`, what is still to do, the late first."""
    schedule = ScheduledEvaluation.objects.filter(sheet__action__programme=programme).select_related(
        "sheet__action", "owner_organisation", "owner_user"
    )
    work = WorkItem.objects.filter(framework__programme=programme).select_related(
        "action", "owner_organisation", "owner_user"
    )
    if pending_only:
        schedule, work = schedule.pending(), work.open()
    entries = []
    for entry in schedule:
        late = entry.done_on is None and entry.due_on < today
        state = f"réalisée le {entry.done_on:%d/%m/%Y}" if entry.done_on else ("en retard" if late else "à venir")
        entries.append(
            CalendarEntry(
                day=entry.due_on,
                kind=f"Évaluation {EvaluationTime(entry.time).label}",
                title=f"Évaluation — {entry.sheet.action.code}",
                fiche=entry.sheet.action.code,
                owner=_owner(entry.owner_organisation, entry.owner_user),
                state=state,
                late=late,
                url_pk=entry.sheet.action_id,
            )
        )
    for item in work:
        late = item.status in (WorkStatus.PLANNED, WorkStatus.IN_PROGRESS) and item.due_on is not None
        late = late and item.due_on < today
        entries.append(
            CalendarEntry(
                day=item.due_on,
                kind="Programme de travail",
                title=item.title,
                fiche=item.action.code if item.action else "",
                owner=_owner(item.owner_organisation, item.owner_user),
                state=WorkStatus(item.status).label + (" — en retard" if late else ""),
                late=late,
                url_pk=item.action_id,
            )
        )
    return sorted(entries, key=lambda e: (e.day is None, e.day or date.max, e.title))


def _owner(organisation, user) -> str:
    if organisation is None:
        return "—"
    return f"{organisation} ({user.get_full_name()})" if user else str(organisation)


def calendar_rows(entries):
    yield ["Date", "Nature", "Objet", "Fiche", "Responsable", "État"]
    for entry in entries:
        yield [entry.day or "", entry.kind, entry.title, entry.fiche, entry.owner, entry.state]


def survey_sources(questions) -> list:
    """The surveys the questions rely on (the surveys room's results join them here once it is merged)."""
    return [source for question in questions for source in question.sources.all() if source.kind == SourceKind.SURVEY]


def indicator_choices():
    return Indicator.objects.order_by("position", "code")
