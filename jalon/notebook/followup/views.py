from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.notebook.access import notebook_access
from jalon.notebook.followup import selectors, services
from jalon.notebook.followup.forms import (
    AppointmentForm,
    AttendanceForm,
    CancelForm,
    ContactForm,
    ContractAmendForm,
    ContractEndForm,
    ContractForm,
    ContractRenewForm,
    ContractSignForm,
)
from jalon.notebook.followup.hours import contract_hours_by_week
from jalon.notebook.followup.pdf import contract_pdf
from jalon.notebook.models import Action, Appointment, Objective
from jalon.people.selectors import person_view_record


CARNET_ROLES = (
    Role.REFERENT,
    Role.ORIENTATION_OFFICER,
    Role.ADMINISTRATOR,
    Role.PARTNER,
    Role.TERRITORY_MANAGER,
)


def _carnet(request, person_pk, *, screen: str, write: bool = False):
    """The carnet as the actor reaches it (404 otherwise); every read is traced."""
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    if write and not access.can_write:
        raise Http404(NOT_FOUND_MESSAGE)
    person_view_record(actor=request.actor, person=access.notebook.person, screen=screen)
    return access


def _version(notebook) -> dict:
    return {"version": notebook.version}


# --- contracts --------------------------------------------------------------------------------------------------


