from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.exports import export_query, export_response
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff, require_roles
from jalon.core.sorting import Sorting
from jalon.orientation.enums import SessionKind, SessionStage
from jalon.orientation.sessions import selectors, services
from jalon.orientation.sessions.forms import (
    AttendanceForm,
    CancelForm,
    FollowUpForm,
    InviteForm,
    ResponseForm,
    SessionForm,
    StageForm,
)
from jalon.people.models import Person
from jalon.people.selectors import person_view_record


PLANNERS = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
# France Travail advisers and référents see (and run) the sessions they are mobilised on.
VIEWERS = (*PLANNERS, Role.TERRITORY_MANAGER, Role.REFERENT)
_AGENDA_COLUMNS = {
    "date": ("starts_at",),
    "type": ("kind",),
    "lieu": ("place",),
    "territoire": ("territory__name",),
    "places": ("invited", "capacity"),
}
# Upcoming sessions the soonest first, past ones the latest first.
AGENDA_SORTING = Sorting(_AGENDA_COLUMNS, default="date")
PAST_SORTING = Sorting(_AGENDA_COLUMNS, default="-date")


def _can_run(actor, session) -> bool:
    return actor.acts_for_departement(*PLANNERS) or any(
        user.pk == actor.user.pk for user in session.professionals.all()
    )


def _session_or_404(request, pk):
    # Scoped by the model: the Département's overseers see their sessions, the others those they are mobilised on.
    return selectors.session_for(actor=request.actor, pk=pk)


def _runnable_or_404(request, pk):
    session = _session_or_404(request, pk)
    if not _can_run(request.actor, session):
        raise Http404(NOT_FOUND_MESSAGE)
    return session


def _report(request, outcome, done: str) -> None:
    messages.success(request, done)
    for person, channel, reason in outcome.undelivered:
        messages.warning(request, f"{person} — {channel} non envoyé : {reason}")


def _agenda_filters(request) -> dict:
    """The agenda's filters from its query string: past or upcoming, mine only (always for a référent), a kind."""
    kind = request.GET.get("type", "")
    return {
        "past": request.GET.get("periode") == "passees",
        "mine": request.actor.has_role(Role.REFERENT) or request.GET.get("mes") == "1",
        "kind": kind if kind in SessionKind.values else "",
    }


def _agenda_sort(request, filters):
    return (PAST_SORTING if filters["past"] else AGENDA_SORTING).state(request)


@require_roles(*VIEWERS)
def agenda(request):
    filters = _agenda_filters(request)
    sort = _agenda_sort(request, filters)
    sessions = sort.apply(selectors.sessions_agenda(actor=request.actor, **filters))
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "orientation/sessions/agenda.html",
        {
            "page_obj": page,
            "past": filters["past"],
            "mine": filters["mine"],
            "kind": request.GET.get("type", ""),
            "kinds": SessionKind.choices,
            "export_query": export_query(request),
            "sort": sort,
        },
    )


@require_roles(*VIEWERS)
def agenda_csv(request):
    filters = _agenda_filters(request)
    rows = selectors.sessions_agenda_export(actor=request.actor, sort=_agenda_sort(request, filters), **filters)
    return export_response(request, rows, f"seances-{timezone.localdate():%Y-%m-%d}.csv")


@require_departement_staff(*PLANNERS)
def session_create(request):
    actor = request.actor
    form = SessionForm(request.POST or None, departement_id=actor.organisation.departement_id)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=actor, kind=form.cleaned_data["kind"], mode=form.cleaned_data["mode"], **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "La séance est créée. Invitez maintenant les personnes depuis la file « à orienter »."
            )
            return redirect("orientation:session_detail", pk=session.pk)
    return render(request, "orientation/sessions/session_form.html", {"form": form})


@require_departement_staff(*PLANNERS)
def session_edit(request, pk):
    actor = request.actor
    session = _runnable_or_404(request, pk)
    form = SessionForm(
        request.POST or None, initial=SessionForm.initial_for(session), departement_id=session.departement_id
    )
    form.fields["kind"].disabled = form.fields["mode"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=actor, session=session, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "La séance est modifiée.")
            return redirect("orientation:session_detail", pk=session.pk)
    return render(request, "orientation/sessions/session_form.html", {"form": form, "session": session})


@require_roles(*VIEWERS)
def session_detail(request, pk):
    session = _session_or_404(request, pk)
    participants = selectors.session_participants_open(
        actor=request.actor, session=session, screen="séance d'orientation"
    )
    stages = list(SessionStage)
    reached = {change.stage: change for change in selectors.session_stage_history(session=session)}
    next_stage = SessionStage.following(session.stage)
    loose_ends = services.session_loose_ends(session) if next_stage == SessionStage.CLOSED else []
    return render(
        request,
        "orientation/sessions/session_detail.html",
        {
            "session": session,
            "participants": participants,
            "can_run": _can_run(request.actor, session),
            "stages": [(stage, reached.get(stage)) for stage in stages],
            "stage_index": stages.index(SessionStage(session.stage)) + 1,
            "stage_count": len(stages),
            "next_stage": next_stage,
            "stage_form": StageForm(asks_confirmation=bool(loose_ends)),
            "loose_ends": loose_ends,
            "takes_invitations": session.starts_at > timezone.now(),
            "openable_person_ids": set(
                Person.objects.visible_to(request.actor)
                .filter(pk__in=[p.person_id for p in participants])
                .values_list("pk", flat=True)
            ),
            "free": session.capacity - len(participants),
            "to_record": sum(1 for p in participants if not p.attendance),
        },
    )


