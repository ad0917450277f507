from django.core.paginator import Paginator
from django.shortcuts import render

from jalon.core.scoping import require_roles
from jalon.people import selectors
from jalon.people.forms import PersonSearchForm
from jalon.people.selectors import PERSON_SEARCH_ROLES


@require_roles(*PERSON_SEARCH_ROLES)
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        persons = selectors.person_search(actor=request.actor, **form.criteria)
        page = Paginator(persons, 25).get_page(request.GET.get("page"))
    return render(request, "people/person_search.html", {"form": form, "page_obj": page})


@require_roles(*PERSON_SEARCH_ROLES)
def person_detail(request, pk):
    person_file = selectors.person_file_open(actor=request.actor, pk=pk)
    return render(request, "people/person_detail.html", {"file": person_file, "person": person_file.person})


@require_roles(*PERSON_SEARCH_ROLES)
def household_detail(request, pk):
    household, members, events = selectors.household_open(actor=request.actor, pk=pk)
    return render(
        request, "people/household_detail.html", {"household": household, "members": members, "events": events}
    )