@require_roles(*CARNET_ROLES)
def contracts(request, person_pk):
    access = _carnet(request, person_pk, screen="carnet : contrats", write=request.method == "POST")
    notebook = access.notebook
    form = ContractForm(
        request.POST or None,
        initial={**_version(notebook), "starts_on": timezone.localdate()},
        contract_types=selectors.contract_types_for(notebook=notebook),
        objectives=Objective.objects.filter(notebook=notebook).order_by("title"),
        actions=Action.objects.filter(objective__notebook=notebook).order_by("title"),
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.contract_create(
            actor=request.actor,
            notebook=notebook,
            version=data["version"],
            contract_type=data["contract_type"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            objectives=data["objectives"],
            organisation=request.actor.organisation,
            actions=data["actions"],
            weekly_hours=data["weekly_hours"],
            hours_reduction_reason=data["hours_reduction_reason"],
            hours_reduction_note=data["hours_reduction_note"],
            # The référent recording the contract records the reduction decision taken with the person.
            hours_decided_by=request.actor.user if data["hours_reduction_reason"] else None,
            hours_decided_on=data["hours_decided_on"],
        ),
    )
    if written:
        contract = written.result
        messages.success(request, f"Le {contract} est enregistré : faites-le signer puis notez la signature.")
        return redirect("notebook:contracts", person_pk=notebook.person_id)
    contracts_list = list(selectors.contracts_for(notebook=notebook))
    for contract in contracts_list:
        contract.weeks = contract_hours_by_week(contract=contract)
    return render(
        request,
        "notebook/followup/contracts.html",
        {
            "access": access,
            "person": notebook.person,
            "contracts": contracts_list,
            "form": form,
            "today": timezone.localdate(),
        },
    )


@require_roles(*CARNET_ROLES)
def contract_sign(request, person_pk, pk):
    access = _carnet(request, person_pk, screen="carnet : signature du contrat", write=True)
    notebook = access.notebook
    contract = selectors.contract_for(notebook=notebook, pk=pk)
    form = ContractSignForm(request.POST or None, initial={**_version(notebook), "signed_on": timezone.localdate()})
    if submitted_write(
        request, form, lambda data: services.contract_sign(actor=request.actor, contract=contract, **data)
    ):
        messages.success(request, f"La signature du {contract} est enregistrée.")
        return redirect("notebook:contracts", person_pk=notebook.person_id)
    return render(
        request,
        "notebook/followup/contract_sign.html",
        {"form": form, "contract": contract, "person": notebook.person},
    )


def _contract_change(request, person_pk, pk, *, screen, form_class, write, template, done, **form_kwargs):
    """A change of one contract through its form page (end, avenant, renewal): the same steps for each."""
    access = _carnet(request, person_pk, screen=screen, write=True)
    notebook = access.notebook
    contract = selectors.contract_for(notebook=notebook, pk=pk)
    initial = {**_version(notebook), **form_kwargs.pop("initial", {})}
    form = form_class(request.POST or None, initial=initial, **form_kwargs)
    if submitted_write(request, form, lambda data: write(contract, data)):
        messages.success(request, done(contract))
        return redirect("notebook:contracts", person_pk=notebook.person_id)
    return render(request, template, {"form": form, "contract": contract, "person": notebook.person})


@require_roles(*CARNET_ROLES)
def contract_end(request, person_pk, pk):
    return _contract_change(
        request,
        person_pk,
        pk,
        screen="carnet : fin d'un contrat",
        form_class=ContractEndForm,
        initial={"ended_on": timezone.localdate()},
        write=lambda contract, data: services.contract_end(actor=request.actor, contract=contract, **data),
        template="notebook/followup/contract_end.html",
        done=lambda contract: f"Le {contract} est terminé : un nouveau contrat peut commencer.",
    )


@require_roles(*CARNET_ROLES)
def contract_amend(request, person_pk, pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    contract = selectors.contract_for(notebook=access.notebook, pk=pk)
    carries_hours = contract.contract_type.minimum_weekly_hours is not None
    return _contract_change(
        request,
        person_pk,
        pk,
        screen="carnet : avenant à un contrat",
        form_class=ContractAmendForm,
        objectives=Objective.objects.filter(notebook=access.notebook).order_by("title"),
        carries_hours=carries_hours,
        initial={
            "ends_on": contract.ends_on,
            "objectives": list(contract.objectives.values_list("pk", flat=True)),
            **(
                {
                    "weekly_hours": contract.weekly_hours,
                    "hours_reduction_reason": contract.hours_reduction_reason,
                    "hours_reduction_note": contract.hours_reduction_note,
                    "hours_decided_on": contract.hours_decided_on,
                }
                if carries_hours
                else {}
            ),
        },
        write=lambda contract, data: services.contract_amend(
            actor=request.actor,
            contract=contract,
            hours_decided_by=request.actor.user if data.get("hours_reduction_reason") else None,
            **data,
        ),
        template="notebook/followup/contract_amend.html",
        done=lambda contract: "L'avenant est enregistré.",
    )


@require_roles(*CARNET_ROLES)
def contract_renew(request, person_pk, pk):
    return _contract_change(
        request,
        person_pk,
        pk,
        screen="carnet : renouvellement d'un contrat",
        form_class=ContractRenewForm,
        write=lambda contract, data: services.contract_renew(actor=request.actor, contract=contract, **data),
        template="notebook/followup/contract_renew.html",
        done=lambda contract: "Le contrat est renouvelé : faites signer le nouveau contrat puis notez la signature.",
    )


@require_roles(*CARNET_ROLES)
def contract_download(request, person_pk, pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    contract = selectors.contract_for(notebook=access.notebook, pk=pk)
    current = selectors.current_orientation(person_id=access.notebook.person_id)
    services.contract_pdf_record(actor=request.actor, contract=contract)
    response = HttpResponse(
        contract_pdf(contract, referent=current.referent if current else None), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="contrat-{contract.pk}.pdf"'
    return response


# --- appointments -----------------------------------------------------------------------------------------------


@require_roles(*CARNET_ROLES)
def appointments(request, person_pk):
    access = _carnet(request, person_pk, screen="carnet : rendez-vous", write=request.method == "POST")
    notebook = access.notebook
    form = AppointmentForm(request.POST or None, initial=_version(notebook))
    written = submitted_write(
        request, form, lambda data: services.appointment_plan(actor=request.actor, notebook=notebook, **data)
    )
    if written:
        outcome = written.result
        messages.success(request, f"{outcome.appointment} planifié.")
        for channel, reason in outcome.undelivered:
            messages.warning(request, f"Invitation par {channel} non envoyée : {reason}")
        return redirect("notebook:appointments", person_pk=notebook.person_id)
    return render(
        request,
        "notebook/followup/appointments.html",
        {
            "access": access,
            "person": notebook.person,
            "appointments": selectors.appointments_for(notebook=notebook),
            "form": form,
            "now": timezone.now(),
        },
    )


def _appointment_action(request, person_pk, pk, *, form_class, screen, template, act, done):
    access = _carnet(request, person_pk, screen=screen, write=True)
    notebook = access.notebook
    appointment = get_visible_or_404(Appointment.objects.filter(notebook=notebook), pk=pk)
    form = form_class(request.POST or None, initial=_version(notebook))
    if submitted_write(request, form, lambda data: act(actor=request.actor, appointment=appointment, **data)):
        messages.success(request, done)
        return redirect("notebook:appointments", person_pk=notebook.person_id)
    return render(request, template, {"form": form, "appointment": appointment, "person": notebook.person})


@require_roles(*CARNET_ROLES)
def appointment_attendance(request, person_pk, pk):
    return _appointment_action(
        request,
        person_pk,
        pk,
        form_class=AttendanceForm,
        screen="carnet : présence au rendez-vous",
        template="notebook/followup/appointment_attendance.html",
        act=services.appointment_attendance,
        done="La présence est enregistrée.",
    )


@require_roles(*CARNET_ROLES)
def appointment_cancel(request, person_pk, pk):
    return _appointment_action(
        request,
        person_pk,
        pk,
        form_class=CancelForm,
        screen="carnet : annulation d'un rendez-vous",
        template="notebook/followup/appointment_cancel.html",
        act=services.appointment_cancel,
        done="Le rendez-vous est annulé.",
    )


# --- contacts ---------------------------------------------------------------------------------------------------


@require_roles(*CARNET_ROLES)
def contacts(request, person_pk):
    access = _carnet(request, person_pk, screen="carnet : contacts", write=request.method == "POST")
    notebook = access.notebook
    form = ContactForm(
        request.POST or None,
        initial={**_version(notebook), "occurred_on": timezone.localdate()},
        appointments=Appointment.objects.filter(notebook=notebook, cancelled_at=None, contact=None),
    )
    if submitted_write(
        request, form, lambda data: services.contact_record(actor=request.actor, notebook=notebook, **data)
    ):
        messages.success(request, "Le contact est enregistré.")
        return redirect("notebook:contacts", person_pk=notebook.person_id)
    return render(
        request,
        "notebook/followup/contacts.html",
        {
            "access": access,
            "person": notebook.person,
            "contacts": selectors.contacts_for(notebook=notebook),
            "form": form,
        },
    )


# --- caseload dashboard -----------------------------------------------------------------------------------------


@require_roles(*selectors.DASHBOARD_ROLES)
def caseload(request):
    dashboard = selectors.caseload_dashboard(actor=request.actor)
    return render(
        request,
        "notebook/followup/caseload.html",
        {"dashboard": dashboard, "limit": selectors.DASHBOARD_LIMIT},
    )
