"""Screens of the employment room: the département's job offers (search, CSV, form), an offer with the people of
the caseload who match it and its positionings, a positioning's loop, the exit a hire or a training proposes, and
the person's positionings, trainings and matching offers from the carnet. Thin: each parses, calls one service or
selector, renders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.core.sorting import Sorting
from jalon.employers.selectors import directory_choices
from jalon.employment import selectors, services
from jalon.employment.enums import NEXT_STATUSES, ExitSuggestion, OfferStatus
from jalon.employment.forms import AdvanceForm, DismissForm, OfferForm, OfferSearchForm, OutcomeForm, TrainingForm
from jalon.employment.models import MeasureExitDecision
from jalon.exits.forms import ExitForm
from jalon.exits.selectors import exit_types_for
from jalon.notebook.access import notebook_access
from jalon.people.models import Person
from jalon.people.selectors import person_view_record, persons_view_record


OFFER_ROLES = services.OFFER_WRITER_ROLES
CARNET_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)


OFFERS_SORTING = Sorting(
    {
        "offre": ("title",),
        "employeur": ("employer_name",),
        "lieu": ("commune__name",),
        "publication": ("published_on",),
    },
    default="-publication",
)


def _search(request):
    form = OfferSearchForm(request.GET or None, initial={"status": OfferStatus.OPEN})
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", OfferStatus.OPEN) if request.GET else OfferStatus.OPEN
    qs = selectors.offers_search(
        actor=request.actor, rome=data.get("rome", ""), commune=data.get("commune"), status=status
    )
    return form, qs


@require_roles(*OFFER_ROLES)
def offers(request):
    form, qs = _search(request)
    sort = OFFERS_SORTING.state(request)
    page = selectors.offers_page(OFFERS_SORTING.apply(qs, sort), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employment/offers.html",
        {
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "may_publish": services.may_publish(request.actor),
            "sort": sort,
        },
    )


@require_roles(*OFFER_ROLES)
def offers_csv(request):
    _, qs = _search(request)
    return export_response(
        request, selectors.offers_csv_rows(qs), f"offres-emploi-{timezone.localdate():%Y-%m-%d}.csv"
    )


@require_roles(*OFFER_ROLES)
def offer_create(request):
    if not services.may_publish(request.actor):
        raise Http404(NOT_FOUND_MESSAGE)
    employers = directory_choices(request.actor.departement_code)
    # « Publier une offre » from an employer's page comes with the establishment chosen.
    chosen = (
        employers.filter(pk=request.GET["employeur"]).first() if request.GET.get("employeur", "").isdigit() else None
    )
    form = OfferForm(
        request.POST or None,
        initial={"published_on": timezone.localdate(), "positions": 1, "employer": chosen},
        employers=employers,
    )
    written = submitted_write(request, form, lambda data: services.job_offer_publish(actor=request.actor, **data))
    if written:
        messages.success(request, "L'offre est publiée : les personnes dont le projet correspond sont listées.")
        return redirect("employment:offer", pk=written.result.pk)
    return render(request, "employment/offer_form.html", {"form": form, "offer": None})


@require_roles(*OFFER_ROLES)
def offer_edit(request, pk):
    offer = selectors.offer_for(actor=request.actor, pk=pk)
    if not services.may_edit_offer(request.actor, offer):
        raise Http404(NOT_FOUND_MESSAGE)
    initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
    initial |= {
        "appellation": offer.appellation.label,
        "commune": offer.commune_id,
        "employer_commune": offer.employer_commune_id,
        "status": offer.status,
    }
    form = OfferForm(
        request.POST or None, initial=initial, employers=directory_choices(offer.departement_id), editing=True
    )
    if submitted_write(
        request, form, lambda data: services.job_offer_update(actor=request.actor, offer=offer, **data)
    ):
        messages.success(request, "L'offre est modifiée.")
        return redirect("employment:offer", pk=offer.pk)
    return render(request, "employment/offer_form.html", {"form": form, "offer": offer})


@require_roles(*OFFER_ROLES)
def offer_detail(request, pk):
    offer = selectors.offer_for(actor=request.actor, pk=pk)
    matches = selectors.offer_matches(actor=request.actor, offer=offer)
    positionings = selectors.offer_positionings(actor=request.actor, offer=offer)
    persons_view_record(
        actor=request.actor,
        screen="offre d'emploi : personnes correspondantes et positionnements",
        person_ids=sorted({m.person.pk for m in matches} | {p.person_id for p in positionings}),
        subject=offer,
    )
    return render(
        request,
        "employment/offer_detail.html",
        {
            "offer": offer,
            "matches": matches,
            "positionings": positionings,
            "may_edit": services.may_edit_offer(request.actor, offer),
        },
    )


@require_POST
@require_roles(*CARNET_ROLES)
def positioning_create(request, pk, person_pk):
    offer = selectors.offer_for(actor=request.actor, pk=pk)
    person = get_visible_or_404(Person.objects.visible_to(request.actor), pk=person_pk)
    try:
        services.positioning_create(actor=request.actor, offer=offer, person=person)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{person.first_name} {person.last_name.upper()} est positionné(e) sur l'offre.")
    return redirect("employment:offer", pk=offer.pk)


@require_roles(*CARNET_ROLES)
def positioning_detail(request, pk):
    positioning = selectors.positioning_for(actor=request.actor, pk=pk)
    may_move = services.may_move(request.actor, positioning)
    next_statuses = NEXT_STATUSES[positioning.status]
    form = AdvanceForm(request.POST or None, initial={"on": timezone.localdate()}, next_statuses=next_statuses)
    if request.method == "POST" and not (may_move and next_statuses):
        raise Http404(NOT_FOUND_MESSAGE)
    if submitted_write(
        request,
        form,
        lambda data: services.positioning_advance(actor=request.actor, positioning=positioning, **data),
    ):
        messages.success(request, "Le statut du positionnement est enregistré.")
        return redirect("employment:positioning", pk=positioning.pk)
    person_view_record(actor=request.actor, person=positioning.person, screen="positionnement sur une offre")
    return render(
        request,
        "employment/positioning.html",
        {
            "positioning": positioning,
            "person": positioning.person,
            "steps": positioning.steps.select_related("recorded_by", "organisation"),
            "form": form if may_move and next_statuses else None,
            "exit_proposed": positioning.exit_suggestion == ExitSuggestion.PROPOSED,
        },
    )


def _exit_decision(request, *, obj, person, initial, record, dismiss, back_url, context):
    """The exit a hire or a training proposes: the exits' own form, prefilled, or the reason the path goes on."""
    if obj.exit_suggestion != ExitSuggestion.PROPOSED or not services.follows(request.actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    dismissing = request.method == "POST" and "dismiss" in request.POST
    exit_form = ExitForm(
        request.POST if request.method == "POST" and not dismissing else None,
        initial=initial,
        exit_types=exit_types_for(departement_id=person.departement_id),
        employers=directory_choices(person.departement_id),
    )
    dismiss_form = DismissForm(request.POST if dismissing else None)
    if dismissing:
        if submitted_write(request, dismiss_form, lambda data: dismiss(reason=data["reason"])):
            messages.success(request, "La sortie proposée est écartée : le parcours continue.")
            return redirect(back_url)
    elif submitted_write(request, exit_form, lambda data: record(**data)):
        messages.success(request, "Le parcours est clos : la sortie est enregistrée.")
        return redirect("exits:person", person_pk=person.pk)
    person_view_record(actor=request.actor, person=person, screen="sortie proposée")
    positive = selectors.counts_as_positive(
        departement_id=person.departement_id,
        code=initial["exit_type"].code if initial.get("exit_type") else "",
        day=initial.get("exited_on"),
    )
    return render(
        request,
        "employment/exit_decision.html",
        {"exit_form": exit_form, "dismiss_form": dismiss_form, "person": person, "positive": positive, **context},
    )


@require_roles(*CARNET_ROLES)
def positioning_exit(request, pk):
    positioning = selectors.positioning_for(actor=request.actor, pk=pk)
    return _exit_decision(
        request,
        obj=positioning,
        person=positioning.person,
        initial=selectors.hire_exit_initial(positioning),
        record=lambda **data: services.positioning_exit_record(actor=request.actor, positioning=positioning, **data),
        dismiss=lambda reason: services.positioning_exit_dismiss(
            actor=request.actor, positioning=positioning, reason=reason
        ),
        back_url=reverse("employment:positioning", kwargs={"pk": positioning.pk}),
        context={"origin": f"Embauche le {positioning.hired_on:%d/%m/%Y} sur l'offre « {positioning.offer} »"},
    )


@require_roles(*CARNET_ROLES)
def measure_exit(request, pk):
    measure = selectors.measure_for(actor=request.actor, pk=pk)
    if measure.ends_on is None or measure.ends_on > timezone.localdate():
        raise Http404(NOT_FOUND_MESSAGE)
    # Nothing is written before the référent decides: the decision row exists once the exit is recorded or dismissed.
    decision = getattr(measure, "exit_decision", None) or MeasureExitDecision(measure=measure, person=measure.person)
    return _exit_decision(
        request,
        obj=decision,
        person=measure.person,
        initial=selectors.measure_exit_initial(measure),
        record=lambda **data: services.measure_exit_record(actor=request.actor, measure=measure, **data),
        dismiss=lambda reason: services.measure_exit_dismiss(actor=request.actor, measure=measure, reason=reason),
        back_url=reverse("employment:person", kwargs={"person_pk": measure.person_id}),
        context={
            "origin": f"Fin de la mesure « {measure} »"
            + (f" chez {where}" if (where := measure.employer_name) else "")
        },
    )


@require_roles(*CARNET_ROLES)
def training_exit(request, pk):
    training = selectors.training_for(actor=request.actor, pk=pk)
    return _exit_decision(
        request,
        obj=training,
        person=training.person,
        initial=selectors.training_exit_initial(training),
        record=lambda **data: services.training_exit_record(actor=request.actor, training=training, **data),
        dismiss=lambda reason: services.training_exit_dismiss(actor=request.actor, training=training, reason=reason),
        back_url=reverse("employment:person", kwargs={"person_pk": training.person_id}),
        context={"origin": f"Formation qualifiante « {training.title} » ({training.get_outcome_display()})"},
    )


@require_roles(*CARNET_ROLES)
def person_employment(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    person_view_record(actor=request.actor, person=person, screen="emploi et formation")
    may_write = not access.through_consent and services.follows(request.actor, person)
    return render(
        request,
        "employment/person.html",
        {
            "person": person,
            "positionings": selectors.person_positionings(person=person),
            "trainings": selectors.person_trainings(person=person),
            "ended_measures": selectors.ended_measures(person=person),
            "matches": selectors.person_offer_matches(person=person) if may_write else [],
            "may_write": may_write and not access.notebook.is_closed,
        },
    )


@require_roles(*CARNET_ROLES)
def training_create(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    if access.through_consent or not services.follows(request.actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    form = TrainingForm(request.POST or None)
    if submitted_write(
        request, form, lambda data: services.training_record(actor=request.actor, person=person, **data)
    ):
        messages.success(request, "L'entrée en formation est enregistrée.")
        return redirect("employment:person", person_pk=person.pk)
    person_view_record(actor=request.actor, person=person, screen="entrée en formation")
    return render(request, "employment/training_form.html", {"form": form, "person": person})


@require_roles(*CARNET_ROLES)
def training_outcome(request, pk):
    training = selectors.training_for(actor=request.actor, pk=pk)
    if training.outcome or not services.may_record_outcome(request.actor, training):
        raise Http404(NOT_FOUND_MESSAGE)
    form = OutcomeForm(request.POST or None, initial={"outcome_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.training_outcome_record(actor=request.actor, training=training, **data)
    )
    if written:
        messages.success(request, "L'issue de la formation est enregistrée.")
        if written.result.exit_suggestion == ExitSuggestion.PROPOSED:
            return redirect("employment:training_exit", pk=training.pk)
        return redirect("employment:person", person_pk=training.person_id)
    person_view_record(actor=request.actor, person=training.person, screen="issue d'une formation")
    return render(
        request, "employment/outcome_form.html", {"form": form, "training": training, "person": training.person}
    )
