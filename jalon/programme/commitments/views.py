"""Screens of the commitment matrix. Thin: each parses, calls one service or selector, renders. Out of reach is
404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404
from jalon.programme import access as plan_access
from jalon.programme import selectors as plan_selectors
from jalon.programme.commitments import access, selectors, services
from jalon.programme.commitments.forms import AccountForm, CommitmentForm, MatrixFilterForm
from jalon.programme.commitments.models import SignatoryCommitment


def _matrix(request, code, per: str):
    programme = plan_selectors.programme_for(actor=request.actor, code=code)
    form = MatrixFilterForm(request.GET or None, programme=programme, per=per)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("annee")
    if per == "signatory":
        items = selectors.by_signatory(programme=programme, signatory_id=filters.get("signataire"), year=year)
    else:
        items = selectors.by_action(programme=programme, action_id=filters.get("action"), year=year)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programme/commitments/matrix.html",
        {
            "programme": programme,
            "per": per,
            "form": form,
            "page": Paginator(items, 10).get_page(request.GET.get("page")),
            "years": [year] if year else programme.years,
            "query": query.urlencode(),
            "may_edit": access.may_edit_any(request.actor, programme),
            "editable": set(access.editable_signatories(request.actor, programme).values_list("pk", flat=True)),
        },
    )


@plan_access.require_plan_reader
def by_signatory(request, code):
    return _matrix(request, code, "signatory")


@plan_access.require_plan_reader
def by_action(request, code):
    return _matrix(request, code, "action")


def _export(request, code, per: str):
    programme = plan_selectors.programme_for(actor=request.actor, code=code)
    form = MatrixFilterForm(request.GET or None, programme=programme, per=per)
    year = form.cleaned_data.get("annee") if form.is_valid() else None
    rows = selectors.export_rows(programme=programme, per=per, year=year)
    name = "signataires" if per == "signatory" else "actions"
    return export_response(request, rows, f"{programme.code}-engagements-{name}-{timezone.localdate():%Y-%m-%d}.csv")


@plan_access.require_plan_reader
def by_signatory_export(request, code):
    return _export(request, code, "signatory")


@plan_access.require_plan_reader
def by_action_export(request, code):
    return _export(request, code, "action")


def _editable_commitment(request, programme, pk) -> SignatoryCommitment:
    signatories = access.editable_signatories(request.actor, programme)
    return get_visible_or_404(
        SignatoryCommitment.objects.filter(signatory__in=signatories).select_related("signatory__programme", "action"),
        pk=pk,
    )


def _commitment_form(request, code, pk=None):
    programme = plan_selectors.programme_for(actor=request.actor, code=code)
    signatories = access.editable_signatories(request.actor, programme)
    if not signatories.exists():
        raise Http404(NOT_FOUND_MESSAGE)
    commitment = _editable_commitment(request, programme, pk) if pk else None
    if commitment:
        initial = {
            "organisation": commitment.signatory.organisation_id,
            "action": commitment.action_id,
            "year": commitment.year,
            "kind": commitment.kind,
            "quantity": commitment.quantity,
            "unit": commitment.unit,
            "text": commitment.text,
        }
    else:
        initial = {"year": min(max(timezone.localdate().year, programme.start.year), programme.end.year)}
        for name in ("organisation", "action"):
            if (value := request.GET.get(name, "")).isdigit():
                initial[name] = int(value)
    form = CommitmentForm(request.POST or None, initial=initial, programme=programme, signatories=signatories)
    written = submitted_write(
        request,
        form,
        lambda data: services.commitment_save(actor=request.actor, programme=programme, commitment=commitment, **data),
    )
    if written:
        messages.success(request, "L'engagement est enregistré.")
        return redirect(f"{_matrix_url(programme)}?signataire={written.result.signatory_id}")
    title = "Modifier un engagement" if commitment else "Nouvel engagement d'un signataire"
    return render(request, "programme/commitments/form.html", {"form": form, "programme": programme, "title": title})


def _matrix_url(programme):
    return reverse("programme:commitments_by_signatory", args=[programme.code])


@plan_access.require_plan_reader
def commitment_create(request, code):
    return _commitment_form(request, code)


@plan_access.require_plan_reader
def commitment_update(request, code, pk):
    return _commitment_form(request, code, pk)


@plan_access.require_plan_reader
def commitment_account(request, code, pk):
    programme = plan_selectors.programme_for(actor=request.actor, code=code)
    commitment = _editable_commitment(request, programme, pk)
    account = commitment.account if selectors.has_account(commitment) else None
    initial = {"reported_on": timezone.localdate()}
    if account:
        initial.update(delivered=account.delivered, comment=account.comment)
    form = AccountForm(request.POST or None, initial=initial)
    written = submitted_write(
        request,
        form,
        lambda data: services.commitment_account_record(actor=request.actor, commitment=commitment, **data),
    )
    if written:
        messages.success(request, "Le réalisé est enregistré.")
        return redirect(f"{_matrix_url(programme)}?signataire={commitment.signatory_id}")
    return render(
        request,
        "programme/commitments/form.html",
        {
            "form": form,
            "programme": programme,
            "commitment": commitment,
            "title": f"Réalisé {commitment.year} : {commitment.signatory} sur l'action {commitment.action.code}",
        },
    )
