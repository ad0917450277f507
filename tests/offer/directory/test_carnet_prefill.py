import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.enums import FreinStatus
from jalon.notebook.models import FreinCategory, NotebookFrein
from tests.offer.directory.conftest import make_service
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

SEARCH = reverse("offer:search")


def test_services_for_a_frein_prefill_commune_and_thematiques(geo, login_as, referent_with_person):
    referent, person = referent_with_person
    make_service(
        name="Auto-école sociale", eligibility_zone=["244000865"], thematiques=["mobilite--preparer-un-permis"]
    )
    make_service(name="Crèche", eligibility_zone=["40088"], thematiques=["famille--garde-denfants"])
    make_service(name="Permis à Bordeaux", eligibility_zone=["33063"], thematiques=["mobilite--preparer-un-permis"])
    client = login_as(referent)

    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.data["commune"] == "40088"
    assert form.data.getlist("thematiques") == ["mobilite"]
    assert [hit.service.name for hit in response.context["results"].hits] == ["Auto-école sociale"]
    content = response.content.decode()
    assert "pour le frein « mobilité »" in content
    assert "commune de la personne : Dax" in content
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person.pk).count() == 1


def test_the_professional_choices_override_the_prefill(geo, login_as, referent_with_person):
    referent, person = referent_with_person
    make_service(name="Crèche", eligibility_zone=["40088"], thematiques=["famille--garde-denfants"])
    client = login_as(referent)
    response = client.get(
        SEARCH, {"personne": person.pk, "frein": "mobilite", "commune": "Dax", "thematiques": ["famille"]}
    )
    assert [hit.service.name for hit in response.context["results"].hits] == ["Crèche"]


def test_a_person_out_of_reach_is_not_found(geo, login_as, referent_with_person):
    _, person = referent_with_person
    stranger = login_as(MembershipFactory(role=Role.REFERENT, organisation__departement=geo.landes))
    assert stranger.get(SEARCH, {"personne": person.pk, "frein": "mobilite"}).status_code == 404
    assert stranger.get(SEARCH, {"personne": "abc"}).status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).exists()


def test_the_carnet_links_each_frein_to_the_search(geo, login_as, referent_with_person):
    referent, person = referent_with_person
    NotebookFrein.objects.create(
        notebook=person.notebook, category=FreinCategory.objects.get(code="mobilite"), status=FreinStatus.NEED
    )
    response = login_as(referent).get(reverse("notebook:detail", args=[person.pk]))
    assert response.status_code == 200
    assert (
        f'href="{SEARCH}?personne={person.pk}&amp;frein=mobilite">Services pour ce frein' in response.content.decode()
    )
