"""Screens of the exits: end a path from the carnet, reopen it, the follow-up in employment (list, CSV, one point)
and the exits proposed after a CAF closure. Thin: each parses, calls one service or selector, renders."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.exports import export_query, export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.core.sorting import Sorting
from jalon.employers.selectors import directory_choices, hire_to_record
from jalon.exits import selectors, services
from jalon.exits.enums import ProposalStatus
from jalon.exits.forms import (
    CheckpointForm,
    DismissForm,
    EmployerFeedbackForm,
    ExitForm,
    FollowUpFilterForm,
    ReopenForm,
)
from jalon.exits.models import Checkpoint, ExitProposal
from jalon.notebook.access import notebook_access
from jalon.people.models import Person
from jalon.people.selectors import person_view_record, persons_view_record


CARNET_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)
FOLLOW_UP_ROLES = (Role.REFERENT, Role.PARTNER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR)


@require_roles(*CARNET_ROLES)
def person_exits(request, person_pk):
    """The person's exits and their follow-up, from the carnet; the way to end or reopen the path."""
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    exits = list(selectors.exits_of(person_id=person.pk))
    in_force = next((exit for exit in exits if exit.reopened_on is None), None)
    person_view_record(actor=request.actor, person=person, screen="sorties de parcours")
    return render(
        request,
        "exits/person.html",
        {
            "person": person,
            "exits": exits,
            "in_force": in_force,
            "may_end": in_force is None and not access.through_consent and services.follows(request.actor, person),
            "may_reopen": in_force is not None and services.may_reopen(request.actor, in_force),
            "proposal": selectors.pending_proposal(person_id=person.pk),
            "hire": hire_to_record(person_id=person.pk) if in_force is None else None,
        },
    )


