"""Screens of the plan's governance. Thin: each parses, calls one service or selector, renders. Out of reach is 404:
a programme the actor does not read, a write by someone who may not write it."""

from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.exports import export_query, export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE
from jalon.programme import selectors as plan_selectors
from jalon.programme.access import require_plan_reader
from jalon.programme.governance import access, selectors, services
from jalon.programme.governance.forms import (
    DecisionDoneForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionUpdateForm,
    DocumentForm,
    MeetingForm,
)


def _programme(request, code):
    return plan_selectors.programme_for(actor=request.actor, code=code)


def _editor(request, programme):
    if not access.may_edit_governance(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)


@require_plan_reader
def bodies(request, code):
    programme = _programme(request, code)
    today = timezone.localdate()
    return render(
        request,
        "programme/governance/bodies.html",
        {
            "programme": programme,
            "bodies": selectors.bodies_with_meetings(programme=programme, today=today),
            "may_edit": access.may_edit_governance(request.actor, programme),
        },
    )


@require_plan_reader
def body_detail(request, code, body_pk):
    programme = _programme(request, code)
    today = timezone.localdate()
    body = selectors.body_page(programme=programme, pk=body_pk, today=today)
    meetings = body.meetings.prefetch_related("decisions").order_by("-held_on")
    return render(
        request,
        "programme/governance/body.html",
        {
            "programme": programme,
            "body": body,
            "meetings": meetings,
            "today": today,
            "may_edit": access.may_edit_governance(request.actor, programme),
        },
    )


def _meeting_form(request, programme, body, meeting=None):
    initial = {}
    if meeting:
        initial = {
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "remote": meeting.remote,
            "minutes": meeting.minutes,
        }
    return MeetingForm(request.POST or None, body=body, meeting=meeting, initial=initial)


@require_plan_reader
def meeting_create(request, code, body_pk):
    programme = _programme(request, code)
    _editor(request, programme)
    body = selectors.body_for(programme=programme, pk=body_pk)
    form = _meeting_form(request, programme, body)
    written = submitted_write(
        request, form, lambda _data: services.meeting_record(actor=request.actor, body=body, **form.service_kwargs())
    )
    if written:
        messages.success(request, "La réunion est enregistrée.")
        return redirect("programme:governance_meeting", code=code, pk=written.result.pk)
    return render(
        request,
        "programme/governance/meeting_form.html",
        {"form": form, "programme": programme, "body": body, "title": f"Nouvelle réunion — {body.name}"},
    )


@require_plan_reader
def meeting_update(request, code, pk):
    programme = _programme(request, code)
    _editor(request, programme)
    meeting = selectors.meeting_for(programme=programme, pk=pk)
    form = _meeting_form(request, programme, meeting.body, meeting)
    written = submitted_write(
        request,
        form,
        lambda _data: services.meeting_update(actor=request.actor, meeting=meeting, **form.service_kwargs()),
    )
    if written:
        messages.success(request, "La réunion est mise à jour.")
        return redirect("programme:governance_meeting", code=code, pk=pk)
    return render(
        request,
        "programme/governance/meeting_form.html",
        {
            "form": form,
            "programme": programme,
            "body": meeting.body,
            "meeting": meeting,
            "title": f"Modifier : {meeting}",
        },
    )


@require_plan_reader
def meeting_detail(request, code, pk):
    programme = _programme(request, code)
    meeting = selectors.meeting_for(programme=programme, pk=pk)
    today = timezone.localdate()
    context = selectors.meeting_page(meeting=meeting, today=today)
    for decision in context["decisions"]:
        decision.may_mark_done = decision.status == "open" and access.may_mark_done(request.actor, decision)
    return render(
        request,
        "programme/governance/meeting.html",
        {
            "programme": programme,
            "meeting": meeting,
            "body": meeting.body,
            "may_edit": access.may_edit_governance(request.actor, programme),
            **context,
        },
    )


