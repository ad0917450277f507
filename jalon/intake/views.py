from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff, require_roles
from jalon.intake import selectors, services
from jalon.intake.caf_import import rejected_rows_csv
from jalon.intake.enums import ImportKind, ImportStatus, SpreadsheetDateFormat, SpreadsheetField
from jalon.intake.forms import DspForm, FluxUploadForm, SpreadsheetMappingForm, SpreadsheetUploadForm
from jalon.intake.spreadsheet import guess_mapping
from jalon.people.enums import Organisme


DSP_EDIT_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT)


def _person_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


@require_roles(*DSP_EDIT_ROLES)
def dsp_edit(request, person_pk):
    person, dsp = selectors.dsp_get(actor=request.actor, person_pk=person_pk)
    form = DspForm(request.POST or None, dsp=dsp)
    person_url = _person_url(person)
    if request.method == "POST" and form.is_valid():
        try:
            services.dsp_update(actor=request.actor, person=person, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Les données socio-professionnelles de {person} ont été enregistrées.")
            return redirect(person_url)
    return render(
        request, "intake/dsp_form.html", {"form": form, "person": person, "dsp": dsp, "person_url": person_url}
    )


@require_departement_staff(Role.ADMINISTRATOR)
def import_list(request):
    form = FluxUploadForm(
        request.POST or None, request.FILES or None, other_departement_choice=request.actor.is_departement_admin
    )
    if request.method == "POST" and form.is_valid():
        run = services.caf_flux_upload(
            actor=request.actor,
            uploaded_file=form.cleaned_data["file"],
            other_departement_allowed=form.cleaned_data.get("other_departement", False),
        )
        messages.success(request, f"Le fichier {run.file_name} a été déposé : son import est en cours.")
        return redirect("intake:import_detail", pk=run.pk)
    page = Paginator(selectors.import_run_list(actor=request.actor), 20).get_page(request.GET.get("page"))
    return render(request, "intake/import_list.html", {"form": form, "page_obj": page})


@require_departement_staff(Role.ADMINISTRATOR)
def import_detail(request, pk):
    run = selectors.import_run_get(actor=request.actor, pk=pk)
    if run.kind == ImportKind.SPREADSHEET and run.status == ImportStatus.PENDING and not request.htmx:
        return redirect("intake:spreadsheet_mapping", pk=run.pk)  # a list waiting for its column mapping
    if request.htmx:  # the status block polled while the import runs: no rejected line in it
        return render(request, "intake/_import_status.html", {"run": run})
    rejected = selectors.rejected_rows_page(actor=request.actor, run=run, page_number=request.GET.get("page"))
    return render(request, "intake/import_detail.html", {"run": run, "page_obj": rejected})


@require_departement_staff(Role.ADMINISTRATOR)
def import_rejected_csv(request, pk):
    run = selectors.import_run_get(actor=request.actor, pk=pk)
    services.rejected_rows_download_record(actor=request.actor, run=run)
    return export_response(request, rejected_rows_csv(run), f"rejets-import-{run.pk}.csv")


# -- spreadsheet import: upload, column mapping, preview and confirmation -----------------------------------------


def _spreadsheet_run(request, pk):
    """A spreadsheet run of the actor's département (404 otherwise, like any import out of scope)."""
    run = selectors.import_run_get(actor=request.actor, pk=pk)
    if run.kind != ImportKind.SPREADSHEET:
        raise Http404(NOT_FOUND_MESSAGE)
    return run


def _spreadsheet_session_key(run) -> str:
    # The mapping chosen for the run, kept between the mapping screen and the preview.
    return f"spreadsheet_import_{run.pk}"


@require_departement_staff(Role.ADMINISTRATOR)
def spreadsheet_upload(request):
    form = SpreadsheetUploadForm(
        request.POST or None, request.FILES or None, profiles=selectors.import_profile_list(actor=request.actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.spreadsheet_upload(actor=request.actor, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            url = reverse("intake:spreadsheet_mapping", args=[run.pk])
            if form.cleaned_data.get("profile"):
                url += f"?profil={form.cleaned_data['profile'].pk}"
            return redirect(url)
    return render(request, "intake/spreadsheet_upload.html", {"form": form})


@require_departement_staff(Role.ADMINISTRATOR)
def spreadsheet_mapping(request, pk):
    run = _spreadsheet_run(request, pk)
    if run.status != ImportStatus.PENDING:
        return redirect("intake:import_detail", pk=run.pk)
    try:
        headers, sample = selectors.spreadsheet_sample(run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intake:spreadsheet_upload")
    profile = None
    if request.GET.get("profil"):
        profile = selectors.import_profile_get(actor=request.actor, pk=request.GET["profil"])
    if profile is not None:
        options = {"mapping": profile.mapping, "date_format": profile.date_format, "organisme": profile.organisme}
    else:
        options = request.session.get(_spreadsheet_session_key(run)) or {
            "mapping": guess_mapping(headers),
            "date_format": SpreadsheetDateFormat.DAY_MONTH_YEAR,
            "organisme": Organisme.CAF,
        }
    form = SpreadsheetMappingForm(
        request.POST or None,
        headers=headers,
        initial=SpreadsheetMappingForm.initial_for(headers=headers, **options),
    )
    if request.method == "POST" and form.is_valid():
        saved = None
        try:
            if form.cleaned_data["profile_name"]:
                saved = services.import_profile_save(
                    actor=request.actor, name=form.cleaned_data["profile_name"], **form.options
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved is not None:
                messages.success(request, f"Le profil d'import « {saved.name} » a été enregistré.")
            request.session[_spreadsheet_session_key(run)] = form.options
            return redirect("intake:spreadsheet_preview", pk=run.pk)
    context = {
        "run": run,
        "form": form,
        "headers": headers,
        "sample": sample,
        "profiles": selectors.import_profile_list(actor=request.actor),
        "profile": profile,
    }
    return render(request, "intake/spreadsheet_mapping.html", context)


@require_departement_staff(Role.ADMINISTRATOR)
def spreadsheet_preview(request, pk):
    run = _spreadsheet_run(request, pk)
    if run.status != ImportStatus.PENDING:
        return redirect("intake:import_detail", pk=run.pk)
    key = _spreadsheet_session_key(run)
    options = request.session.get(key)
    if options is None:
        return redirect("intake:spreadsheet_mapping", pk=run.pk)
    if request.method == "POST":
        try:
            run = services.spreadsheet_import(actor=request.actor, run=run, **options)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("intake:spreadsheet_mapping", pk=run.pk)
        request.session.pop(key, None)
        if run.status == ImportStatus.DONE:
            messages.success(
                request,
                f"Import terminé : {run.persons_created} personne{pluralize(run.persons_created)} "
                f"créée{pluralize(run.persons_created)}, {run.persons_updated} mise{pluralize(run.persons_updated)} "
                f"à jour, {run.rejected} ligne{pluralize(run.rejected)} écartée{pluralize(run.rejected)}.",
            )
        return redirect("intake:import_detail", pk=run.pk)
    try:
        preview = services.spreadsheet_preview(actor=request.actor, run=run, **options)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intake:spreadsheet_mapping", pk=run.pk)
    labels = dict(SpreadsheetField.choices)
    mapped = [(labels[target], header) for target, header in options["mapping"].items() if target in labels]
    return render(request, "intake/spreadsheet_preview.html", {"run": run, "preview": preview, "mapped": mapped})
