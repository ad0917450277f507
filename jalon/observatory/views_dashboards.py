"""The observatory's dashboards: the director summary, the targets, the annual territory portraits. Thin: the
figures come from `dashboards` and `portrait`, read from the stored snapshots."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import require_departement_staff
from jalon.observatory import dashboards, portrait
from jalon.observatory.forms import TargetForm
from jalon.observatory.services import indicator_target_set
from jalon.orientation.delays.selectors import actor_departement_id
from jalon.orientation.delays.views import FIGURES_ROLES


@require_departement_staff(*FIGURES_ROLES)
def summary(request):
    result = dashboards.director_summary(actor=request.actor, today=timezone.localdate())
    return render(
        request,
        "observatory/dashboard_summary.html",
        {"summary": result, "may_set_targets": request.actor.acts_for_departement(Role.PROGRAMME_PILOT)},
    )


@require_departement_staff(Role.PROGRAMME_PILOT)
def targets(request):
    departement_id = actor_departement_id(request.actor)
    initial = {"year": timezone.localdate().year}
    if request.GET.get("indicateur"):
        initial["indicator"] = request.GET["indicateur"]
    form = TargetForm(request.POST or None, departement_id=departement_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = indicator_target_set(
            actor=request.actor,
            indicator=data["indicator"],
            departement_id=departement_id,
            year=data["year"],
            territory=data["territory"],
            value=data["stored_value"],
        )
        messages.success(
            request,
            f"Objectif {target.year} de {target.indicator.code} enregistré "
            f"({target.territory.name if target.territory else 'tout le Département'}).",
        )
        return redirect("observatory:targets")
    return render(
        request,
        "observatory/dashboard_targets.html",
        {"form": form, "targets": dashboards.targets_of(actor=request.actor)},
    )


@require_departement_staff(*FIGURES_ROLES)
def portraits(request):
    today = timezone.localdate()
    territories, epcis = portrait.places_for(actor=request.actor)
    years = portrait.portrait_years(actor=request.actor, today=today)
    return render(
        request,
        "observatory/portrait_list.html",
        {"territories": territories, "epcis": epcis, "years": years},
    )


@require_departement_staff(*FIGURES_ROLES)
def portrait_pdf(request, level, code, year):
    place = portrait.place_for(actor=request.actor, level=level, code=code)
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise Http404
    result = portrait.portrait(actor=request.actor, place=place, year=year)
    response = HttpResponse(portrait.portrait_pdf(result, as_of=today), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="portrait-{level}-{code}-{year}.pdf"'
    return response
