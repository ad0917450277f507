"""Screens of the plan's money. Thin: each parses, calls one service or selector, renders. Out of reach is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.exports import export_query, export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE
from jalon.programme.funding import access, selectors, services
from jalon.programme.funding.forms import (
    BudgetFilterForm,
    CommitmentForm,
    ContractForm,
    LineCreateForm,
    LineUpdateForm,
    LotForm,
    PaymentForm,
    SplitForm,
)
from jalon.programme.funding.models import Envelope, Lot


def _filters(request, programme):
    form = BudgetFilterForm(request.GET or None, programme=programme)
    data = form.cleaned_data if form.is_valid() else {}
    territory = data.get("territory")
    lines = selectors.filtered_lines(
        programme=programme, year=data.get("year"), funding_source=data.get("funding_source"), territory=territory
    )
    return form, selectors.parts_of(lines, territory_id=territory.pk if territory else None)


@access.require_funding_reader
def budget(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    form, parts = _filters(request, programme)
    rows = selectors.line_rows(parts)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programme/funding/budget.html",
        {
            "programme": programme,
            "form": form,
            "page_obj": page,
            "total": selectors.execution(parts=parts)["total"],
            "export_query": export_query(request),
            "may_edit": access.may_edit_lines(request.actor, programme),
        },
    )


@access.require_funding_reader
def budget_export(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    _form, parts = _filters(request, programme)
    return export_response(
        request, selectors.budget_export_rows(parts), f"{programme.code}-budget-{timezone.localdate():%Y-%m-%d}.csv"
    )


@access.require_funding_reader
def execution(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    form, parts = _filters(request, programme)
    return render(
        request,
        "programme/funding/execution.html",
        {"programme": programme, "form": form, **selectors.execution(parts=parts)},
    )


def _editable_programme(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    if not access.may_edit_lines(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    return programme


@access.require_funding_reader
def line_create(request, code):
    programme = _editable_programme(request, code)
    initial = {"year": min(max(timezone.localdate().year, programme.start.year), programme.end.year)}
    form = LineCreateForm(request.POST or None, programme=programme, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.budget_line_create(actor=request.actor, programme=programme, **data)
    )
    if written:
        messages.success(request, f"La ligne {written.result} est créée.")
        return redirect("programme:funding_line", code=code, pk=written.result.pk)
    return render(
        request,
        "programme/funding/form.html",
        {"form": form, "programme": programme, "title": "Nouvelle ligne budgétaire"},
    )


@access.require_funding_reader
def line_detail(request, code, pk):
    programme = selectors.programme_for(actor=request.actor, code=code)
    line = selectors.line_for(programme=programme, pk=pk)
    return render(
        request,
        "programme/funding/line.html",
        {"programme": programme, "line": line, **selectors.line_page(actor=request.actor, line=line)},
    )


@access.require_funding_reader
def line_update(request, code, pk):
    programme = _editable_programme(request, code)
    line = selectors.line_for(programme=programme, pk=pk)
    form = LineUpdateForm(request.POST or None, initial={"amount_eur": line.amount_eur, "label": line.label})
    written = submitted_write(
        request, form, lambda data: services.budget_line_update(actor=request.actor, line=line, **data)
    )
    if written:
        messages.success(request, "La ligne est modifiée.")
        return redirect("programme:funding_line", code=code, pk=pk)
    return render(
        request,
        "programme/funding/form.html",
        {"form": form, "programme": programme, "line": line, "title": "Modifier la ligne"},
    )


@access.require_funding_reader
def line_split(request, code, pk):
    programme = _editable_programme(request, code)
    line = selectors.line_for(programme=programme, pk=pk)
    form = SplitForm(request.POST or None, line=line, initial={"amount_eur": line.amount_eur})
    written = submitted_write(
        request,
        form,
        lambda _data: services.budget_line_split(actor=request.actor, line=line, **form.service_data()),
    )
    if written:
        messages.success(request, "La répartition entre territoires est enregistrée.")
        return redirect("programme:funding_line", code=code, pk=pk)
    return render(
        request,
        "programme/funding/form.html",
        {
            "form": form,
            "programme": programme,
            "line": line,
            "title": "Répartir la ligne entre territoires",
            "intro": "Les enveloppes doivent faire exactement le montant de la ligne ; sans aucune enveloppe, la "
            "ligne reste départementale.",
        },
    )


@require_POST
@access.require_funding_reader
def line_close(request, code, pk):
    programme = _editable_programme(request, code)
    line = selectors.line_for(programme=programme, pk=pk)
    try:
        services.budget_line_close(actor=request.actor, line=line)
        messages.success(request, "La ligne est clôturée.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("programme:funding_line", code=code, pk=pk)


@access.require_funding_reader
def commitment_create(request, code, pk):
    programme = selectors.programme_for(actor=request.actor, code=code)
    if not access.may_record_on_some(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    line = selectors.line_for(programme=programme, pk=pk)
    envelopes = Envelope.objects.filter(line=line).select_related("territory")
    if not access.may_edit_lines(request.actor, programme):
        envelopes = envelopes.filter(
            pk__in=[e.pk for e in envelopes if access.manages_territory(request.actor, programme, e.territory_id)]
        )
        if not envelopes:
            raise Http404(NOT_FOUND_MESSAGE)
    split = line.envelopes.exists()
    initial = {"committed_on": timezone.localdate()}
    if request.GET.get("enveloppe"):
        initial["envelope"] = request.GET["enveloppe"]
    form = CommitmentForm(
        request.POST or None,
        line=line,
        envelopes=envelopes if split else None,
        lots=Lot.objects.filter(contract__programme=programme).select_related("contract"),
        initial=initial,
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.commitment_record(actor=request.actor, line=line, **{"envelope": None, **data}),
    )
    if written:
        messages.success(request, f"L'engagement {written.result.reference} est enregistré.")
        return redirect("programme:funding_line", code=code, pk=pk)
    return render(
        request,
        "programme/funding/form.html",
        {"form": form, "programme": programme, "line": line, "title": "Enregistrer un engagement"},
    )


@access.require_funding_reader
def payment_create(request, code, pk):
    programme = selectors.programme_for(actor=request.actor, code=code)
    if not access.may_record_on_some(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    commitment = selectors.commitment_for(programme=programme, pk=pk)
    if not access.may_record_on(request.actor, commitment.line, commitment.envelope):
        raise Http404(NOT_FOUND_MESSAGE)
    form = PaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    written = submitted_write(
        request, form, lambda data: services.payment_record(actor=request.actor, commitment=commitment, **data)
    )
    if written:
        messages.success(request, f"Le mandatement {written.result.reference} est enregistré.")
        return redirect("programme:funding_line", code=code, pk=commitment.line_id)
    return render(
        request,
        "programme/funding/form.html",
        {
            "form": form,
            "programme": programme,
            "line": commitment.line,
            "title": "Enregistrer un mandatement",
            "intro": f"Engagement {commitment.reference} — {commitment.operator} — "
            f"{services.euros(commitment.amount_eur)}",
        },
    )


@access.require_funding_reader
def contracts(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    page = Paginator(selectors.contracts_of(programme), 25).get_page(request.GET.get("page"))
    may_edit = access.may_edit_lines(request.actor, programme)
    return render(
        request, "programme/funding/contracts.html", {"programme": programme, "page_obj": page, "may_edit": may_edit}
    )


@access.require_funding_reader
def contract_detail(request, code, pk):
    programme = selectors.programme_for(actor=request.actor, code=code)
    contract = selectors.contract_for(programme=programme, pk=pk)
    return render(
        request,
        "programme/funding/contract.html",
        {
            "programme": programme,
            "contract": contract,
            "may_edit": access.may_edit_lines(request.actor, programme),
            **selectors.contract_page(contract=contract),
        },
    )


@access.require_funding_reader
def contract_create(request, code):
    programme = _editable_programme(request, code)
    initial = {"starts_on": programme.start, "ends_on": programme.end}
    form = ContractForm(request.POST or None, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.contract_create(actor=request.actor, programme=programme, **data)
    )
    if written:
        messages.success(request, f"Le marché « {written.result.title} » est enregistré : ajoutez ses lots.")
        return redirect("programme:funding_contract", code=code, pk=written.result.pk)
    return render(
        request,
        "programme/funding/form.html",
        {"form": form, "programme": programme, "title": "Nouveau marché d'insertion"},
    )


@access.require_funding_reader
def lot_create(request, code, pk):
    programme = _editable_programme(request, code)
    contract = selectors.contract_for(programme=programme, pk=pk)
    form = LotForm(request.POST or None, programme=programme, initial={"number": contract.lots.count() + 1})
    written = submitted_write(
        request, form, lambda data: services.lot_create(actor=request.actor, contract=contract, **data)
    )
    if written:
        messages.success(request, f"Le lot {written.result.number} est ajouté au marché.")
        return redirect("programme:funding_contract", code=code, pk=contract.pk)
    return render(
        request,
        "programme/funding/form.html",
        {"form": form, "programme": programme, "title": f"Nouveau lot du marché « {contract.title} »"},
    )
