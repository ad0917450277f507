"""Screens of the action plan. Thin: each parses, calls one service or selector, renders. Out of reach is 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, view_opens_for
from jalon.programme import access, report, selectors, services
from jalon.programme.forms import (
    ActionUpdateForm,
    AsOfForm,
    OfferLinkForm,
    PlanFilterForm,
    ReviewForm,
    StepForm,
    TargetForm,
)
from jalon.programme.governance import selectors as governance_selectors


@access.require_plan_reader
def programme_list(request):
    programmes = list(selectors.programmes_for(actor=request.actor))
    return render(request, "programme/list.html", {"programmes": programmes})


@access.require_plan_reader
def programme_detail(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    form = PlanFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_valid() else {}
    organisation = filters.get("organisation")
    return render(
        request,
        "programme/detail.html",
        {
            "programme": programme,
            "form": form,
            "query": request.GET.urlencode(),
            "axes": selectors.plan_tree(
                programme=programme,
                status=filters.get("status") or "",
                axis=filters.get("axis") or "",
                organisation_id=organisation.pk if organisation else None,
            ),
            **selectors.plan_overview(programme=programme),
        },
    )


@access.require_plan_reader
def timeline(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    form = PlanFilterForm(request.GET or None, programme=programme)
    axis = form.cleaned_data.get("axis") or "" if form.is_valid() else ""
    return render(
        request,
        "programme/timeline.html",
        {"programme": programme, "form": form, "years": selectors.steps_timeline(programme=programme, axis=axis)},
    )


@access.require_plan_reader
def programme_actions_export(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    rows = selectors.actions_export_rows(programme=programme)
    return export_response(request, rows, f"{programme.code}-actions-{timezone.localdate():%Y-%m-%d}.csv")


@access.require_plan_reader
def plan_pdf(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    pdf = report.report_pdf(programme=programme, year=None, as_of=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{programme.code}-plan.pdf"'
    return response


@access.require_plan_reader
def yearly_report(request, code, year):
    """The bilan of a year of the plan's period that has begun: PDF, or a workbook with `?format=xlsx`."""
    programme = selectors.programme_for(actor=request.actor, code=code)
    today = timezone.localdate()
    if not programme.start.year <= year <= min(programme.end.year, today.year):
        raise Http404(NOT_FOUND_MESSAGE)
    if request.GET.get("format") == "xlsx":
        return export_response(
            request, report.report_rows(programme=programme, year=year), f"{programme.code}-bilan-{year}.csv"
        )
    response = HttpResponse(
        report.report_pdf(programme=programme, year=year, as_of=today), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.code}-bilan-{year}.pdf"'
    return response


def _action(request, code, pk):
    programme = selectors.programme_for(actor=request.actor, code=code)
    return selectors.action_for(actor=request.actor, programme=programme, pk=pk)


@access.require_plan_reader
def action_detail(request, code, pk):
    action = _action(request, code, pk)
    as_of_form = AsOfForm(request.GET or None)
    when = as_of_form.cleaned_data.get("au") if as_of_form.is_valid() else None
    may_edit = access.may_edit_action(request.actor, action)
    context = {
        "action": action,
        "programme": action.programme,
        "as_of_form": as_of_form,
        "may_edit": may_edit,
        "may_set_targets": access.may_set_targets(request.actor, action.programme),
        "indicator_pages": view_opens_for(request.actor, reverse("observatory:indicator", args=["L01"])),
        **selectors.action_page(action=action),
        **governance_selectors.action_governance(action=action),
    }
    if when:
        context["as_of"] = when
        context["past"] = selectors.action_as_of(action=action, when=when)
    return render(request, "programme/action.html", context)


@access.require_plan_reader
def action_update(request, code, pk):
    action = _action(request, code, pk)
    if not access.may_edit_action(request.actor, action):
        raise Http404(NOT_FOUND_MESSAGE)
    initial = {
        "version": action.version,
        "status": action.status,
        "schedule": action.schedule,
        "context": action.context,
    }
    form = ActionUpdateForm(request.POST or None, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.action_update(actor=request.actor, action=action, **data)
    )
    if written:
        messages.success(request, "La fiche action est mise à jour.")
        return redirect("programme:action", code=code, pk=pk)
    return render(request, "programme/form.html", {"form": form, "action": action, "title": "Mettre à jour l'action"})


@access.require_plan_reader
def action_review(request, code, pk):
    action = _action(request, code, pk)
    if not access.may_edit_action(request.actor, action):
        raise Http404(NOT_FOUND_MESSAGE)
    year = timezone.localdate().year
    initial = {"version": action.version, "year": min(year, action.programme.end.year), "status": action.status}
    form = ReviewForm(request.POST or None, initial=initial)
    written = submitted_write(
        request, form, lambda data: services.action_review_record(actor=request.actor, action=action, **data)
    )
    if written:
        messages.success(request, f"Le bilan {written.result.year} est enregistré.")
        return redirect("programme:action", code=code, pk=pk)
    return render(request, "programme/form.html", {"form": form, "action": action, "title": "Bilan annuel"})


@access.require_plan_reader
def offer_link(request, code, pk):
    action = _action(request, code, pk)
    if not access.may_edit_action(request.actor, action):
        raise Http404(NOT_FOUND_MESSAGE)
    initial = {
        "services": list(action.services.all()),
        "plateaux": list(action.plateaux.all()),
        "dispositifs": list(action.dispositifs.all()),
    }
    form = OfferLinkForm(request.POST or None, initial=initial, departement_id=action.programme.departement_id)
    written = submitted_write(
        request, form, lambda data: services.action_offer_link(actor=request.actor, action=action, **data)
    )
    if written:
        messages.success(request, "L'offre liée à l'action est enregistrée.")
        return redirect("programme:action", code=code, pk=pk)
    return render(
        request, "programme/form.html", {"form": form, "action": action, "title": "Offre et dispositifs liés"}
    )


@access.require_plan_reader
def step_update(request, code, pk, step_pk):
    action = _action(request, code, pk)
    if not access.may_edit_action(request.actor, action):
        raise Http404(NOT_FOUND_MESSAGE)
    step = get_visible_or_404(action.steps.all(), pk=step_pk)
    form = StepForm(request.POST or None, initial={"done_on": step.done_on, "planned_end": step.planned_end})
    written = submitted_write(
        request, form, lambda data: services.action_step_update(actor=request.actor, step=step, **data)
    )
    if written:
        messages.success(request, "L'étape est mise à jour.")
        return redirect("programme:action", code=code, pk=pk)
    return render(request, "programme/form.html", {"form": form, "action": action, "title": f"Étape : {step.title}"})


@access.require_plan_reader
def target_set(request, code, pk, indicator_pk):
    action = _action(request, code, pk)
    if not access.may_set_targets(request.actor, action.programme):
        raise Http404(NOT_FOUND_MESSAGE)
    link = get_visible_or_404(action.indicators.select_related("indicator"), pk=indicator_pk)
    form = TargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    written = submitted_write(
        request, form, lambda data: services.action_target_set(actor=request.actor, link=link, **data)
    )
    if written:
        messages.success(request, f"La cible de {link.indicator.code} est fixée.")
        return redirect("programme:action", code=code, pk=pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "action": action, "title": f"Cible de l'indicateur {link.indicator}"},
    )
