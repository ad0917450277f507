"""The directory's screens: the search for professionals (also opened from a carnet's frein), the service and
structure pages, the screens where a structure's members and the Département's administrators keep their services
up to date, and the coverage of the offer for pilots."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.scoping import require_departement_staff, require_roles
from jalon.offer.directory import selectors, services
from jalon.offer.directory.forms import (
    STATUS_ACTIONS,
    CoverageForm,
    ServiceForm,
    ServiceSearchForm,
    StatusForm,
)
from jalon.offer.enums import OfferStatus
from jalon.orientation.delays.selectors import actor_departement_id


SEARCH_ROLES = tuple(Role)
COVERAGE_ROLES = (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)


def _search_data(request, prefill) -> QueryDict | None:
    """The search's query: what the professional typed, or what the carnet gives when they have not chosen yet."""
    if not request.GET:
        return None
    data = request.GET.copy()
    if prefill is not None:
        for name, values in prefill.query_defaults().items():
            if name not in data:
                data.setlist(name, values)
    return data


@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_search(request):
    actor = request.actor
    prefill = None
    if person_pk := request.GET.get("personne"):
        prefill = selectors.carnet_prefill(actor=actor, person_pk=person_pk, frein_code=request.GET.get("frein", ""))
    form = ServiceSearchForm(_search_data(request, prefill), funding_labels=selectors.funding_labels_for(actor))
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = selectors.service_search(
                actor=actor,
                criteria=form.criteria(home=prefill.home_for(form.cleaned_data["commune"]) if prefill else None),
                page_number=request.GET.get("page"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "offer/directory/search.html",
        {
            "form": form,
            "results": results,
            "page_obj": results.page if results else None,
            "prefill": prefill,
            "frein": request.GET.get("frein", ""),
        },
    )


@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_detail(request, pk):
    page = selectors.service_detail(actor=request.actor, pk=pk)
    return render(
        request,
        "offer/directory/service_detail.html",
        {
            "page": page,
            "service": page.service,
            "status_actions": [
                (status, action) for status, action in STATUS_ACTIONS.items() if status != page.service.status
            ],
        },
    )


@require_roles(*SEARCH_ROLES, partner_admin=True)
def structure_detail(request, pk):
    page = selectors.structure_detail(actor=request.actor, pk=pk)
    return render(request, "offer/directory/structure_detail.html", {"page": page, "structure": page.structure})


# --- structure side ----------------------------------------------------------------------------------------------


@require_roles(*SEARCH_ROLES, partner_admin=True)
def my_services(request):
    actor = request.actor
    return render(
        request,
        "offer/directory/my_services.html",
        {
            "page_obj": selectors.managed_services(actor=actor, page_number=request.GET.get("page")),
            "structures": selectors.structures_to_add_to(actor, request.GET.get("structure", "")),
            "stale_months": selectors.stale_months(),
        },
    )


@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_create(request, structure_pk):
    actor = request.actor
    structure = selectors.structure_manageable(actor=actor, pk=structure_pk)
    form = ServiceForm(request.POST or None, funding_labels=selectors.funding_labels_for(actor))
    written = submitted_write(
        request,
        form,
        lambda data: services.service_create(
            actor=actor, structure=structure, data=form.service_data(), funding_labels=list(data["funding_labels"])
        ),
    )
    if written:
        messages.success(
            request, f"Le service « {written.result.name} » est créé en brouillon : publiez-le une fois vérifié."
        )
        return redirect("offer:service_detail", pk=written.result.pk)
    return render(
        request, "offer/directory/service_form.html", {"form": form, "structure": structure, "service": None}
    )


@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_update(request, pk):
    actor = request.actor
    service = selectors.service_manageable(actor=actor, pk=pk)
    initial = {name: getattr(service, name) for name in services.EDITABLE_FIELDS}
    initial["funding_labels"] = list(service.funding_labels.all())
    form = ServiceForm(request.POST or None, initial=initial, funding_labels=selectors.funding_labels_for(actor))
    written = submitted_write(
        request,
        form,
        lambda data: services.service_update(
            actor=actor, service=service, data=form.service_data(), funding_labels=list(data["funding_labels"])
        ),
    )
    if written:
        messages.success(request, f"Le service « {written.result.name} » est enregistré.")
        return redirect("offer:service_detail", pk=service.pk)
    return render(
        request,
        "offer/directory/service_form.html",
        {"form": form, "structure": service.structure, "service": service},
    )


@require_POST
@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_confirm(request, pk):
    service = selectors.service_manageable(actor=request.actor, pk=pk)
    services.service_confirm(actor=request.actor, service=service)
    messages.success(request, f"Le service « {service.name} » est confirmé à jour.")
    return redirect("offer:service_detail", pk=service.pk)


@require_POST
@require_roles(*SEARCH_ROLES, partner_admin=True)
def service_status(request, pk):
    service = selectors.service_manageable(actor=request.actor, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Statut inconnu.")
        return redirect("offer:service_detail", pk=service.pk)
    try:
        service = services.service_status_set(actor=request.actor, service=service, status=form.cleaned_data["status"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"Le service « {service.name} » est {services.STATUS_VERBS[OfferStatus(service.status)]}."
        )
    return redirect("offer:service_detail", pk=service.pk)


# --- coverage ----------------------------------------------------------------------------------------------------


def _coverage(request):
    form = CoverageForm(request.GET or None)
    grouping = selectors.BY_TERRITORY
    if form.is_bound and form.is_valid() and form.cleaned_data["grouping"]:
        grouping = form.cleaned_data["grouping"]
    return form, selectors.offer_coverage(
        actor=request.actor, departement_id=actor_departement_id(request.actor), grouping=grouping
    )


@require_departement_staff(*COVERAGE_ROLES)
def coverage(request):
    form, result = _coverage(request)
    return render(
        request,
        "offer/directory/coverage.html",
        {"form": form, "coverage": result, "export_query": request.GET.urlencode()},
    )


@require_departement_staff(*COVERAGE_ROLES)
def coverage_csv(request):
    _, result = _coverage(request)
    return export_response(
        request, selectors.coverage_rows(result), f"couverture-offre-{result.departement_id}-{result.grouping}.csv"
    )
