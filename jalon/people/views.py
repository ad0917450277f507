from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import require_departement_staff, require_roles
from jalon.people import selectors, services
from jalon.people.file_pdf import person_file_pdf
from jalon.people.forms import PersonRectifyForm, PersonSearchForm
from jalon.people.selectors import PERSON_SEARCH_ROLES


@require_roles(*PERSON_SEARCH_ROLES)
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        persons = selectors.person_search(actor=request.actor, screen="recherche de personnes", **form.criteria)
        page = Paginator(persons, 25).get_page(request.GET.get("page"))
    return render(request, "people/person_search.html", {"form": form, "page_obj": page})


@require_roles(*PERSON_SEARCH_ROLES)
def person_detail(request, pk):
    person_file = selectors.person_file_open(actor=request.actor, pk=pk)
    history = Paginator(person_file.events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_detail.html",
        {
            "file": person_file,
            "person": person_file.person,
            "page_obj": history,
            "can_rectify": selectors.can_rectify(request.actor),
        },
    )


@require_roles(*PERSON_SEARCH_ROLES)
def person_file_pdf_download(request, pk):
    """The file screen printed: same access, same audit event (naming the screen)."""
    person_file = selectors.person_file_open(actor=request.actor, pk=pk, screen="fiche imprimée (PDF)")
    response = HttpResponse(person_file_pdf(person_file, actor=request.actor), content_type="application/pdf")
    # No name in the file name: downloads folders and browser histories are not confidential.
    response["Content-Disposition"] = f'attachment; filename="fiche-personne-{person_file.person.pk}.pdf"'
    return response


@require_departement_staff(Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER)
def person_rectify(request, pk):
    person = selectors.person_for_rectification(actor=request.actor, pk=pk)
    initial = {field: getattr(person, field) for field in services.RECTIFIABLE_FIELDS}
    form = PersonRectifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "reason"}
        try:
            services.person_rectify(actor=request.actor, person=person, data=data, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "La rectification est enregistrée dans l'historique du dossier.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_rectify.html", {"form": form, "person": person})


@require_roles(*PERSON_SEARCH_ROLES)
def household_detail(request, pk):
    household, members, events = selectors.household_open(actor=request.actor, pk=pk)
    return render(
        request, "people/household_detail.html", {"household": household, "members": members, "events": events}
    )


@require_departement_staff(Role.ADMINISTRATOR)
def duplicate_list(request):
    page = selectors.persons_page_open(
        actor=request.actor,
        rows=selectors.duplicate_list(actor=request.actor),
        screen="doublons à examiner",
        page_number=request.GET.get("page"),
        persons_of=lambda candidate: (candidate.person_id, candidate.other_id),
    )
    return render(request, "people/duplicate_list.html", {"page_obj": page})


@require_departement_staff(Role.ADMINISTRATOR)
def duplicate_review(request, pk):
    candidate, sides = selectors.duplicate_get(actor=request.actor, pk=pk)
    return render(request, "people/duplicate_review.html", {"candidate": candidate, "sides": sides})


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def duplicate_resolve(request, pk):
    candidate, _ = selectors.duplicate_get(actor=request.actor, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "distinct":
            services.duplicate_mark_distinct(actor=request.actor, candidate=candidate)
            messages.success(request, "Les deux dossiers sont marqués comme des personnes distinctes.")
        elif decision in ("keep_person", "keep_other"):
            kept, merged = (
                (candidate.person, candidate.other)
                if decision == "keep_person"
                else (candidate.other, candidate.person)
            )
            services.person_merge(actor=request.actor, kept=kept, merged=merged, candidate=candidate)
            messages.success(request, f"Dossiers fusionnés : {kept} conserve l'historique des deux dossiers.")
            return redirect("people:detail", pk=kept.pk)
        else:
            messages.error(
                request, "Choisissez une décision : fusionner (en gardant l'un des dossiers) ou distinguer."
            )
            return redirect("people:duplicate_review", pk=candidate.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:duplicate_review", pk=candidate.pk)
    return redirect("people:duplicates")
