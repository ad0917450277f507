"""Sorting a list by a column from the URL: a known key ascending or descending, anything else the default."""

import pytest

from jalon.core.sorting import Sorting
from jalon.core.templatetags.jalon import sort_header
from jalon.people.models import Person
from tests.people.factories import PersonFactory
from tests.territories.factories import CommuneFactory


SORTING = Sorting({"nom": ("normalized_last_name",), "naissance": ("birth_date",)}, default="-naissance")


def test_the_state_reads_the_url_and_falls_back_on_the_default(rf):
    assert (SORTING.state(rf.get("/", {"tri": "nom"})).key, SORTING.state(rf.get("/", {"tri": "nom"})).descending) == (
        "nom",
        False,
    )
    assert SORTING.state(rf.get("/", {"tri": "-nom"})).descending
    fallback = SORTING.state(rf.get("/", {"tri": "'; DROP TABLE"}))
    assert (fallback.key, fallback.descending) == ("naissance", True)


def test_a_header_reverses_its_own_sort_keeps_the_filters_and_goes_back_to_page_one(rf):
    state = SORTING.state(rf.get("/", {"tri": "nom", "commune": "40192", "page": "3"}))
    assert state.url_for("nom") == "?tri=-nom&commune=40192"
    assert state.url_for("naissance") == "?tri=naissance&commune=40192"
    html = sort_header(state, "nom", "Personne")
    assert 'aria-sort="ascending"' in html and 'href="?tri=-nom&amp;commune=40192"' in html
    assert 'aria-sort="none"' in sort_header(state, "naissance", "Née le")


@pytest.mark.django_db
def test_the_order_puts_empty_values_last_and_ties_by_key(rf):
    sorting = Sorting({"nom": ("normalized_last_name",), "commune": ("commune__name",)}, default="commune")
    dax, mdm = CommuneFactory(name="Dax"), CommuneFactory(name="Mont-de-Marsan")
    first = PersonFactory(last_name="Abadie", commune=mdm)
    second = PersonFactory(last_name="Zamora", commune=dax)
    homeless = PersonFactory(last_name="Zamora", commune=None)
    people = Person.objects.filter(pk__in=[first.pk, second.pk, homeless.pk])
    by_commune = sorting.apply(people, sorting.state(rf.get("/")))
    assert list(by_commune) == [second, first, homeless]  # Dax, Mont-de-Marsan, then no commune
    assert list(sorting.apply(people, sorting.state(rf.get("/", {"tri": "-commune"})))) == [first, second, homeless]
    by_name = sorting.apply(people, sorting.state(rf.get("/", {"tri": "-nom"})))
    assert list(by_name) == [homeless, second, first]  # Zamora twice: the later key first when descending