@require_plan_reader
def document_add(request, code, pk):
    programme = _programme(request, code)
    _editor(request, programme)
    meeting = selectors.meeting_for(programme=programme, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    written = submitted_write(
        request,
        form,
        lambda data: services.meeting_document_add(
            actor=request.actor, meeting=meeting, kind=data["kind"], file=data["file"]
        ),
    )
    if written:
        messages.success(request, f"Le document « {written.result.name} » est déposé.")
        return redirect("programme:governance_meeting", code=code, pk=pk)
    return render(
        request,
        "programme/governance/form.html",
        {"form": form, "programme": programme, "meeting": meeting, "title": "Déposer un document", "upload": True},
    )


@require_plan_reader
def document_download(request, code, pk):
    programme = _programme(request, code)
    document = selectors.document_for(programme=programme, pk=pk)
    if not document.file:
        raise Http404(NOT_FOUND_MESSAGE)
    name = document.name or Path(document.file.name).name
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@require_plan_reader
def decision_create(request, code, pk):
    programme = _programme(request, code)
    _editor(request, programme)
    meeting = selectors.meeting_for(programme=programme, pk=pk)
    form = DecisionForm(request.POST or None, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.decision_record(actor=request.actor, meeting=meeting, **data)
    )
    if written:
        messages.success(request, "La décision est enregistrée.")
        return redirect("programme:governance_meeting", code=code, pk=pk)
    return render(
        request,
        "programme/governance/form.html",
        {"form": form, "programme": programme, "meeting": meeting, "title": "Nouvelle décision"},
    )


@require_plan_reader
def decision_update(request, code, pk):
    programme = _programme(request, code)
    _editor(request, programme)
    decision = selectors.decision_for(programme=programme, pk=pk)
    initial = {
        "text": decision.text,
        "owner_user": decision.owner_user_id,
        "owner_organisation": decision.owner_organisation_id,
        "due_on": decision.due_on,
        "status": decision.status,
        "follow_up": decision.follow_up,
        "follow_up_on": decision.follow_up_on,
    }
    form = DecisionUpdateForm(request.POST or None, programme=programme, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.decision_update(actor=request.actor, decision=decision, **data)
    )
    if written:
        messages.success(request, "La décision est mise à jour.")
        return redirect("programme:governance_meeting", code=code, pk=decision.meeting_id)
    return render(
        request,
        "programme/governance/form.html",
        {"form": form, "programme": programme, "meeting": decision.meeting, "title": "Mettre à jour la décision"},
    )


@require_plan_reader
def decision_done(request, code, pk):
    programme = _programme(request, code)
    decision = selectors.decision_for(programme=programme, pk=pk)
    if not access.may_mark_done(request.actor, decision):
        raise Http404(NOT_FOUND_MESSAGE)
    form = DecisionDoneForm(request.POST or None)
    written = submitted_write(
        request, form, lambda data: services.decision_mark_done(actor=request.actor, decision=decision, **data)
    )
    if written:
        messages.success(request, "La décision est marquée réalisée.")
        if request.POST.get("retour") == "reunion":
            return redirect("programme:governance_meeting", code=code, pk=decision.meeting_id)
        return redirect("programme:governance_decisions", code=code)
    return render(
        request,
        "programme/governance/form.html",
        {
            "form": form,
            "programme": programme,
            "meeting": decision.meeting,
            "decision": decision,
            "title": "Marquer la décision réalisée",
        },
    )


def _decisions(request, programme, today):
    form = DecisionFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.decisions_of(
        programme=programme,
        today=today,
        status=filters.get("status") or "",
        body=filters.get("body"),
        late=bool(filters.get("late")),
    )
    return form, decisions


@require_plan_reader
def decisions(request, code):
    programme = _programme(request, code)
    today = timezone.localdate()
    form, rows = _decisions(request, programme, today)
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    for decision in page:
        decision.late = decision.is_late(today)
        decision.may_mark_done = decision.status == "open" and access.may_mark_done(request.actor, decision)
    return render(
        request,
        "programme/governance/decisions.html",
        {
            "programme": programme,
            "form": form,
            "page_obj": page,
            "query": export_query(request),
            "may_edit": access.may_edit_governance(request.actor, programme),
        },
    )


@require_plan_reader
def decisions_export(request, code):
    programme = _programme(request, code)
    today = timezone.localdate()
    _form, rows = _decisions(request, programme, today)
    return export_response(
        request,
        selectors.decisions_export_rows(decisions=rows, today=today),
        f"{programme.code}-decisions-{today:%Y-%m-%d}.csv",
    )
