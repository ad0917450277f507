from django.shortcuts import render

from jalon.core.exports import export_response
from jalon.core.scoping import require_departement_staff
from jalon.notebook.figures import figures_rows, freins_table, notebook_figures
from jalon.orientation.delays.views import FIGURES_ROLES, filtered_figures


def _figures(request):
    return filtered_figures(request, notebook_figures)


@require_departement_staff(*FIGURES_ROLES)
def figures(request):
    form, result = _figures(request)
    return render(
        request,
        "notebook/figures.html",
        {
            "form": form,
            "figures": result,
            "freins": freins_table(result, result.main),
            "objective_counts": [(label, result.main.objectives[value]) for value, label in result.objective_statuses],
            "export_query": request.GET.urlencode(),
        },
    )


@require_departement_staff(*FIGURES_ROLES)
def figures_csv(request):
    _, result = _figures(request)
    return export_response(
        request, figures_rows(result), f"chiffres-carnets-{result.start:%Y-%m}-{result.end:%Y-%m}.csv"
    )
