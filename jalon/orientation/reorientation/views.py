from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.scoping import require_departement_staff, require_roles
from jalon.orientation.enums import LongTermConsequence, LongTermTypology
from jalon.orientation.reorientation import selectors, services
from jalon.orientation.reorientation.forms import (
    AcceptForm,
    AgendaAddForm,
    CloseForm,
    EplMeetingForm,
    JointDiagnosticExtensionForm,
    JointDiagnosticForm,
    LongTermFilterForm,
    LongTermReviewForm,
    RefuseForm,
    ReorientationRequestForm,
    WithdrawForm,
)
from jalon.orientation.reorientation.selectors import EPL_ROLES, LONG_TERM_ROLES, REQUEST_ROLES, REVIEW_ROLES
from jalon.orientation.selectors import dispositifs_for
from jalon.people.selectors import persons_page_open


PENDING_SHOWN = 100


# --- Requests -------------------------------------------------------------------------------------------------


@require_roles(*REQUEST_ROLES)
def request_create(request, person_pk):
    actor = request.actor
    person, current = selectors.person_for_request(actor=actor, pk=person_pk)
    form = ReorientationRequestForm(request.POST or None, departement_id=person.departement_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorientation_request(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"La demande de réorientation de {person} est enregistrée : elle attend l'ordre du jour d'une "
                "équipe pluridisciplinaire.",
            )
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "orientation/reorientation/request_form.html", {"form": form, "person": person, "current": current}
    )


