from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, require_departement_staff
from jalon.territories import selectors, services
from jalon.territories.forms import TerritoryForm


VIEWER_ROLES = (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT, Role.ANALYST)


def _can_manage(actor: Actor) -> bool:
    return actor.is_departement_admin or actor.is_platform_admin


def _require_manager(actor: Actor) -> None:
    if not _can_manage(actor):
        raise Http404(NOT_FOUND_MESSAGE)


@require_departement_staff(*VIEWER_ROLES)
def territory_list(request):
    territories = selectors.territory_list(actor=request.actor)
    page = Paginator(territories, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/territory_list.html",
        {
            "page_obj": page,
            "can_manage": _can_manage(request.actor),
            "show_departement": request.actor.is_platform_admin,
        },
    )


@require_departement_staff(*VIEWER_ROLES)
def territory_detail(request, pk):
    territory = selectors.territory_get(actor=request.actor, pk=pk)
    page = Paginator(selectors.territory_commune_list(territory=territory), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/territory_detail.html",
        {
            "territory": territory,
            "page_obj": page,
            "totals": selectors.territory_totals(territory=territory),
            "can_manage": _can_manage(request.actor),
        },
    )


@require_departement_staff(Role.ADMINISTRATOR)
def territory_create(request):
    actor = request.actor
    _require_manager(actor)
    if actor.organisation is None:
        raise Http404(NOT_FOUND_MESSAGE)
    departement = actor.organisation.departement
    form = TerritoryForm(request.POST or None, departement=departement)
    if request.method == "POST" and form.is_valid():
        try:
            territory = services.territory_create(
                actor_user=request.user,
                actor_organisation=actor.organisation,
                departement=departement,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Le territoire « {territory} » a été créé.")
            return redirect("territories:detail", pk=territory.pk)
    return render(request, "territories/territory_form.html", {"form": form})


@require_departement_staff(Role.ADMINISTRATOR)
def territory_update(request, pk):
    actor = request.actor
    _require_manager(actor)
    territory = selectors.territory_get(actor=actor, pk=pk)
    initial = {
        "name": territory.name,
        "kind": territory.kind,
        "communes": list(territory.communes.values_list("code", flat=True)),
    }
    form = TerritoryForm(request.POST or None, initial=initial, departement=territory.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_update(
                territory=territory,
                actor_user=request.user,
                actor_organisation=actor.organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Le territoire « {territory} » a été enregistré.")
            return redirect("territories:detail", pk=territory.pk)
    return render(request, "territories/territory_form.html", {"form": form, "territory": territory})


@require_departement_staff(Role.ADMINISTRATOR)
def territory_delete(request, pk):
    actor = request.actor
    _require_manager(actor)
    territory = selectors.territory_get(actor=actor, pk=pk)
    if request.method == "POST":
        try:
            services.territory_delete(
                territory=territory, actor_user=request.user, actor_organisation=actor.organisation
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("territories:detail", pk=territory.pk)
        messages.success(request, f"Le territoire « {territory.name} » a été supprimé.")
        return redirect("territories:list")
    return render(
        request,
        "territories/territory_confirm_delete.html",
        {"territory": territory, "totals": selectors.territory_totals(territory=territory)},
    )
