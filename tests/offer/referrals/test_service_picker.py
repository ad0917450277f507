"""The referral's service picker: the structure first, then its services; every option reads « service — structure
(commune) », sorted and distinct, and carries its structure for the page's script (FilteredSelect). The form still
refuses a service outside the person's reach, or one of another structure than the chosen one."""

import html
import re

import pytest
from django.urls import reverse

from jalon.offer.referrals.models import Referral
from tests.offer.factories import ServiceFactory, StructureFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def namesakes(world):
    """The same « Atelier CV » in two agencies of one network (two communes), and one in the Mobilité 40 structure."""
    dax = StructureFactory(name="Mission locale des Landes", commune_name="Dax", insee_code="40088")
    marsan = StructureFactory(name="Mission locale des Landes", commune_name="Mont-de-Marsan")
    return {
        "dax": ServiceFactory(name="Atelier CV", structure=dax, eligibility_zone=["40"]),
        "marsan": ServiceFactory(name="Atelier CV", structure=marsan, eligibility_zone=["40"]),
        "mobilite": ServiceFactory(name="Atelier CV", structure=world.service.structure, eligibility_zone=["40"]),
    }


def _options(page: str, select_id: str) -> list[tuple[str, str, str]]:
    """(value, data-filter-values, label) of each option of the select, the empty one left out."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {select_id}"
    options = re.findall(r'<option value="(\d+)"([^>]*)>([^<]*)</option>', select.group(1))
    return [
        (value, (re.search(r'data-filter-values="([^"]*)"', attrs) or [None, ""])[1], " ".join(label.split()))
        for value, attrs, label in options
    ]


def test_the_options_are_distinct_sorted_and_carry_their_structure(world, login_as, namesakes):
    page = login_as(world.referent).get(reverse("offer:referral_create", args=[world.person.pk])).content.decode()
    assert 'data-filtered-by="id_structure"' in page
    options = _options(page, "id_service")
    labels = [label for _, _, label in options]
    assert len(labels) == len(set(labels)) == 5 and labels == sorted(labels)
    assert labels[:3] == [
        "Atelier CV — Mission locale des Landes (Dax)",
        "Atelier CV — Mission locale des Landes (Mont-de-Marsan)",
        "Atelier CV — Mobilité 40 (Mont-de-Marsan)",
    ]
    structure_of = {str(service.pk): str(service.structure_id) for service in [*namesakes.values(), world.service]}
    structure_of[str(world.external_service.pk)] = str(world.external_service.structure_id)
    assert all(group == structure_of[value] for value, group, _ in options)
    structures = [label for _, _, label in _options(page, "id_structure")]
    assert "Mission locale des Landes (Dax)" in structures and len(structures) == len(set(structures)) == 4


def test_a_preselected_service_comes_with_its_structure(world, login_as, namesakes):
    url = reverse("offer:referral_create", args=[world.person.pk])
    page = login_as(world.referent).get(url, {"service": namesakes["dax"].pk}).content.decode()
    assert f'<option value="{namesakes["dax"].structure_id}" selected' in page
    dax = namesakes["dax"]
    assert f'<option value="{dax.pk}" selected data-filter-values="{dax.structure_id}">' in page


def test_the_form_refuses_a_service_out_of_reach_or_of_another_structure(world, login_as, namesakes):
    client = login_as(world.referent)
    url = reverse("offer:referral_create", args=[world.person.pk])
    data = {"version": 1, "consent_given": "on"}
    elsewhere = ServiceFactory(name="Atelier CV", eligibility_zone=["64"])  # not open to the person's commune
    refused = client.post(url, {**data, "service": elsewhere.pk})
    assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
    mismatch = client.post(
        url, {**data, "service": namesakes["dax"].pk, "structure": namesakes["marsan"].structure_id}
    )
    assert mismatch.status_code == 200 and "n'est pas un service de Mission locale des Landes" in html.unescape(
        mismatch.content.decode()
    )
    assert not Referral.objects.exists()
    sent = client.post(url, {**data, "service": namesakes["dax"].pk, "structure": namesakes["dax"].structure_id})
    assert sent.status_code == 302 and Referral.objects.get().service == namesakes["dax"]


def test_two_services_that_would_read_the_same_are_told_apart(world):
    from jalon.offer.referrals.forms import service_labels

    twin = ServiceFactory(name=world.service.name, structure=world.service.structure)
    labels = service_labels([world.service, twin])
    assert len(set(labels.values())) == 2 and labels[twin.pk].endswith(f"n° {twin.pk}")
