"""Screens of the evaluation. Thin: each parses, calls one service or selector, renders. Out of reach is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.exports import export_query, export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404
from jalon.evaluation import access, selectors, services
from jalon.evaluation.enums import QuestionOrigin, WorkStatus
from jalon.evaluation.forms import (
    FindingForm,
    MemberEndForm,
    MemberForm,
    QuestionForm,
    ReportForm,
    ScheduleDoneForm,
    ScheduleForm,
    SheetForm,
    SourceForm,
    WorkItemForm,
    WorkItemUpdateForm,
)
from jalon.evaluation.models import EvaluationReport, EvidenceSource, Finding, ScheduledEvaluation
from jalon.surveys.models import Campaign


FORM_TEMPLATE = "evaluation/form.html"


def _plan(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    return programme, selectors.framework_of(programme)


def _framework(request, code, *, edit: bool = False):
    """The plan and its référentiel; 404 when it has none, or when an edit is out of the actor's reach."""
    programme, framework = _plan(request, code)
    if framework is None or (edit and not access.may_edit(request.actor, programme)):
        raise Http404(NOT_FOUND_MESSAGE)
    return programme, framework


def _form_page(request, form, *, programme, title, back, intro="", extra=None):
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "programme": programme,
            "title": title,
            "back_url": reverse(back[0], args=back[1:]),
            "intro": intro,
            **(extra or {}),
        },
    )


@access.require_reader
def index(request):
    return render(
        request, "evaluation/index.html", {"programmes": list(selectors.programmes_for(actor=request.actor))}
    )


@access.require_reader
def plan(request, code):
    programme, framework = _plan(request, code)
    context = {
        "programme": programme,
        "framework": framework,
        "may_edit": access.may_edit(request.actor, programme),
    }
    if framework is not None:
        context.update(selectors.plan_overview(framework=framework))
        context["plan_questions"] = selectors.questions_of(framework, action=None)
        context["reports"] = selectors.reports_of(framework, whole_plan=True)[:20]
        context["report_form"] = ReportForm()
        context["upcoming"] = selectors.calendar_entries(
            programme=programme, today=timezone.localdate(), pending_only=True
        )[:6]
    return render(request, "evaluation/plan.html", context)