@require_departement_staff(*PLANNERS)
@require_POST
def invite(request):
    """The queue's bulk action: invite the ticked people to a session."""
    actor = request.actor
    form = InviteForm(request.POST, sessions=selectors.sessions_open_for_invitation(actor=actor))
    ids = [value for value in request.POST.getlist("persons") if value.isdigit()]
    persons = list(Person.objects.visible_to(actor).filter(pk__in=ids))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(request.POST.get("next") or "orientation:queue")
    if len(persons) != len(set(ids)):
        raise Http404(NOT_FOUND_MESSAGE)
    session = form.cleaned_data["session"]
    try:
        outcome = services.session_invite(
            actor=actor,
            session=session,
            persons=persons,
            channels=form.cleaned_data["channels"],
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(request.POST.get("next") or "orientation:queue")
    count = len(outcome.participants)
    _report(
        request, outcome, f"{count} personne{'s' if count > 1 else ''} invitée{'s' if count > 1 else ''} à la séance."
    )
    return redirect("orientation:session_detail", pk=session.pk)


@require_roles(*VIEWERS)
def attendance(request, pk):
    actor = request.actor
    session = _runnable_or_404(request, pk)
    participants = selectors.session_participants_open(actor=actor, session=session, screen="présences d'une séance")
    form = AttendanceForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(actor=actor, session=session, attendance=form.attendance())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Présence enregistrée pour {count} personne{'s' if count > 1 else ''}.")
            return redirect("orientation:session_detail", pk=session.pk)
    return render(
        request,
        "orientation/sessions/attendance_form.html",
        {"session": session, "form": form, "recorded": [p for p in participants if p.attendance]},
    )


@require_roles(*VIEWERS)
@require_POST
def advance(request, pk):
    session = _runnable_or_404(request, pk)
    form = StageForm(request.POST)
    form.is_valid()
    try:
        session = services.session_advance(
            actor=request.actor,
            session=session,
            note=form.cleaned_data.get("note", ""),
            confirm_loose_ends=form.cleaned_data.get("confirm_loose_ends", False),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Étape « {session.get_stage_display()} » enregistrée.")
    return redirect("orientation:session_detail", pk=pk)


@require_departement_staff(*PLANNERS)
def cancel(request, pk):
    session = _runnable_or_404(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.session_cancel(actor=request.actor, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _report(request, outcome, "La séance est annulée ; les personnes invitées sont prévenues.")
            return redirect("orientation:session_detail", pk=pk)
    return render(request, "orientation/sessions/cancel_form.html", {"session": session, "form": form})


@require_departement_staff(*PLANNERS)
@require_POST
def remind(request, pk):
    session = _runnable_or_404(request, pk)
    try:
        outcome = services.session_reminders_send_now(actor=request.actor, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        count = len(outcome.participants)
        _report(request, outcome, f"Relance envoyée à {count} personne{'s' if count > 1 else ''}.")
    return redirect("orientation:session_detail", pk=pk)


def _participant_or_404(request, pk):
    participant = selectors.participant_for(actor=request.actor, pk=pk)
    if not _can_run(request.actor, participant.session):
        raise Http404(NOT_FOUND_MESSAGE)
    person_view_record(actor=request.actor, person=participant.person, screen="suite d'un participant à une séance")
    return participant


@require_roles(*VIEWERS)
def respond(request, pk):
    participant = _participant_or_404(request, pk)
    form = ResponseForm(
        request.POST or None, initial={"response": participant.response, "note": participant.response_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_respond(
                actor=request.actor,
                participant=participant,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Réponse de {participant.person} enregistrée.")
            return redirect("orientation:session_detail", pk=participant.session_id)
    return render(
        request,
        "orientation/sessions/participant_form.html",
        {"participant": participant, "form": form, "title": "Réponse à l'invitation"},
    )


@require_roles(*VIEWERS)
def follow_up(request, pk):
    participant = _participant_or_404(request, pk)
    sessions = selectors.sessions_open_for_invitation(actor=request.actor)
    form = FollowUpForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.absence_follow_up(
                actor=request.actor,
                participant=participant,
                follow_up=form.cleaned_data["follow_up"],
                new_session=form.cleaned_data["new_session"],
                channels=form.cleaned_data["channels"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome is not None:
                _report(request, outcome, f"{participant.person} est invité(e) à la nouvelle séance.")
            else:
                messages.success(request, "La suite donnée à l'absence est enregistrée.")
            return redirect("orientation:session_detail", pk=participant.session_id)
    return render(
        request,
        "orientation/sessions/participant_form.html",
        {"participant": participant, "form": form, "title": "Suite donnée à l'absence"},
    )
