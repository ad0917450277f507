"""The observatory's screens. Thin: the figures come from `figures` and `selectors`, read through the engine."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from jalon.core.exports import export_response
from jalon.core.scoping import require_departement_staff
from jalon.observatory import dashboards, figures, selectors
from jalon.observatory.forms import CatalogueFilterForm
from jalon.orientation.delays.views import FIGURES_ROLES, filtered_figures
from jalon.orientation.enums import OrientationType


def _orientation(request):
    return filtered_figures(request, figures.orientation_figures)


@require_departement_staff(*FIGURES_ROLES)
def orientation_figures(request):
    form, result = _orientation(request)
    return render(
        request,
        "observatory/orientation_figures.html",
        {"form": form, "figures": result, "types": OrientationType.choices, "export_query": request.GET.urlencode()},
    )


@require_departement_staff(*FIGURES_ROLES)
def orientation_figures_csv(request):
    _, result = _orientation(request)
    return export_response(
        request, figures.figures_rows(result), f"chiffres-orientation-{result.start:%Y-%m}-{result.end:%Y-%m}.csv"
    )


@require_departement_staff(*FIGURES_ROLES)
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    indicators = selectors.catalogue(
        seed=filters.get("seed", ""), source=filters.get("source", ""), text=filters.get("text", "")
    )
    page = Paginator(indicators, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "observatory/catalogue.html",
        {"form": form, "page_obj": page, "shares": selectors.catalogue_shares(), "total": indicators.count()},
    )


@require_departement_staff(*FIGURES_ROLES)
def catalogue_csv(request):
    rows = [
        ["Code", "Document", "Référence", "Intitulé", "Source", "Unité", "Population", "Numérateur", "Dénominateur"]
    ]
    rows += [
        [
            i.code,
            i.get_seed_display(),
            i.reference,
            i.wording,
            i.get_source_display(),
            i.get_unit_display(),
            i.population,
            i.numerator,
            i.denominator,
        ]
        for i in selectors.catalogue()
    ]
    return export_response(request, rows, "catalogue-indicateurs.csv")


@require_departement_staff(*FIGURES_ROLES)
def indicator_detail(request, code):
    indicator = selectors.indicator_for(code=code)
    today = timezone.localdate()
    values = selectors.indicator_values(actor=request.actor, indicator=indicator, today=today)
    trend = dashboards.indicator_trend(actor=request.actor, indicator=indicator, today=today) if values else None
    return render(request, "observatory/indicator.html", {"indicator": indicator, "values": values, "trend": trend})
