"""« Données ouvertes »: the Département's open datasets, their preview, files and publication log. Thin views: the
datasets come from `opendata_datasets`, the files from `opendata_files`, the writes from `opendata_services`."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.core.scoping import require_departement_staff
from jalon.observatory.forms_opendata import DatasetOptionsForm, OpenDataSettingsForm
from jalon.observatory.models import Indicator
from jalon.observatory.opendata_datasets import (
    LEVEL_LABELS,
    LEVELS,
    OpenDataRefused,
    config_for,
    dataset_build,
    published_indicators,
)
from jalon.observatory.opendata_files import dataset_csv, dataset_metadata, dataset_schema, dataset_zip
from jalon.observatory.opendata_services import FORMATS, opendata_export_record, opendata_settings_update
from jalon.observatory.selectors import actor_departement_id, format_value


OPENDATA_ROLES = (Role.PROGRAMME_PILOT, Role.ANALYST)


def _publication_log(departement_id):
    return AuditEvent.objects.filter(code=AuditCode.OPENDATA_EXPORTED, data__departement=departement_id)


@require_departement_staff(*OPENDATA_ROLES)
def opendata_list(request):
    departement_id = actor_departement_id(request.actor)
    config = config_for(departement_id)
    log = Paginator(_publication_log(departement_id), 20).get_page(request.GET.get("page"))
    levels = [(level, LEVEL_LABELS[level]) for level in LEVELS]
    return render(
        request,
        "observatory/opendata_list.html",
        {
            "config": config,
            "indicators": published_indicators(config),
            "levels": levels,
            "page_obj": log,
            "formats": FORMATS,
        },
    )


@require_departement_staff(*OPENDATA_ROLES)
def opendata_settings(request):
    departement_id = actor_departement_id(request.actor)
    config = config_for(departement_id)
    initial = {
        "threshold": config.threshold,
        "indicators": list(config.indicators),
        "segment_level": config.segment_level,
        "territory_kind": config.territory_kind,
    }
    form = OpenDataSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opendata_settings_update(actor=request.actor, departement_id=departement_id, **form.cleaned_data)
        except OpenDataRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Les réglages des données ouvertes sont enregistrés.")
            return redirect("observatory:opendata_list")
    return render(request, "observatory/opendata_settings.html", {"form": form})


def _dataset(request, code, level):
    if level not in LEVELS:
        raise Http404
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404
    form = DatasetOptionsForm(request.GET or None, indicator=indicator)
    options = form.cleaned_data if form.is_valid() else {}
    try:
        dataset = dataset_build(
            departement_id=actor_departement_id(request.actor),
            indicator=indicator,
            level=level,
            period_kind=options.get("periode") or "annee",
            dimension=options.get("ventilation") or "",
        )
    except OpenDataRefused as refusal:
        return indicator, form, None, str(refusal)
    return indicator, form, dataset, ""


@require_departement_staff(*OPENDATA_ROLES)
def opendata_dataset(request, code, level):
    indicator, form, dataset, refusal = _dataset(request, code, level)
    return _dataset_page(request, indicator, level, form, dataset, refusal)


def _dataset_page(request, indicator, level, form, dataset, refusal, status=200):
    page = None
    if dataset is not None:
        page = Paginator(dataset.rows, 50).get_page(request.GET.get("page"))
        page.cells = [
            (row, format_value(indicator.unit, row.rate if dataset.is_rate else row.numerator)) for row in page
        ]
    return render(
        request,
        "observatory/opendata_dataset.html",
        {
            "indicator": indicator,
            "level": level,
            "level_label": LEVEL_LABELS[level],
            "form": form,
            "dataset": dataset,
            "refusal": refusal,
            "page_obj": page,
            "query": request.GET.urlencode(),
            "formats": FORMATS,
        },
        status=status,
    )


@require_departement_staff(*OPENDATA_ROLES)
def opendata_download(request, code, level, file_format):
    if file_format not in FORMATS:
        raise Http404
    indicator, form, dataset, refusal = _dataset(request, code, level)
    if dataset is None:
        return _dataset_page(request, indicator, level, form, None, refusal, status=400)
    if file_format == "csv":
        response = HttpResponse(dataset_csv(dataset), content_type="text/csv; charset=utf-8")
        name = f"{dataset.slug}.csv"
    elif file_format == "zip":
        response = HttpResponse(dataset_zip(dataset), content_type="application/zip")
        name = f"{dataset.slug}.zip"
    else:
        data = dataset_schema(dataset) if file_format == "schema" else dataset_metadata(dataset)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
        )
        name = f"{dataset.slug}.{file_format}.json"
    opendata_export_record(actor=request.actor, dataset=dataset, file_format=file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
