from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import require_departement_staff, require_roles
from jalon.employers.selectors import directory_choices
from jalon.notebook.followup.views import CARNET_ROLES, _carnet
from jalon.offer.measures import selectors, services
from jalon.offer.measures.figures import figures_rows, offer_figures
from jalon.offer.measures.forms import MeasureForm
from jalon.offer.models import ReferralStatus
from jalon.orientation.delays.views import FIGURES_ROLES, filtered_figures


@require_roles(*CARNET_ROLES)
def measures(request, person_pk):
    access = _carnet(request, person_pk, screen="carnet : mesures", write=request.method == "POST")
    notebook = access.notebook
    form = MeasureForm(
        request.POST or None,
        initial={"version": notebook.version, "starts_on": timezone.localdate()},
        structures=selectors.structures_for(notebook=notebook),
        employers=directory_choices(notebook.person.departement_id),
    )
    written = submitted_write(
        request, form, lambda data: services.measure_record(actor=request.actor, notebook=notebook, **data)
    )
    if written:
        messages.success(request, f"Mesure enregistrée : {written.result}.")
        return redirect("offer:measures", person_pk=notebook.person_id)
    return render(
        request,
        "offer/measures/measures.html",
        {
            "form": form,
            "person": notebook.person,
            "access": access,
            "measures": selectors.measures_for(notebook=notebook),
        },
    )


def _figures(request):
    return filtered_figures(request, offer_figures)


@require_departement_staff(*FIGURES_ROLES)
def figures(request):
    form, result = _figures(request)
    return render(
        request,
        "offer/measures/figures.html",
        {
            "form": form,
            "figures": result,
            "referral_tables": result.referrals.tables if result.referrals else [],
            "status_labels": [label for _, label in ReferralStatus.choices],
            "export_query": request.GET.urlencode(),
        },
    )


@require_departement_staff(*FIGURES_ROLES)
def figures_csv(request):
    _, result = _figures(request)
    return export_response(
        request, figures_rows(result), f"chiffres-mesures-plateaux-{result.start:%Y-%m}-{result.end:%Y-%m}.csv"
    )
