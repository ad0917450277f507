"""Screens of the users' participation bodies. Thin: each parses, calls one service or selector, renders. Out of
reach is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.exports import export_query, export_response
from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE
from jalon.participation import access, selectors, services
from jalon.participation.forms import (
    AnswerForm,
    AttendanceForm,
    BodyForm,
    ExpenseForm,
    FollowupFilterForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
    ProposalForm,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404(NOT_FOUND_MESSAGE)


def _form_page(request, form, *, title, body=None, cancel=None, intro=""):
    return render(
        request,
        "participation/form.html",
        {"form": form, "title": title, "body": body, "cancel": cancel, "intro": intro},
    )


@access.require_reader
def body_list(request):
    today = timezone.localdate()
    bodies = selectors.bodies_listing(actor=request.actor, today=today)
    return render(
        request,
        "participation/bodies.html",
        {
            "committees": [b for b in bodies if b.is_committee],
            "epl_bodies": [b for b in bodies if not b.is_committee],
            "may_edit": access.may_edit_any(request.actor),
            "may_report": access.may_report(request.actor),
            "report_years": list(range(today.year - 1, today.year - 4, -1)),
            "counts": selectors.participation_counts(
                departement_id=request.actor.departement_code or "", year=today.year
            ),
        },
    )


@access.require_reader
def body_create(request):
    _require(access.may_edit_any(request.actor))
    form = BodyForm(request.POST or None, departement_id=request.actor.departement_code)
    written = submitted_write(request, form, lambda data: services.body_create(actor=request.actor, **data))
    if written:
        messages.success(request, "L'instance est créée : inscrivez ses membres.")
        return redirect("participation:body", pk=written.result.pk)
    return _form_page(request, form, title="Nouvelle instance de participation")


@access.require_reader
def body_detail(request, pk):
    body = selectors.body_for(actor=request.actor, pk=pk)
    now = timezone.now()
    page = selectors.body_page(actor=request.actor, body=body, now=now)
    return render(
        request,
        "participation/body.html",
        {
            "body": body,
            "may_edit": access.may_edit(request.actor, body),
            "may_run": access.may_run(request.actor, body),
            **page,
        },
    )


@access.require_reader
def member_add(request, pk):
    body = selectors.body_for(actor=request.actor, pk=pk)
    _require(access.may_edit(request.actor, body))
    form = MemberForm(request.POST or None, departement_id=body.departement_id)
    written = submitted_write(
        request,
        form,
        lambda data: services.member_add(actor=request.actor, body=body, today=timezone.localdate(), **data),
    )
    if written:
        messages.success(request, f"{written.result.person} siège désormais dans l'instance.")
        return redirect("participation:body", pk=body.pk)
    return _form_page(
        request,
        form,
        title="Ajouter un membre",
        body=body,
        intro="La personne s'est portée volontaire et a donné son consentement : sans lui, elle ne siège pas.",
    )


@access.require_reader
def member_leave(request, pk, member_pk):
    body = selectors.body_for(actor=request.actor, pk=pk)
    _require(access.may_edit(request.actor, body))
    member = selectors.member_for(actor=request.actor, body=body, pk=member_pk)
    form = LeaveForm(request.POST or None)
    written = submitted_write(
        request,
        form,
        lambda data: services.member_leave(actor=request.actor, member=member, today=timezone.localdate(), **data),
    )
    if written:
        messages.success(request, "Le départ est enregistré.")
        return redirect("participation:body", pk=body.pk)
    return _form_page(request, form, title=f"Départ de {member.person}", body=body)


@access.require_reader
def meeting_create(request, pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_run(request.actor, body))
    form = MeetingForm(request.POST or None, request.FILES or None)
    written = submitted_write(
        request, form, lambda data: services.meeting_save(actor=request.actor, body=body, now=timezone.now(), **data)
    )
    if written:
        messages.success(request, "La réunion est enregistrée.")
        return redirect("participation:meeting", pk=body.pk, meeting_pk=written.result.pk)
    return _form_page(request, form, title="Nouvelle réunion", body=body)


@access.require_reader
def meeting_update(request, pk, meeting_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_run(request.actor, body))
    meeting = selectors.meeting_for(body=body, pk=meeting_pk)
    initial = {
        "held_at": timezone.localtime(meeting.held_at),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
    }
    form = MeetingForm(request.POST or None, request.FILES or None, initial=initial)
    written = submitted_write(
        request,
        form,
        lambda data: services.meeting_save(
            actor=request.actor, body=body, meeting=meeting, now=timezone.now(), **data
        ),
    )
    if written:
        messages.success(request, "La réunion est mise à jour.")
        return redirect("participation:meeting", pk=body.pk, meeting_pk=meeting.pk)
    return _form_page(request, form, title=f"{meeting} — modifier", body=body)


@access.require_reader
def meeting_detail(request, pk, meeting_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    meeting = selectors.meeting_for(body=body, pk=meeting_pk)
    now = timezone.now()
    page = selectors.meeting_page(actor=request.actor, meeting=meeting, now=now)
    may_run = access.may_run(request.actor, body)
    return render(
        request,
        "participation/meeting.html",
        {
            "body": body,
            "meeting": meeting,
            "may_run": may_run,
            "may_edit": access.may_edit(request.actor, body),
            "attendance_form": AttendanceForm(rows=page["rows"]) if may_run and page["is_past"] else None,
            **page,
        },
    )


@access.require_reader
@require_POST
def attendance_record(request, pk, meeting_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_run(request.actor, body))
    meeting = selectors.meeting_for(body=body, pk=meeting_pk)
    form = AttendanceForm(request.POST, rows=selectors.attendance_rows(meeting))
    try:
        form.is_valid()
        count = services.attendance_record(
            actor=request.actor, meeting=meeting, statuses=form.statuses(), now=timezone.now()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Présences enregistrées pour {count} membre{'s' if count > 1 else ''}.")
    return redirect("participation:meeting", pk=body.pk, meeting_pk=meeting.pk)


@access.require_reader
def expense_add(request, pk, meeting_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_run(request.actor, body))
    meeting = selectors.meeting_for(body=body, pk=meeting_pk)
    form = ExpenseForm(request.POST or None, members=selectors.present_members(actor=request.actor, meeting=meeting))
    written = submitted_write(
        request,
        form,
        lambda data: services.expense_record(actor=request.actor, meeting=meeting, today=timezone.localdate(), **data),
    )
    if written:
        messages.success(request, "Les frais sont enregistrés.")
        return redirect("participation:meeting", pk=body.pk, meeting_pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=f"Frais et indemnités — {meeting}",
        body=body,
        intro="Pour un membre présent à la réunion : transport, repas, garde d'enfant ou indemnité de participation.",
    )


@access.require_reader
def minutes_file(request, pk, meeting_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    meeting = selectors.meeting_for(body=body, pk=meeting_pk)
    if not meeting.minutes_file:
        raise Http404(NOT_FOUND_MESSAGE)
    return FileResponse(meeting.minutes_file.open("rb"), as_attachment=True, filename=meeting.minutes_name)


@access.require_reader
def proposal_create(request, pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_run(request.actor, body))
    meetings = body.meetings.filter(held_at__lte=timezone.now())
    initial = {}
    if (value := request.GET.get("reunion", "")).isdigit():
        initial["made_at"] = int(value)
    form = ProposalForm(request.POST or None, initial=initial, meetings=meetings)
    written = submitted_write(
        request,
        form,
        lambda data: services.proposal_record(actor=request.actor, body=body, today=timezone.localdate(), **data),
    )
    if written:
        messages.success(request, "La proposition est enregistrée : elle attend la réponse du Département.")
        return redirect("participation:body", pk=body.pk)
    return _form_page(request, form, title="Nouvelle proposition du comité", body=body)


@access.require_reader
def proposal_answer(request, pk, proposal_pk):
    body = selectors.committee_for(actor=request.actor, pk=pk)
    _require(access.may_edit(request.actor, body))
    proposal = selectors.proposal_for(body=body, pk=proposal_pk)
    initial = {
        "status": proposal.status,
        "answer": proposal.answer,
        "refusal_reason": proposal.refusal_reason,
        "shown_back_at": proposal.shown_back_at_id,
    }
    form = AnswerForm(request.POST or None, initial=initial, meetings=body.meetings.all())
    written = submitted_write(
        request,
        form,
        lambda data: services.proposal_answer(
            actor=request.actor, proposal=proposal, today=timezone.localdate(), **data
        ),
    )
    if written:
        messages.success(request, "La réponse est enregistrée.")
        return redirect("participation:body", pk=body.pk)
    return _form_page(
        request,
        form,
        title=f"Répondre : {proposal.title}",
        body=body,
        intro=f"Formulée le {proposal.made_on:%d/%m/%Y}. {proposal.description}",
    )


def _followup(request):
    bodies = selectors.bodies_for(request.actor).committees()
    years = sorted(
        {d.year for d in selectors.proposals_followup(actor=request.actor).dates("made_on", "year")}, reverse=True
    )
    form = FollowupFilterForm(request.GET or None, bodies=bodies, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    proposals = selectors.proposals_followup(
        actor=request.actor,
        status=filters.get("statut") or "",
        body_id=filters.get("comite"),
        year=filters.get("annee"),
    )
    return form, proposals


@access.require_reader
def proposal_list(request):
    form, proposals = _followup(request)
    return render(
        request,
        "participation/proposals.html",
        {
            "form": form,
            "page_obj": Paginator(proposals, 25).get_page(request.GET.get("page")),
            "query": export_query(request),
        },
    )


@access.require_reader
def proposal_export(request):
    _form, proposals = _followup(request)
    return export_response(
        request, selectors.proposals_export_rows(proposals), f"propositions-comites-usagers-{timezone.localdate()}.csv"
    )


@access.require_reader
def epl_attendance(request, pk, meeting_pk):
    body = selectors.body_for(actor=request.actor, pk=pk)
    _require(not body.is_committee and access.may_run(request.actor, body))
    epl_meeting = services.epl_meetings(body).filter(pk=meeting_pk).first()
    _require(epl_meeting is not None)
    rows = selectors.epl_attendance_rows(actor=request.actor, body=body, epl_meeting=epl_meeting)
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.epl_attendance_record(
                actor=request.actor, body=body, epl_meeting=epl_meeting, statuses=form.statuses(), now=timezone.now()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Les présences des usagers à l'EPL sont enregistrées.")
            return redirect("participation:body", pk=body.pk)
    return _form_page(request, form, title=f"Présences des usagers — {epl_meeting}", body=body)


@access.require_reader
@require_POST
def counts_report(request):
    _require(access.may_report(request.actor))
    try:
        year = int(request.POST.get("year", ""))
        entries = services.participation_counts_report(actor=request.actor, year=year, today=timezone.localdate())
    except (ValueError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", ["Choisissez une année."])))
    else:
        codes = ", ".join(entry.indicator.code for entry in entries)
        messages.success(
            request, f"Les comptes de {year} sont reportés dans l'observatoire ({codes}), en brouillon à soumettre."
        )
    return redirect("participation:bodies")
