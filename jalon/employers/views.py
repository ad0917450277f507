"""Screens of the employers' directory and of the immersions (PMSMP). Thin: each parses, calls one service or
selector, renders. Out of reach answers 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_roles, view_opens_for
from jalon.core.sorting import Sorting
from jalon.employers import access, selectors, services
from jalon.employers.forms import (
    CommitmentForm,
    ContactForm,
    DirectoryFilterForm,
    EmployerForm,
    GroupForm,
    ImmersionForm,
    InteractionForm,
    OfficerForm,
    ReviewForm,
    TransitionForm,
)
from jalon.notebook.access import notebook_access
from jalon.people.selectors import person_view_record


def _departement_id(request, employer=None) -> str:
    return employer.departement_id if employer is not None else request.actor.departement_code


def _filters(request) -> dict:
    form = DirectoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return {"text": data.get("q") or "", "engaged": bool(data.get("engaged"))}


DIRECTORY_SORTING = Sorting(
    {"nom": ("name",), "naf": ("naf_code",), "commune": ("commune__name",)},
    default="nom",
)


@access.require_directory_reader
def employer_list(request):
    sort = DIRECTORY_SORTING.state(request)
    employers = DIRECTORY_SORTING.apply(selectors.employers_for(actor=request.actor, **_filters(request)), sort)
    page = Paginator(employers, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employers/list.html",
        {
            "form": DirectoryFilterForm(request.GET or None),
            "page_obj": page,
            "query": request.GET.urlencode(),
            "may_edit": access.may_edit_directory(request.actor),
            "may_manage": access.may_manage_relations(request.actor),
            "sort": sort,
        },
    )


@access.require_directory_reader
def employer_list_csv(request):
    rows = selectors.employers_csv_rows(actor=request.actor, **_filters(request))
    return export_response(request, rows, f"employeurs-{timezone.localdate():%Y-%m-%d}.csv")


@access.require_directory_writer
def employer_create(request):
    form = EmployerForm(request.POST or None, departement_id=_departement_id(request))
    written = submitted_write(request, form, lambda data: services.employer_create(actor=request.actor, **data))
    if written:
        messages.success(request, f"{written.result} est ajouté à l'annuaire.")
        return redirect("employers:detail", pk=written.result.pk)
    return render(request, "employers/form.html", {"form": form, "title": "Ajouter un employeur"})


@access.require_directory_reader
def employer_detail(request, pk):
    employer = selectors.employer_for(actor=request.actor, pk=pk)
    context = selectors.employer_page(actor=request.actor, employer=employer)
    context.update(
        may_edit=access.may_edit_directory(request.actor),
        may_manage=access.may_manage_relations(request.actor),
        offers_open=view_opens_for(request.actor, reverse("employment:offers")),
        offer_publish_open=view_opens_for(request.actor, reverse("employment:offer_create")),
        today=timezone.localdate(),
    )
    return render(request, "employers/detail.html", context)


@access.require_directory_writer
def employer_update(request, pk):
    employer = selectors.employer_for(actor=request.actor, pk=pk)
    initial = {
        "siret": employer.siret,
        "name": employer.name,
        "naf_code": employer.naf_code,
        "size_band": employer.size_band,
        "commune": employer.commune,
        "address": employer.address,
        "note": employer.note,
    }
    form = EmployerForm(request.POST or None, initial=initial, departement_id=employer.departement_id)
    if submitted_write(
        request, form, lambda data: services.employer_update(actor=request.actor, employer=employer, **data)
    ):
        messages.success(request, "L'employeur est modifié.")
        return redirect("employers:detail", pk=employer.pk)
    return render(
        request, "employers/form.html", {"form": form, "employer": employer, "title": f"Modifier {employer}"}
    )


@access.require_directory_writer
def contact_create(request, pk):
    employer = selectors.employer_for(actor=request.actor, pk=pk)
    form = ContactForm(request.POST or None)
    if submitted_write(
        request, form, lambda data: services.employer_contact_add(actor=request.actor, employer=employer, **data)
    ):
        messages.success(request, "Le contact est ajouté.")
        return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/form.html", {"form": form, "employer": employer, "title": "Ajouter un contact"})


@access.require_directory_writer
def interaction_create(request, pk):
    employer = selectors.employer_for(actor=request.actor, pk=pk)
    form = InteractionForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if submitted_write(
        request, form, lambda data: services.interaction_record(actor=request.actor, employer=employer, **data)
    ):
        messages.success(request, "L'échange est enregistré.")
        return redirect("employers:detail", pk=employer.pk)
    return render(
        request, "employers/form.html", {"form": form, "employer": employer, "title": "Enregistrer un échange"}
    )


@access.require_relations_manager
def commitment_create(request, pk):
    employer = selectors.employer_for(actor=request.actor, pk=pk)
    form = CommitmentForm(request.POST or None, initial={"year": timezone.localdate().year})
    if submitted_write(
        request,
        form,
        lambda data: services.commitment_record(actor=request.actor, employer=employer, **form.service_fields()),
    ):
        messages.success(request, "L'engagement est enregistré.")
        return redirect("employers:detail", pk=employer.pk)
    return render(
        request,
        "employers/form.html",
        {
            "form": form,
            "employer": employer,
            "title": "Engagement « Les entreprises s'engagent »",
            "intro": "Ce que l'entreprise s'engage à offrir dans l'année, et ce qu'elle a réalisé. Un nouvel "
            "enregistrement pour la même année remplace le précédent.",
        },
    )


@access.require_directory_reader
def groups(request):
    return render(
        request,
        "employers/groups.html",
        {
            "groups": selectors.groups_for(actor=request.actor),
            "may_manage": access.may_manage_relations(request.actor),
        },
    )


@access.require_relations_manager
def group_create(request):
    form = GroupForm(request.POST or None, departement_id=_departement_id(request))
    if submitted_write(request, form, lambda data: services.employer_group_create(actor=request.actor, **data)):
        messages.success(request, "Le groupement d'employeurs est créé.")
        return redirect("employers:groups")
    return render(request, "employers/form.html", {"form": form, "title": "Nouveau groupement d'employeurs"})


@access.require_relations_manager
def officers(request):
    from jalon.accounts.models import User
    from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS

    departement_id = _departement_id(request)
    users = (
        User.objects.filter(
            memberships__is_active=True,
            memberships__organisation__departement_id=departement_id,
            memberships__organisation__kind__in=DEPARTEMENT_STAFF_KINDS,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    form = OfficerForm(request.POST or None, users=users, departement_id=departement_id)
    if request.method == "POST" and not request.actor.acts_for_departement(*access.RELATIONS_ROLES):
        raise Http404(NOT_FOUND_MESSAGE)
    if submitted_write(request, form, lambda data: services.relations_officer_assign(actor=request.actor, **data)):
        messages.success(request, "La désignation est enregistrée.")
        return redirect("employers:officers")
    return render(
        request,
        "employers/officers.html",
        {
            "form": form,
            "officers": selectors.officers_for(actor=request.actor),
            "may_assign": request.actor.acts_for_departement(*access.RELATIONS_ROLES),
        },
    )


# --- immersions -------------------------------------------------------------------------------------------------


@require_roles(*access.IMMERSION_READERS)
def person_immersions(request, person_pk):
    carnet = notebook_access(actor=request.actor, person_pk=person_pk)
    person = carnet.notebook.person
    person_view_record(actor=request.actor, person=person, screen="immersions (PMSMP)")
    return render(
        request,
        "employers/person_immersions.html",
        {
            "person": person,
            "immersions": selectors.immersions_of(person_id=person.pk),
            "may_create": not carnet.through_consent and carnet.can_write and access.follows(request.actor, person),
        },
    )


@require_roles(*access.COUNSELLOR_ROLES)
def immersion_create(request, person_pk):
    carnet = notebook_access(actor=request.actor, person_pk=person_pk)
    person = carnet.notebook.person
    if carnet.through_consent or not access.follows(request.actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    form = ImmersionForm(request.POST or None, departement_id=person.departement_id)
    written = submitted_write(
        request, form, lambda data: services.immersion_create(actor=request.actor, person=person, **data)
    )
    if written:
        messages.success(request, "L'immersion est créée (brouillon) : soumettez-la à la signature.")
        return redirect("employers:immersion", pk=written.result.pk)
    person_view_record(actor=request.actor, person=person, screen="nouvelle immersion (PMSMP)")
    return render(request, "employers/immersion_form.html", {"form": form, "person": person})


@require_roles(*access.IMMERSION_READERS)
def immersion_detail(request, pk):
    immersion = selectors.immersion_for(actor=request.actor, pk=pk)
    person_view_record(actor=request.actor, person=immersion.person, screen="immersion (PMSMP)")
    return render(
        request,
        "employers/immersion.html",
        {
            "immersion": immersion,
            "person": immersion.person,
            "transitions": services.transitions_for(request.actor, immersion),
            "may_review": (
                immersion.status == "accepted_by_validator"
                and not immersion.review_outcome
                and immersion.starts_on <= timezone.localdate()
                and access.follows(request.actor, immersion.person)
            ),
            "may_record_exit": immersion.led_to_job and access.follows(request.actor, immersion.person),
        },
    )


@require_roles(*access.IMMERSION_READERS)
def immersion_transition(request, pk, action):
    immersion = selectors.immersion_for(actor=request.actor, pk=pk)
    if action not in services.TRANSITIONS or not services.may_transition(request.actor, immersion, action):
        raise Http404(NOT_FOUND_MESSAGE)
    form = TransitionForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if submitted_write(
        request,
        form,
        lambda data: services.immersion_transition(actor=request.actor, immersion=immersion, action=action, **data),
    ):
        messages.success(request, f"« {services.TRANSITIONS[action][2]} » : c'est enregistré.")
        return redirect("employers:immersion", pk=immersion.pk)
    person_view_record(actor=request.actor, person=immersion.person, screen="immersion (PMSMP)")
    return render(
        request,
        "employers/transition_form.html",
        {
            "form": form,
            "immersion": immersion,
            "person": immersion.person,
            "label": services.TRANSITIONS[action][2],
            "needs_reason": action in services.NEEDS_REASON,
            "needs_date": action in services.NEEDS_DATE,
        },
    )


@require_roles(*access.COUNSELLOR_ROLES)
def immersion_review(request, pk):
    immersion = selectors.immersion_for(actor=request.actor, pk=pk)
    if not access.follows(request.actor, immersion.person):
        raise Http404(NOT_FOUND_MESSAGE)
    form = ReviewForm(request.POST or None)
    written = submitted_write(
        request,
        form,
        lambda data: services.immersion_review(actor=request.actor, immersion=immersion, **form.service_fields()),
    )
    if written:
        if written.result.led_to_job:
            messages.success(
                request, "Le bilan est enregistré. L'embauche vous est proposée comme sortie de parcours."
            )
        else:
            messages.success(request, "Le bilan est enregistré.")
        return redirect("employers:immersion", pk=immersion.pk)
    person_view_record(actor=request.actor, person=immersion.person, screen="bilan d'immersion (PMSMP)")
    return render(
        request, "employers/review_form.html", {"form": form, "immersion": immersion, "person": immersion.person}
    )
