"""Screens of the rights and duties: record a failure from the carnet, the Département's list of procedures by
state, one procedure (invite, answer, decide, remobilisation) and the CAF/MSA files. Thin: each parses, calls one
service or selector, renders; each screen showing a person writes an audit event."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.exports import csv_response
from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff, require_roles
from jalon.duties import selectors, services
from jalon.duties.forms import AnswerForm, DecisionForm, DutySettingsForm, FailureForm, InviteForm, ReverseForm
from jalon.notebook.access import notebook_access
from jalon.orientation.models import EplMeeting
from jalon.people.selectors import person_view_record, persons_view_record


CARNET_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)
DEPARTEMENT = services.DEPARTEMENT_ROLES


@require_roles(*CARNET_ROLES)
def person_duties(request, person_pk):
    """The person's failures and procedures, from the carnet."""
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    person_view_record(actor=request.actor, person=person, screen="droits et devoirs")
    return render(
        request,
        "duties/person.html",
        {
            "person": person,
            "failures": selectors.failures_of(person=person),
            "may_record": not access.through_consent and services.may_record(request.actor, person),
        },
    )


@require_roles(*services.RECORDER_ROLES)
def failure_create(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    if access.through_consent or not services.may_record(request.actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    form = FailureForm(request.POST or None, request.FILES or None, initial={"occurred_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.failure_record(actor=request.actor, person=person, **data)
    )
    if written:
        messages.success(
            request,
            f"Le manquement est enregistré ({written.result.get_rank_display()}). Le Département invitera la "
            "personne à présenter ses observations.",
        )
        return redirect("duties:person", person_pk=person.pk)
    person_view_record(actor=request.actor, person=person, screen="manquement aux droits et devoirs")
    return render(request, "duties/failure_form.html", {"form": form, "person": person})


@require_departement_staff(*DEPARTEMENT)
def procedure_list(request):
    """The Département's procedures, one tab per state."""
    state = request.GET.get("etat", "a_inviter")
    if state not in selectors.LIST_STATES:
        state = "a_inviter"
    counts = selectors.state_counts(actor=request.actor)
    page = Paginator(selectors.procedures(actor=request.actor, state=state), 50).get_page(request.GET.get("page"))
    persons_view_record(
        actor=request.actor, screen=f"droits et devoirs : {state}", person_ids=[row.person_id for row in page]
    )
    return render(
        request,
        "duties/list.html",
        {
            "state": state,
            "state_label": selectors.LIST_STATES[state],
            "tabs": [(key, label, counts[key]) for key, label in selectors.LIST_STATES.items()],
            "page_obj": page,
            "pending_lines": selectors.pending_line_count(actor=request.actor),
        },
    )


@require_roles(*CARNET_ROLES)
def procedure_detail(request, pk):
    failure = selectors.failure_for(actor=request.actor, pk=pk)
    person_view_record(actor=request.actor, person=failure.person, screen="procédure de suspension-remobilisation")
    decision = getattr(failure, "decision", None)
    return render(
        request,
        "duties/detail.html",
        {
            "failure": failure,
            "person": failure.person,
            "decision": decision,
            "may_decide": services.may_decide(request.actor),
            "today": timezone.localdate(),
            "household": services.household_size(failure.person),
            "bounds": services.settings_for(failure.departement_id).bounds(failure.rank),
            "settings": services.settings_for(failure.departement_id),
            "escalation": services.escalation_allowed(failure),
            "letters": selectors.letters_of(failure),
        },
    )


def _departement_failure(request, pk):
    failure = selectors.failure_for(actor=request.actor, pk=pk)
    if not request.actor.is_platform_admin and failure.departement_id != request.actor.departement_code:
        raise Http404(NOT_FOUND_MESSAGE)
    return failure


@require_departement_staff(*DEPARTEMENT)
def failure_invite(request, pk):
    failure = _departement_failure(request, pk)
    form = InviteForm(request.POST or None)
    if submitted_write(request, form, lambda data: services.failure_invite(actor=request.actor, failure=failure)):
        messages.success(request, "L'invitation à présenter ses observations est envoyée.")
        return redirect("duties:detail", pk=failure.pk)
    person_view_record(actor=request.actor, person=failure.person, screen="invitation à s'expliquer")
    settings = services.settings_for(failure.departement_id)
    return render(
        request,
        "duties/invite_form.html",
        {"form": form, "failure": failure, "person": failure.person, "settings": settings},
    )


@require_departement_staff(*DEPARTEMENT)
def answer_record(request, pk):
    failure = _departement_failure(request, pk)
    form = AnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    if submitted_write(
        request, form, lambda data: services.failure_answer_record(actor=request.actor, failure=failure, **data)
    ):
        messages.success(request, "Les observations de la personne sont enregistrées.")
        return redirect("duties:detail", pk=failure.pk)
    person_view_record(actor=request.actor, person=failure.person, screen="observations sur un manquement")
    return render(request, "duties/answer_form.html", {"form": form, "failure": failure, "person": failure.person})


@require_departement_staff(*DEPARTEMENT)
def decision_take(request, pk):
    failure = _departement_failure(request, pk)
    meetings = EplMeeting.objects.filter(departement_id=failure.departement_id).order_by("-held_at")
    form = DecisionForm(request.POST or None, meetings=meetings, initial={"starts_on": timezone.localdate()})
    if submitted_write(
        request, form, lambda data: services.decision_take(actor=request.actor, failure=failure, **data)
    ):
        messages.success(request, "La décision est prise et notifiée ; sa ligne attend le prochain fichier CAF/MSA.")
        return redirect("duties:detail", pk=failure.pk)
    person_view_record(actor=request.actor, person=failure.person, screen="décision de suspension-remobilisation")
    return render(
        request,
        "duties/decision_form.html",
        {
            "form": form,
            "failure": failure,
            "person": failure.person,
            "bounds": services.settings_for(failure.departement_id).bounds(failure.rank),
            "settings": services.settings_for(failure.departement_id),
            "household": services.household_size(failure.person),
        },
    )


@require_departement_staff(*DEPARTEMENT)
def decision_reverse(request, pk):
    failure = _departement_failure(request, pk)
    decision = getattr(failure, "decision", None)
    form = ReverseForm(request.POST or None, initial={"remobilised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if decision is None:
                raise ValidationError("Aucune décision de suspension n'a été prise sur ce manquement.")
            services.decision_reverse(actor=request.actor, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "La remobilisation est enregistrée : la suspension sera reversée.")
            return redirect("duties:detail", pk=failure.pk)
    person_view_record(actor=request.actor, person=failure.person, screen="remobilisation")
    return render(
        request,
        "duties/reverse_form.html",
        {"form": form, "failure": failure, "person": failure.person, "decision": decision},
    )


@require_departement_staff(*DEPARTEMENT)
def caf_exports(request):
    """The CAF/MSA files already produced, and the making of the next one."""
    form = InviteForm(request.POST or None)
    written = submitted_write(request, form, lambda data: services.caf_export_create(actor=request.actor))
    if written:
        messages.success(request, f"Le fichier n° {written.result.pk} est prêt à être transmis à la CAF et à la MSA.")
        return redirect("duties:exports")
    return render(
        request,
        "duties/exports.html",
        {
            "form": form,
            "exports": selectors.exports_of(actor=request.actor),
            "pending_lines": selectors.pending_line_count(actor=request.actor),
        },
    )


@require_departement_staff(*DEPARTEMENT)
def caf_export_csv(request, pk):
    export = selectors.export_for(actor=request.actor, pk=pk)
    persons_view_record(
        actor=request.actor,
        screen="fichier CAF/MSA des suspensions",
        person_ids=selectors.export_person_ids(export),
        subject=export,
    )
    return csv_response(selectors.caf_rows(export), f"suspensions-remobilisation-{export.pk}.csv")


@require_departement_staff(Role.ADMINISTRATOR)
def duty_settings(request):
    actor = request.actor
    if not actor.is_departement_admin:
        raise Http404(NOT_FOUND_MESSAGE)  # a partner's administrator does not set the Département's bounds
    current = services.settings_for(actor.departement_code)
    form = DutySettingsForm(
        request.POST or None, initial={name: getattr(current, name) for name in services.SETTING_FIELDS}
    )
    if submitted_write(request, form, lambda data: services.duty_settings_update(actor=actor, data=data)):
        messages.success(request, "Les bornes de la suspension-remobilisation sont enregistrées.")
        return redirect("duties:settings")
    return render(
        request,
        "duties/settings_form.html",
        {"form": form, "duty_settings": current, "limits": services.SETTING_LIMITS},
    )
