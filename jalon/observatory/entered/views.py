"""Screens of the entered indicators. Thin: the rules are the services', the scope the selectors'."""

from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff
from jalon.observatory.entered import selectors, services
from jalon.observatory.entered.enums import EntryStatus
from jalon.observatory.entered.forms import DueFilterForm, EntryForm, SendBackForm, SetupForm
from jalon.observatory.enums import TerritoryLevel
from jalon.observatory.periods import parse_period


def require_entries(view):
    """The list of values to enter opens to those who may enter one (the menu asks the same)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.may_open_entries(request.actor):
            raise Http404(NOT_FOUND_MESSAGE)
        return view(request, *args, **kwargs)

    wrapper.may_open = selectors.may_open_entries  # type: ignore[attr-defined]
    return wrapper


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _due(request):
    form = DueFilterForm(request.GET or None)
    status = form.cleaned_data.get("statut", "") if form.is_valid() else ""
    return form, selectors.due_rows(actor=request.actor, today=timezone.localdate(), status=status)


@require_entries
def entered_list(request):
    form, rows = _due(request)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    late = sum(1 for row in rows if row.late)
    return render(
        request,
        "observatory/entered_list.html",
        {
            "form": form,
            "page_obj": page,
            "late": late,
            "may_validate": selectors.may_validate(request.actor, request.actor.departement_code),
            "may_configure": selectors.may_configure(request.actor),
            "export_query": request.GET.urlencode(),
        },
    )


@require_entries
def entered_list_csv(request):
    _, rows = _due(request)
    return export_response(
        request, selectors.due_csv_rows(rows), f"valeurs-a-saisir-{timezone.localdate():%Y-%m-%d}.csv"
    )


def entered_form(request, code, period):
    actor, today = request.actor, timezone.localdate()
    indicator = selectors.entered_indicator_for(code=code)
    chosen = parse_period(period)
    if chosen is None:
        raise Http404(NOT_FOUND_MESSAGE)
    setup = selectors.setup_for(indicator=indicator, departement_id=actor.departement_code or "", today=today)
    if not selectors.may_enter(actor, setup):
        raise Http404(NOT_FOUND_MESSAGE)
    territory = request.GET.get("territoire") or f"{TerritoryLevel.DEPARTEMENT}:{setup.departement_id}"
    level, _, territory_code = territory.partition(":")
    existing = selectors.cell_entries(
        setup=setup, period=chosen, territory_level=level, territory_code=territory_code
    ).first()
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, indicator=indicator, departement_id=setup.departement_id)
        if form.is_valid():
            level, territory_code = form.territory_key
            data = form.cleaned_data
            try:
                entry = services.entered_value_save(
                    actor=actor,
                    indicator=indicator,
                    period=chosen,
                    territory_level=level,
                    territory_code=territory_code,
                    dimension=data.get("dimension", ""),
                    segment=data.get("segment", ""),
                    value=float(data["value"]),
                    comment=data["comment"],
                    evidence=data["evidence"],
                    evidence_url=data["evidence_url"],
                    submit=request.POST.get("action") == "soumettre",
                    today=today,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                if entry.status == EntryStatus.SUBMITTED:
                    messages.success(request, f"Valeur de {indicator.code} ({chosen.label}) soumise à validation.")
                else:
                    messages.success(request, f"Brouillon de {indicator.code} ({chosen.label}) enregistré.")
                return redirect("observatory:entered_detail", pk=entry.pk)
    else:
        initial = {"territory": territory}
        if existing is not None:
            initial.update(value=existing.value, comment=existing.comment, evidence_url=existing.evidence_url)
        form = EntryForm(initial=initial, indicator=indicator, departement_id=setup.departement_id)
    return render(
        request,
        "observatory/entered_form.html",
        {
            "indicator": indicator,
            "period": chosen,
            "setup": setup,
            "deadline": selectors.deadline_of(setup, chosen),
            "existing": existing,
            "form": form,
        },
    )


def _detail_context(request, entry, send_back_form=None):
    actor = request.actor
    setup = selectors.setup_for(
        indicator=entry.indicator, departement_id=entry.departement_id, today=timezone.localdate()
    )
    return {
        "entry": entry,
        "period": entry_period(entry),
        "territory": selectors.territory_label(entry),
        "segment": selectors.segment_label(entry.dimension, entry.segment),
        "value": selectors.format_entered(entry.indicator.unit, entry.value),
        "events": entry.events.select_related("by"),
        "may_review": selectors.may_validate(actor, entry.departement_id)
        and entry.status == EntryStatus.SUBMITTED
        and entry.entered_by_id != actor.user.pk,
        "may_correct": selectors.may_enter(actor, setup) and entry.status in selectors.OWNER_PENDING,
        "send_back_form": send_back_form or SendBackForm(),
    }


def entry_period(entry):
    from jalon.observatory.periods import Period

    return Period(entry.period_kind, entry.period_start)


def entered_detail(request, pk):
    entry = selectors.entry_get(actor=request.actor, pk=pk, today=timezone.localdate())
    return render(request, "observatory/entered_detail.html", _detail_context(request, entry))


@require_POST
def entered_validate(request, pk):
    entry = selectors.entry_get(actor=request.actor, pk=pk, today=timezone.localdate())
    try:
        services.entered_value_validate(actor=request.actor, entry=entry)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("observatory:entered_detail", pk=entry.pk)
    messages.success(request, f"Valeur de {entry.indicator.code} ({entry_period(entry).label}) validée et publiée.")
    return redirect("observatory:entered_queue")


@require_POST
def entered_send_back(request, pk):
    entry = selectors.entry_get(actor=request.actor, pk=pk, today=timezone.localdate())
    if not selectors.may_validate(request.actor, entry.departement_id):
        raise Http404(NOT_FOUND_MESSAGE)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.entered_value_send_back(actor=request.actor, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"Valeur de {entry.indicator.code} renvoyée pour correction.")
            return redirect("observatory:entered_queue")
    return render(request, "observatory/entered_detail.html", _detail_context(request, entry, form), status=200)


def entered_evidence(request, pk):
    entry = selectors.entry_get(actor=request.actor, pk=pk, today=timezone.localdate())
    if not entry.evidence:
        raise Http404(NOT_FOUND_MESSAGE)
    name = entry.evidence_name or Path(entry.evidence.name).name
    response = FileResponse(entry.evidence.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@require_departement_staff(Role.PROGRAMME_PILOT)
def entered_queue(request):
    entries = selectors.validation_queue(actor=request.actor)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    for entry in page:
        entry.period = entry_period(entry)
        entry.territory_label = selectors.territory_label(entry)
        entry.display = selectors.format_entered(entry.indicator.unit, entry.value)
    return render(request, "observatory/entered_queue.html", {"page_obj": page})


def entered_history(request, code):
    indicator = selectors.entered_indicator_for(code=code)
    entries = selectors.history(actor=request.actor, indicator=indicator, today=timezone.localdate())
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    for entry in page:
        entry.period = entry_period(entry)
        entry.territory_label = selectors.territory_label(entry)
        entry.segment_label = selectors.segment_label(entry.dimension, entry.segment)
        entry.display = selectors.format_entered(indicator.unit, entry.value)
    # An owner outside the Département (a partner) enters the values but does not open the observatory's pages.
    from jalon.observatory.views import indicator_detail

    opens_indicator = indicator_detail.may_open(request.actor)
    return render(
        request,
        "observatory/entered_history.html",
        {"indicator": indicator, "page_obj": page, "opens_indicator": opens_indicator},
    )


@require_departement_staff(Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)
def entered_setups(request):
    setups = selectors.setups_to_configure(actor=request.actor, today=timezone.localdate())
    page = Paginator(setups, 50).get_page(request.GET.get("page"))
    return render(request, "observatory/entered_setups.html", {"page_obj": page})


@require_departement_staff(Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)
def entered_setup(request, code):
    actor, today = request.actor, timezone.localdate()
    indicator = selectors.entered_indicator_for(code=code)
    if not selectors.may_configure(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    setup = selectors.setup_for(indicator=indicator, departement_id=actor.departement_code, today=today)
    form = SetupForm(request.POST or None, instance=setup, departement_id=actor.departement_code)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_setup_save(actor=actor, indicator=indicator, today=today, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"Saisie de {indicator.code} réglée.")
            return redirect("observatory:entered_setups")
    return render(request, "observatory/entered_setup_form.html", {"indicator": indicator, "form": form})