@access.require_reader
@require_POST
def framework_open(request, code):
    programme, framework = _plan(request, code)
    if not access.may_edit(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    if framework is not None:
        messages.info(request, "Ce plan a déjà un référentiel d'évaluation.")
        return redirect("evaluation:plan", code=code)
    services.framework_open(actor=request.actor, programme=programme)
    messages.success(
        request, "Le référentiel d'évaluation du plan est ouvert : mettez en place celui de chaque fiche."
    )
    return redirect("evaluation:plan", code=code)


@access.require_reader
def fiche(request, code, pk):
    programme, framework = _framework(request, code)
    action = selectors.action_for(programme=programme, pk=pk)
    sheet = selectors.sheet_of(action)
    questions = list(selectors.questions_of(framework, action=action))
    series = selectors.indicator_series(
        departement_id=programme.departement_id, indicators={i for q in questions for i in q.indicators.all()}
    )
    return render(
        request,
        "evaluation/fiche.html",
        {
            "programme": programme,
            "framework": framework,
            "action": action,
            "sheet": sheet,
            "schedule": sheet.schedule.select_related("owner_organisation", "owner_user") if sheet else [],
            "questions": questions,
            "latest": {code: values[-1] for code, values in series.items() if values},
            "reports": selectors.reports_of(framework, action=action),
            "report_form": ReportForm(),
            "may_edit": access.may_edit(request.actor, programme),
        },
    )


@access.require_reader
def fiche_set(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    action = selectors.action_for(programme=programme, pk=pk)
    sheet = selectors.sheet_of(action)
    initial = {"impacts": "\n".join(sheet.impacts), "version": sheet.version} if sheet else {}
    if sheet:
        initial.update(owner_organisation=sheet.owner_organisation, owner_user=sheet.owner_user)
    form = SheetForm(request.POST or None, initial=initial, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.sheet_set(actor=request.actor, action=action, **data)
    )
    if written:
        messages.success(request, f"Le cadre d'évaluation de « {action.code} » est enregistré.")
        return redirect("evaluation:fiche", code=code, pk=pk)
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Cadre d'évaluation — {action.code}",
        back=("evaluation:fiche", code, pk),
        intro=action.title,
        extra={"objectives": ([str(action.objective)] if action.objective else []) + list(action.objectives)},
    )


@access.require_reader
def question_add(request, code):
    programme, framework = _framework(request, code, edit=True)
    action = None
    if request.GET.get("fiche"):
        action = selectors.action_for(programme=programme, pk=request.GET["fiche"])
    form = QuestionForm(request.POST or None)
    written = submitted_write(
        request,
        form,
        lambda data: services.question_add(actor=request.actor, framework=framework, action=action, **data),
    )
    if written:
        messages.success(request, f"La question Q{written.result.number} est ajoutée.")
        if action:
            return redirect("evaluation:fiche", code=code, pk=action.pk)
        return redirect("evaluation:plan", code=code)
    return _form_page(
        request,
        form,
        programme=programme,
        title="Ajouter une question évaluative",
        back=("evaluation:fiche", code, action.pk) if action else ("evaluation:plan", code),
        intro=f"{action.code} — {action.title}" if action else "Question de l'ensemble du plan",
    )


def _question(framework, pk):
    return get_visible_or_404(framework.questions.select_related("action"), pk=pk)


def _back_of(question, code):
    return ("evaluation:fiche", code, question.action_id) if question.action_id else ("evaluation:plan", code)


@access.require_reader
def question_update(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    question = _question(framework, pk)
    editable = question.origin == QuestionOrigin.INSTANCE
    initial = {
        "text": question.text,
        "register": question.register,
        "asked_to": question.asked_to,
        "criteria": "\n".join(question.criteria),
        "indicators": list(question.indicators.all()),
    }
    form = QuestionForm(request.POST or None, initial=initial, text_editable=editable)
    written = submitted_write(
        request, form, lambda data: services.question_update(actor=request.actor, question=question, **data)
    )
    if written:
        messages.success(request, f"La question Q{question.number} est mise à jour.")
        return redirect(*_back_of(question, code))
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Question Q{question.number}",
        back=_back_of(question, code),
        intro=question.text if not editable else "",
    )


@access.require_reader
def source_add(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    question = _question(framework, pk)
    form = SourceForm(
        request.POST or None,
        campaigns=Campaign.objects.filter(departement_id=programme.departement_id).order_by("-opens_on"),
    )
    written = submitted_write(
        request, form, lambda data: services.source_add(actor=request.actor, question=question, **data)
    )
    if written:
        messages.success(request, "La source est ajoutée.")
        return redirect(*_back_of(question, code))
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Autre source pour Q{question.number}",
        back=_back_of(question, code),
        intro=question.text,
    )


@access.require_reader
@require_POST
def source_remove(request, code, pk):
    _programme, framework = _framework(request, code, edit=True)
    source = get_visible_or_404(EvidenceSource.objects.filter(question__framework=framework), pk=pk)
    question = source.question
    services.source_remove(actor=request.actor, source=source)
    messages.success(request, "La source est retirée.")
    return redirect(*_back_of(question, code))


@access.require_reader
def schedule_add(request, code, pk):
    programme, _framework_ = _framework(request, code, edit=True)
    action = selectors.action_for(programme=programme, pk=pk)
    sheet = selectors.sheet_of(action)
    if sheet is None:
        raise Http404(NOT_FOUND_MESSAGE)
    form = ScheduleForm(request.POST or None, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.evaluation_schedule(actor=request.actor, sheet=sheet, **data)
    )
    if written:
        messages.success(request, "L'évaluation est programmée.")
        return redirect("evaluation:fiche", code=code, pk=pk)
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Programmer une évaluation — {action.code}",
        back=("evaluation:fiche", code, pk),
        intro=f"Responsable de l'évaluation de la fiche : {sheet.owner_organisation}.",
    )


@access.require_reader
def schedule_done(request, code, pk):
    programme, _framework_ = _framework(request, code, edit=True)
    entry = get_visible_or_404(
        ScheduledEvaluation.objects.filter(sheet__action__programme=programme).select_related("sheet__action"), pk=pk
    )
    form = ScheduleDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.evaluation_done(actor=request.actor, entry=entry, **data)
    )
    if written:
        messages.success(request, "L'évaluation est marquée réalisée.")
        return redirect("evaluation:fiche", code=code, pk=entry.sheet.action_id)
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Évaluation {entry.get_time_display()} réalisée — {entry.sheet.action.code}",
        back=("evaluation:fiche", code, entry.sheet.action_id),
        intro=f"Prévue le {entry.due_on:%d/%m/%Y}.",
    )


@access.require_reader
@require_POST
def schedule_remove(request, code, pk):
    programme, _framework_ = _framework(request, code, edit=True)
    entry = get_visible_or_404(
        ScheduledEvaluation.objects.filter(sheet__action__programme=programme).select_related("sheet__action"), pk=pk
    )
    action_pk = entry.sheet.action_id
    services.evaluation_unschedule(actor=request.actor, entry=entry)
    messages.success(request, "L'évaluation programmée est retirée.")
    return redirect("evaluation:fiche", code=code, pk=action_pk)