@require_roles(*REQUEST_ROLES)
def request_withdraw(request, pk):
    actor = request.actor
    reorientation = selectors.request_for_actor(actor=actor, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorientation_withdraw(actor=actor, request=reorientation, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"La demande de réorientation de {reorientation.person} est retirée.")
            return redirect("people:detail", pk=reorientation.person_id)
    return render(
        request, "orientation/reorientation/withdraw_form.html", {"form": form, "reorientation": reorientation}
    )


# --- EPL meetings ---------------------------------------------------------------------------------------------


@require_departement_staff(*EPL_ROLES)
def epl_list(request):
    actor = request.actor
    form = EplMeetingForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.epl_meeting_create(actor=actor, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{meeting} créée : inscrivez les demandes à son ordre du jour.")
            return redirect("orientation:epl_detail", pk=meeting.pk)
    upcoming, past = selectors.epl_meeting_lists(actor=actor)
    pending = selectors.pending_requests(actor=actor)
    pending_count = pending.count()
    pending_rows = list(pending[:PENDING_SHOWN])
    today = timezone.localdate()
    for row in pending_rows:
        row.delays = selectors.request_delays(row, today=today)  # type: ignore[attr-defined]
    return render(
        request,
        "orientation/reorientation/epl_list.html",
        {
            "form": form,
            "upcoming": list(upcoming),
            "page_obj": Paginator(past, 20).get_page(request.GET.get("page")),
            "pending": pending_rows,
            "pending_count": pending_count,
            "show_form": request.method == "POST",
        },
    )


@require_departement_staff(*EPL_ROLES)
def epl_detail(request, pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    return _render_detail(request, meeting)


def _render_detail(request, meeting, *, agenda_form=None, close_form=None):
    actor = request.actor
    is_open = meeting.closed_at is None
    if agenda_form is None and is_open:
        agenda_form = AgendaAddForm(pending=selectors.pending_requests(actor=actor, meeting=meeting))
    if close_form is None and is_open:
        close_form = CloseForm(initial={"minutes": meeting.minutes})
    return render(
        request,
        "orientation/reorientation/epl_detail.html",
        {
            "meeting": meeting,
            "members": selectors.epl_meeting_members(meeting=meeting),
            "agenda": selectors.epl_agenda(actor=actor, meeting=meeting),
            "agenda_form": agenda_form,
            "close_form": close_form,
            "is_open": is_open,
            "has_taken_place": timezone.localdate(meeting.held_at) <= timezone.localdate(),
        },
    )


@require_departement_staff(*EPL_ROLES)
def epl_update(request, pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    form = EplMeetingForm(request.POST or None, actor=actor, initial=EplMeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.epl_meeting_update(actor=actor, meeting=meeting, minutes=meeting.minutes, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{meeting} enregistrée.")
            return redirect("orientation:epl_detail", pk=meeting.pk)
    return render(request, "orientation/reorientation/epl_form.html", {"form": form, "meeting": meeting})


@require_departement_staff(*EPL_ROLES)
@require_POST
def epl_agenda_add(request, pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    form = AgendaAddForm(request.POST, pending=selectors.pending_requests(actor=actor, meeting=meeting))
    if form.is_valid():
        try:
            count = services.epl_agenda_add(actor=actor, meeting=meeting, requests=form.cleaned_data["requests"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{count} demande{'s' if count > 1 else ''} inscrite{'s' if count > 1 else ''} à l'ordre du jour.",
            )
            return redirect("orientation:epl_detail", pk=meeting.pk)
    return _render_detail(request, meeting, agenda_form=form)


@require_departement_staff(*EPL_ROLES)
def epl_decide(request, pk, request_pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    item = selectors.agenda_item_get(actor=actor, meeting=meeting, pk=request_pk)
    person = item.person
    initial = {"orientation_type": item.requested_type, "dispositif": item.requested_dispositif}
    accept_form = AcceptForm(departement_id=person.departement_id, initial=initial)
    refuse_form = RefuseForm(prefix="refus")
    if request.method == "POST":
        accepted = request.POST.get("decision") == "accepter"
        if accepted:
            accept_form = AcceptForm(request.POST, departement_id=person.departement_id)
            form = accept_form
        else:
            refuse_form = RefuseForm(request.POST, prefix="refus")
            form = refuse_form
        if form.is_valid():
            try:
                services.reorientation_decide(actor=actor, request=item, accepted=accepted, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                outcome = "acceptée : la nouvelle orientation est enregistrée" if accepted else "refusée"
                messages.success(request, f"Réorientation de {person} {outcome}.")
                return redirect("orientation:epl_detail", pk=meeting.pk)
    item.delays = selectors.request_delays(item)  # type: ignore[attr-defined]
    return render(
        request,
        "orientation/reorientation/decision_form.html",
        {
            "meeting": meeting,
            "item": item,
            "person": person,
            "accept_form": accept_form,
            "refuse_form": refuse_form,
            "dispositifs": dispositifs_for(departement_id=person.departement_id),
        },
    )


@require_departement_staff(*EPL_ROLES)
@require_POST
def epl_postpone(request, pk, request_pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    item = selectors.agenda_item_get(actor=actor, meeting=meeting, pk=request_pk)
    try:
        services.reorientation_postpone(actor=actor, request=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"La demande de {item.person} est reportée : elle attend une prochaine EPL.")
    return redirect("orientation:epl_detail", pk=meeting.pk)


@require_departement_staff(*EPL_ROLES)
@require_POST
def epl_close(request, pk):
    actor = request.actor
    meeting = selectors.epl_meeting_get(actor=actor, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.epl_meeting_close(actor=actor, meeting=meeting, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{meeting} clôturée.")
            return redirect("orientation:epl_detail", pk=meeting.pk)
    return _render_detail(request, meeting, close_form=form)


# --- Long-term beneficiaries ----------------------------------------------------------------------------------


@require_roles(*LONG_TERM_ROLES)
def long_term_list(request):
    actor = request.actor
    form = LongTermFilterForm(request.GET or None, departement_id=actor.organisation.departement_id)
    filters = form.selector_kwargs()
    people = selectors.long_term_beneficiaries(actor=actor, **filters)
    page = persons_page_open(
        actor=actor, rows=people, screen="bénéficiaires de longue durée", page_number=request.GET.get("page")
    )
    today = timezone.localdate()
    for person in page:
        started = person.right_started_on
        person.years_in_rsa = (today - started).days // 365 if started else None
        if person.last_typology:
            person.last_typology_label = LongTermTypology(person.last_typology).label
            person.last_consequence_label = LongTermConsequence(person.last_consequence).label
    counts = selectors.long_term_counts(actor=actor, territory_id=filters["territory_id"])
    return render(
        request,
        "orientation/reorientation/long_term_list.html",
        {
            "form": form,
            "page_obj": page,
            "counts": counts,
            "can_review": actor.is_platform_admin or actor.has_role(*REVIEW_ROLES),
        },
    )


@require_roles(*REVIEW_ROLES)
def long_term_review(request, person_pk):
    actor = request.actor
    person = selectors.person_for_review(actor=actor, pk=person_pk)
    form = LongTermReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.long_term_review_record(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = f"Diagnostic de {person} enregistré ({review.get_typology_display()})."
            if review.reorientation_request_id:
                done += " Une demande de réorientation attend l'ordre du jour d'une EPL."
            messages.success(request, done)
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "orientation/reorientation/long_term_review_form.html",
        {
            "form": form,
            "person": person,
            "current": selectors.current_orientation(person=person),
            "reviews": selectors.person_reviews(person=person),
        },
    )


# --- The joint diagnostic of the social path ------------------------------------------------------------------


@require_roles(*REQUEST_ROLES)
def joint_diagnostic(request, person_pk):
    actor = request.actor
    person, orientation = selectors.person_for_joint_diagnostic(actor=actor, pk=person_pk)
    form = JointDiagnosticForm(request.POST or None, initial={"held_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.joint_diagnostic_record(actor=actor, person=person, **data)
    )
    if written:
        _orientation, reorientation = written.result
        done = f"Diagnostic conjoint de {person} enregistré."
        if reorientation is not None:
            done += " Une demande de réorientation attend l'ordre du jour d'une EPL."
        messages.success(request, done)
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "orientation/reorientation/joint_diagnostic_form.html",
        {
            "form": form,
            "extension_form": JointDiagnosticExtensionForm(),
            "person": person,
            "orientation": orientation,
            "due_on": selectors.joint_diagnostic_due_on(orientation),
        },
    )


@require_roles(*REQUEST_ROLES)
@require_POST
def joint_diagnostic_extend(request, person_pk):
    actor = request.actor
    person, _orientation = selectors.person_for_joint_diagnostic(actor=actor, pk=person_pk)
    form = JointDiagnosticExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez la difficulté qui justifie de porter le délai à douze mois.")
    else:
        try:
            services.joint_diagnostic_extend(actor=actor, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Le diagnostic conjoint de {person} est porté à douze mois.")
    return redirect("orientation:joint_diagnostic", person_pk=person.pk)
