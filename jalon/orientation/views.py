from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.exports import export_query, export_response
from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.scoping import require_departement_staff, require_roles
from jalon.core.sorting import Sorting
from jalon.core.text import plural
from jalon.orientation import selectors, services
from jalon.orientation.forms import CaseloadTransferForm, DecisionForm, QueueFilterForm, ReferentChangeForm
from jalon.orientation.interviews import selectors as interview_selectors
from jalon.orientation.sessions import selectors as session_selectors
from jalon.orientation.sessions.forms import InviteForm
from jalon.people.selectors import persons_page_open, persons_view_record


QUEUE_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
DECISION_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)


def _queue_filters(request):
    """The queue's filter form and the selector's arguments it gives (none when the form is invalid: the whole
    queue, as the screen shows it)."""
    form = QueueFilterForm(request.GET or None, departement_id=request.actor.organisation.departement_id)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {
        "territory_id": getattr(filters.get("territory"), "pk", None),
        "role": filters.get("role", ""),
        "min_age": filters.get("min_age"),
        "max_age": filters.get("max_age"),
        "min_months": filters.get("min_months"),
    }


QUEUE_SORTING = Sorting(
    {
        "nom": ("normalized_last_name", "normalized_first_name"),
        "naissance": ("birth_date",),
        "commune": ("commune__name",),
        "demande": ("right_requested_on",),
    },
    default="demande",  # the longest waits first
)
CASELOAD_SORTING = Sorting(
    {"nom": ("normalized_last_name", "normalized_first_name"), "commune": ("commune__name",)}, default="nom"
)


@require_departement_staff(*QUEUE_ROLES)
def queue(request):
    actor = request.actor
    form, filters = _queue_filters(request)
    people = selectors.orientation_queue(actor=actor, **filters)
    sort = QUEUE_SORTING.state(request)
    page = persons_page_open(
        actor=actor,
        rows=QUEUE_SORTING.apply(people, sort),
        screen="file des personnes à orienter",
        page_number=request.GET.get("page"),
        count=selectors.orientation_queue_count(actor=actor, **filters),
    )
    today = timezone.localdate()
    for person in page:
        person.days_waiting = (today - person.right_requested_on).days if person.right_requested_on else None
    invite_form = None
    if actor.has_role(*DECISION_ROLES):
        sessions = session_selectors.sessions_open_for_invitation(actor=actor)
        invite_form = InviteForm(sessions=sessions, initial={"session": request.GET.get("seance")})
    return render(
        request,
        "orientation/queue.html",
        {
            "form": form,
            "page_obj": page,
            "invite_form": invite_form,
            "export_query": export_query(request),
            "sort": sort,
        },
    )


@require_departement_staff(*QUEUE_ROLES)
def queue_csv(request):
    _, filters = _queue_filters(request)
    rows = selectors.orientation_queue_export(actor=request.actor, **filters)
    return export_response(request, rows, f"personnes-a-orienter-{timezone.localdate():%Y-%m-%d}.csv")


@require_departement_staff(*DECISION_ROLES)
def decide(request, person_pk):
    actor = request.actor
    person = selectors.person_for_decision(actor=actor, pk=person_pk, screen="décision d'orientation")
    current = selectors.current_orientation(person=person)
    # Coming from an interview (?entretien=<pk>): its proposal prefills the form and its reasons are shown.
    interview = None
    if request.GET.get("entretien"):
        interview = interview_selectors.interview_for_decision(person=person, pk=request.GET["entretien"])
    form = DecisionForm(
        request.POST or None, departement_id=person.departement_id, initial=DecisionForm.initial_from(interview)
    )
    if request.method == "POST" and form.is_valid():
        try:
            # An interview already followed by a decision keeps its link to that one.
            linked = interview if interview is not None and interview.orientation_id is None else None
            services.orientation_decide(actor=actor, person=person, interview=linked, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"L'orientation de {person} est enregistrée.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "orientation/decision_form.html",
        {
            "form": form,
            "person": person,
            "current": current,
            "interview": interview,
            "dispositifs": selectors.dispositifs_for(departement_id=person.departement_id),
        },
    )


@require_roles(Role.REFERENT, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
def caseload(request):
    actor = request.actor
    sort = CASELOAD_SORTING.state(request)
    page = persons_page_open(
        actor=actor,
        rows=CASELOAD_SORTING.apply(selectors.caseload(actor=actor), sort),
        screen="portefeuille",
        page_number=request.GET.get("page"),
    )
    by_referent = selectors.caseload_by_referent(actor=actor) if not actor.has_role(Role.REFERENT) else None
    return render(request, "orientation/caseload.html", {"page_obj": page, "by_referent": by_referent, "sort": sort})


@require_roles(*services.TRANSFER_ROLES)
def caseload_transfer(request, referent_pk):
    """Hand a professional's people over to a colleague of the same organisation, all at once or a few."""
    actor = request.actor
    from_referent = selectors.caseload_owner_or_404(actor=actor, referent_pk=referent_pk)
    people = list(selectors.transferable_caseload(actor=actor, referent_id=from_referent.pk))
    form = CaseloadTransferForm(
        request.POST or None,
        persons=people,
        referents=selectors.organisation_referents(organisation_id=actor.organisation_id).exclude(pk=from_referent.pk),
        initial={"persons": [person.pk for person in people]},
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.caseload_transfer(
            actor=actor,
            from_referent=from_referent,
            person_ids=data["persons"],
            to_referent=data["to_referent"],
            reason=data["reason"],
        ),
    )
    if written:
        messages.success(
            request,
            f"{written.result} personne{plural(written.result)} confiée{plural(written.result)} à "
            f"{form.cleaned_data['to_referent'].get_full_name()}.",
        )
        return redirect("orientation:caseload")
    persons_view_record(actor=actor, screen="transfert de portefeuille", person_ids=[person.pk for person in people])
    return render(
        request,
        "orientation/caseload_transfer.html",
        {
            "form": form,
            "from_referent": from_referent,
            "people": people,
            "person_groups": [(None, list(form["persons"].subwidgets))],
        },
    )


@require_roles(Role.REFERENT, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
def caseload_csv(request):
    rows = selectors.caseload_export(actor=request.actor)
    return export_response(request, rows, f"portefeuille-{timezone.localdate():%Y-%m-%d}.csv")


@require_departement_staff(Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
def change_referent(request, person_pk):
    actor = request.actor
    person = selectors.person_for_decision(actor=actor, pk=person_pk, screen="changement de référent")
    form = ReferentChangeForm(request.POST or None, departement_id=person.departement_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.referent_change(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le référent de {person} a été changé.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "orientation/referent_form.html",
        {"form": form, "person": person, "history": selectors.referent_history(person=person)},
    )
