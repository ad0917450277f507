import csv
from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.scoping import require_roles
from jalon.intake import selectors, services
from jalon.intake.caf_import import rejected_rows_csv
from jalon.intake.forms import DspForm, FluxUploadForm


DSP_EDIT_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT)


def _person_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_roles(*DSP_EDIT_ROLES)
def dsp_edit(request, person_pk):
    person, dsp = selectors.dsp_get(actor=request.actor, person_pk=person_pk)
    form = DspForm(request.POST or None, dsp=dsp)
    person_url = _person_url(person)
    if request.method == "POST" and form.is_valid():
        try:
            services.dsp_update(actor=request.actor, person=person, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Les données socio-professionnelles de {person} ont été enregistrées.")
            return redirect(person_url)
    return render(
        request, "intake/dsp_form.html", {"form": form, "person": person, "dsp": dsp, "person_url": person_url}
    )


@require_roles(Role.ADMINISTRATOR)
def import_list(request):
    form = FluxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.caf_flux_upload(actor=request.actor, uploaded_file=form.cleaned_data["file"])
        messages.success(request, f"Le fichier {run.file_name} a été déposé : son import est en cours.")
        return redirect("intake:import_detail", pk=run.pk)
    page = Paginator(selectors.import_run_list(actor=request.actor), 20).get_page(request.GET.get("page"))
    return render(request, "intake/import_list.html", {"form": form, "page_obj": page})


@require_roles(Role.ADMINISTRATOR)
def import_detail(request, pk):
    run = selectors.import_run_get(actor=request.actor, pk=pk)
    rejected = Paginator(run.rejected_rows.order_by("line"), 50).get_page(request.GET.get("page"))
    template = "intake/_import_status.html" if request.htmx else "intake/import_detail.html"
    return render(request, template, {"run": run, "page_obj": rejected})


class _Echo:
    def write(self, value):
        return value


@require_roles(Role.ADMINISTRATOR)
def import_rejected_csv(request, pk):
    run = selectors.import_run_get(actor=request.actor, pk=pk)
    services.rejected_rows_download_record(actor=request.actor, run=run)
    writer = csv.writer(_Echo(), delimiter=";")
    # A BOM so that spreadsheet software opens the accents right.
    rows = (writer.writerow(row) for row in rejected_rows_csv(run))
    response = StreamingHttpResponse(chain(["\ufeff"], rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejets-import-{run.pk}.csv"'
    return response
