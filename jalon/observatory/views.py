"""The observatory's screens. Thin: the figures come from `figures` and `selectors`, read through the engine."""

from django.shortcuts import render

from jalon.core.exports import csv_response
from jalon.core.scoping import require_departement_staff
from jalon.observatory import figures
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
    return csv_response(
        figures.figures_rows(result), f"chiffres-orientation-{result.start:%Y-%m}-{result.end:%Y-%m}.csv"
    )
