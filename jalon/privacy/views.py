from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff, require_roles
from jalon.privacy import selectors, services
from jalon.privacy.export import export_json, export_pdf
from jalon.privacy.forms import ConventionForm


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_departement_staff(Role.ADMINISTRATOR)
def person_export(request, pk, file_format):
    if file_format not in ("json", "pdf"):
        raise Http404(NOT_FOUND_MESSAGE)
    export = selectors.person_export_open(actor=request.actor, pk=pk, file_format=file_format)
    name = f"donnees-personne-{export.person.pk}-{export.generated_at:%Y%m%d}"
    if file_format == "json":
        response = HttpResponse(export_json(export), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = HttpResponse(export_pdf(export), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return _no_store(response)


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def convention_list(request):
    page = Paginator(selectors.convention_list(actor=request.actor), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/convention_list.html",
        {"page_obj": page, "can_manage": selectors.can_manage_privacy(request.actor)},
    )


def _convention_form(request, convention=None):
    actor = request.actor
    if not selectors.can_manage_privacy(actor) or actor.departement_code is None:
        raise Http404(NOT_FOUND_MESSAGE)
    form = ConventionForm(
        request.POST or None, request.FILES or None, instance=convention, departement_code=actor.departement_code
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.convention_save(actor=actor, data=form.cleaned_data, convention=convention)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"La convention « {saved.purpose} » est enregistrée.")
            return redirect("privacy:conventions")
    return render(request, "privacy/convention_form.html", {"form": form, "convention": convention})


@require_departement_staff(Role.ADMINISTRATOR)
def convention_create(request):
    return _convention_form(request)


@require_departement_staff(Role.ADMINISTRATOR)
def convention_edit(request, pk):
    return _convention_form(request, selectors.convention_get(actor=request.actor, pk=pk, for_edit=True))


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def convention_document(request, pk):
    convention = selectors.convention_get(actor=request.actor, pk=pk)
    if not convention.document:
        raise Http404(NOT_FOUND_MESSAGE)
    with convention.document.open("rb") as document:
        response = HttpResponse(document.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{convention.pk}.pdf"'
    return _no_store(response)