@require_roles(*CARNET_ROLES)
def exit_create(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    if access.through_consent or not services.follows(request.actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    proposal = selectors.pending_proposal(person_id=person.pk)
    initial: dict[str, object] = {"exited_on": proposal.closure_date if proposal else timezone.localdate()}
    hire = hire_to_record(person_id=person.pk)
    if hire is not None and request.GET.get("immersion") == str(hire.pk):
        # The hire after an immersion proposes the exit: the employer, contract and date come from its review.
        initial.update(
            exited_on=min(hire.hire_starts_on or timezone.localdate(), timezone.localdate()),
            employer=hire.employer,
            contract=hire.hire_contract,
            job_title=hire.job_title,
            exit_type=selectors.exit_types_for(departement_id=person.departement_id)
            .filter(code=hire.hire_contract)
            .first(),
        )
    form = ExitForm(
        request.POST or None,
        initial=initial,
        exit_types=selectors.exit_types_for(departement_id=person.departement_id),
        employers=directory_choices(person.departement_id),
    )
    written = submitted_write(
        request, form, lambda data: services.exit_record(actor=request.actor, person=person, proposal=proposal, **data)
    )
    if written:
        exit = written.result
        messages.success(
            request,
            f"Le parcours est clos le {exit.exited_on:%d/%m/%Y} ({exit.exit_type}). Le carnet reste consultable."
            + (" Les points de suivi en emploi sont planifiés." if exit.exit_type.to_employment else ""),
        )
        return redirect("exits:person", person_pk=person.pk)
    person_view_record(actor=request.actor, person=person, screen="fin de parcours")
    return render(request, "exits/exit_form.html", {"form": form, "person": person, "proposal": proposal})


@require_roles(*CARNET_ROLES)
def exit_reopen(request, pk):
    exit = selectors.exit_for(actor=request.actor, pk=pk)
    if exit.reopened_on is not None or not services.may_reopen(request.actor, exit):
        raise Http404(NOT_FOUND_MESSAGE)
    form = ReopenForm(request.POST or None)
    if submitted_write(
        request, form, lambda data: services.exit_reopen(actor=request.actor, exit=exit, reason=data["reason"])
    ):
        messages.success(request, "Le parcours est rouvert : le carnet peut de nouveau être complété.")
        return redirect("exits:person", person_pk=exit.person_id)
    person_view_record(actor=request.actor, person=exit.person, screen="réouverture du parcours")
    return render(request, "exits/reopen_form.html", {"form": form, "exit": exit, "person": exit.person})


@require_roles(*FOLLOW_UP_ROLES)
def checkpoint_edit(request, pk, months):
    exit = selectors.exit_for(actor=request.actor, pk=pk)
    checkpoint = get_visible_or_404(Checkpoint.objects.filter(exit=exit), months=months)
    form = CheckpointForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if submitted_write(
        request,
        form,
        lambda data: services.checkpoint_record(
            actor=request.actor, exit=exit, months=months, **form.service_fields()
        ),
    ):
        messages.success(request, f"Le point à {months} mois est enregistré.")
        return redirect("exits:person", person_pk=exit.person_id)
    person_view_record(actor=request.actor, person=exit.person, screen="point de suivi en emploi")
    return render(
        request,
        "exits/checkpoint_form.html",
        {"form": form, "exit": exit, "checkpoint": checkpoint, "person": exit.person},
    )


@require_roles(*FOLLOW_UP_ROLES)
def employer_feedback_create(request, pk):
    """The employer's side of the follow-up (« fiche miroir »): a cross review or an alert."""
    exit = selectors.exit_for(actor=request.actor, pk=pk)
    if not exit.exit_type.to_employment:
        raise Http404(NOT_FOUND_MESSAGE)
    form = EmployerFeedbackForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if submitted_write(
        request, form, lambda data: services.employer_feedback_record(actor=request.actor, exit=exit, **data)
    ):
        messages.success(request, "L'échange avec l'employeur est enregistré.")
        return redirect("exits:person", person_pk=exit.person_id)
    person_view_record(actor=request.actor, person=exit.person, screen="fiche miroir de l'employeur")
    return render(request, "exits/employer_feedback_form.html", {"form": form, "exit": exit, "person": exit.person})


FOLLOW_UP_SORTING = Sorting(
    {
        "personne": ("exit__person__normalized_last_name", "exit__person__normalized_first_name"),
        "sortie": ("exit__exited_on",),
        "point": ("months",),
        "prevu": ("due_on",),
    },
    default="prevu",  # the calendar, month by month
)


@require_roles(*FOLLOW_UP_ROLES)
def follow_up(request):
    form = FollowUpFilterForm(request.GET or None)
    which = (form.cleaned_data.get("which") if form.is_valid() else "") or "due"
    sort = FOLLOW_UP_SORTING.state(request)
    page = selectors.follow_up_page(actor=request.actor, which=which, page_number=request.GET.get("page"), sort=sort)
    proposals = list(selectors.proposals_for(actor=request.actor).select_related("person")[:50])
    persons_view_record(
        actor=request.actor, screen="sorties proposées (droit clos)", person_ids=[p.person_id for p in proposals]
    )
    return render(
        request,
        "exits/follow_up.html",
        {
            "form": form,
            "page_obj": page,
            "which": which,
            "proposals": proposals,
            "today": timezone.localdate(),
            "sort": sort,
            "export_query": export_query(request),
        },
    )


@require_roles(*FOLLOW_UP_ROLES)
def follow_up_csv(request):
    form = FollowUpFilterForm(request.GET or None)
    which = (form.cleaned_data.get("which") if form.is_valid() else "") or "due"
    rows = selectors.follow_up_csv_rows(actor=request.actor, which=which, sort=FOLLOW_UP_SORTING.state(request))
    return export_response(request, rows, f"suivi-en-emploi-{timezone.localdate():%Y-%m-%d}.csv")


@require_roles(*CARNET_ROLES)
def proposal_dismiss(request, pk):
    proposal = get_visible_or_404(
        ExitProposal.objects.filter(
            status=ProposalStatus.PROPOSED, person__in=Person.objects.visible_to(request.actor)
        ).select_related("person"),
        pk=pk,
    )
    if not services.follows(request.actor, proposal.person):
        raise Http404(NOT_FOUND_MESSAGE)
    form = DismissForm(request.POST or None)
    if submitted_write(
        request,
        form,
        lambda data: services.exit_proposal_dismiss(actor=request.actor, proposal=proposal, reason=data["reason"]),
    ):
        messages.success(request, "La proposition est écartée : le parcours continue.")
        return redirect("exits:person", person_pk=proposal.person_id)
    person_view_record(actor=request.actor, person=proposal.person, screen="sortie proposée (droit clos)")
    return render(request, "exits/dismiss_form.html", {"form": form, "proposal": proposal, "person": proposal.person})