@access.require_reader
def finding_add(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    question = _question(framework, pk)
    form = FindingForm(request.POST or None, initial={"observed_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.finding_record(actor=request.actor, question=question, **data)
    )
    if written:
        messages.success(request, "Le constat est enregistré.")
        return redirect(*_back_of(question, code))
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Constat sur Q{question.number}",
        back=_back_of(question, code),
        intro=question.text,
    )


@access.require_reader
def finding_update(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    finding = get_visible_or_404(
        Finding.objects.filter(question__framework=framework).select_related("question"), pk=pk
    )
    initial = {"text": finding.text, "sources": finding.sources, "observed_on": finding.observed_on}
    form = FindingForm(request.POST or None, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.finding_update(actor=request.actor, finding=finding, **data)
    )
    if written:
        messages.success(request, "Le constat est modifié ; sa version précédente reste dans son historique.")
        return redirect(*_back_of(finding.question, code))
    return _form_page(
        request,
        form,
        programme=programme,
        title=f"Modifier un constat sur Q{finding.question.number}",
        back=_back_of(finding.question, code),
        intro=finding.question.text,
        extra={"history": finding.history.select_related("history_user").order_by("-history_date")},
    )


def _with_late(items, today):
    items = list(items)
    for item in items:
        item.late = (
            item.status in (WorkStatus.PLANNED, WorkStatus.IN_PROGRESS) and bool(item.due_on) and item.due_on < today
        )
    return items


@access.require_reader
def instance(request, code):
    programme, framework = _framework(request, code)
    return render(
        request,
        "evaluation/instance.html",
        {
            "programme": programme,
            "framework": framework,
            "members": framework.members.select_related("organisation", "user"),
            "work_items": _with_late(
                framework.work_items.select_related("owner_organisation", "owner_user", "action"), timezone.localdate()
            ),
            "may_edit": access.may_edit(request.actor, programme),
            "today": timezone.localdate(),
        },
    )


@access.require_reader
def member_add(request, code):
    programme, framework = _framework(request, code, edit=True)
    form = MemberForm(request.POST or None, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.member_add(actor=request.actor, framework=framework, **data)
    )
    if written:
        messages.success(request, f"{written.result.name} rejoint l'instance évaluative.")
        return redirect("evaluation:instance", code=code)
    return _form_page(
        request, form, programme=programme, title="Ajouter un membre à l'instance", back=("evaluation:instance", code)
    )


@access.require_reader
def member_end(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    member = get_visible_or_404(framework.members.all(), pk=pk)
    form = MemberEndForm(request.POST or None, initial={"until": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.member_end(actor=request.actor, member=member, **data)
    )
    if written:
        messages.success(request, f"{member.name} a quitté l'instance évaluative.")
        return redirect("evaluation:instance", code=code)
    return _form_page(
        request, form, programme=programme, title=f"Sortie de {member.name}", back=("evaluation:instance", code)
    )


@access.require_reader
def work_add(request, code):
    programme, framework = _framework(request, code, edit=True)
    form = WorkItemForm(request.POST or None, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.work_item_create(actor=request.actor, framework=framework, **data)
    )
    if written:
        messages.success(request, "Le travail est ajouté au programme de l'instance.")
        return redirect("evaluation:instance", code=code)
    return _form_page(
        request, form, programme=programme, title="Ajouter un travail", back=("evaluation:instance", code)
    )


@access.require_reader
def work_update(request, code, pk):
    programme, framework = _framework(request, code, edit=True)
    item = get_visible_or_404(framework.work_items.all(), pk=pk)
    initial = {
        name: getattr(item, name)
        for name in (
            "title",
            "due_on",
            "status",
            "owner_organisation",
            "owner_user",
            "action",
            "description",
            "done_on",
        )
    }
    form = WorkItemUpdateForm(request.POST or None, initial=initial, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.work_item_update(actor=request.actor, item=item, **data)
    )
    if written:
        messages.success(request, "Le travail est mis à jour.")
        return redirect("evaluation:instance", code=code)
    return _form_page(request, form, programme=programme, title=item.title, back=("evaluation:instance", code))


@access.require_reader
def calendar(request, code):
    programme, framework = _framework(request, code)
    entries = selectors.calendar_entries(programme=programme, today=timezone.localdate())
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/calendar.html",
        {"programme": programme, "framework": framework, "page_obj": page, "query": export_query(request)},
    )


@access.require_reader
def calendar_export(request, code):
    programme, _framework_ = _framework(request, code)
    rows = selectors.calendar_rows(selectors.calendar_entries(programme=programme, today=timezone.localdate()))
    return export_response(request, rows, f"{programme.code}-calendrier-evaluation.csv")


@access.require_reader
@require_POST
def report_generate(request, code):
    programme, framework = _framework(request, code, edit=True)
    action = None
    if request.POST.get("fiche"):
        action = selectors.action_for(programme=programme, pk=request.POST["fiche"])
    form = ReportForm(request.POST)
    back = ("evaluation:fiche", code, action.pk) if action else ("evaluation:plan", code)
    if not form.is_valid():
        messages.error(request, "Choisissez le temps de l'évaluation (in itinere ou ex post).")
        return redirect(*back)
    try:
        report = services.report_generate(
            actor=request.actor, framework=framework, action=action, time=form.cleaned_data["time"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(*back)
    messages.success(request, f"La version {report.version} du rapport est produite.")
    return redirect(*back)


@access.require_reader
def report_download(request, code, pk, fmt):
    _programme, framework = _framework(request, code)
    report = get_visible_or_404(EvaluationReport.objects.filter(framework=framework), pk=pk)
    if fmt not in ("pdf", "docx"):
        raise Http404(NOT_FOUND_MESSAGE)
    file = getattr(report, fmt)
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])
