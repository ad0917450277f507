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


def test_distances_from_the_persons_address_while_her_commune_is_searched(geo, login_as, referent_with_person):
    from jalon.territories.geocoding import address_text

    referent, person = referent_with_person
    for commune, point in ((geo.dax, (43.7009, -1.0601)), (geo.mont_de_marsan, (43.9116, -0.4938))):
        commune.latitude, commune.longitude = point
        commune.save()
    person.address, person.postal_code, person.city = "12 Rue des Carmes", "40100", "Dax"
    person.latitude, person.longitude = 43.7102, -1.0489
    person.geocoded_address = address_text(person)
    person.save()
    make_service(name="Garage solidaire", insee_code="40088", latitude=43.7065, longitude=-1.0601)
    make_service(name="Scooters", insee_code="40192", latitude=43.89, longitude=-0.50)
    client = login_as(referent)

    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite"})

    assert response.context["form"].data["sort"] == "distance"
    hits = response.context["results"].hits
    assert [hit.service.name for hit in hits] == ["Garage solidaire", "Scooters"]
    assert hits[0].reasons[0] == "à 1 km de l'adresse de la personne"
    assert "Les distances se mesurent depuis l'adresse de la personne" in response.content.decode()
    # Searching another commune measures from that commune's centre.
    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite", "commune": "40192", "sort": "distance"})
    assert response.context["results"].hits[0].reasons[0] == "à 2 km du centre de Mont-de-Marsan"
    # Her address moved and is not geocoded yet: her commune's centre, said on the screen.
    person.address = "3 Avenue Saint-Vincent-de-Paul"
    person.save()
    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite"})
    assert response.context["results"].hits[0].reasons[0] == "à moins de 1 km du centre de Dax"
    assert "les distances se mesurent depuis le centre de Dax" in response.content.decode()


def test_a_distance_asked_for_an_unplaced_commune_is_refused_on_the_form(geo, login_as, referent_with_person):
    referent, _ = referent_with_person
    client = login_as(referent)
    response = client.get(SEARCH, {"commune": "Bordeaux", "distance": "10"})
    assert response.context["results"] is None
    assert response.context["form"].errors["distance"] == [
        "La position de Bordeaux n'est pas connue de Jalon : cherchez sans distance "
        "(ou faites charger les centres des communes)."
    ]
    response = client.get(SEARCH, {"commune": "Dax", "distance": "7"})
    assert "distance" in response.context["form"].errors  # not one of the choices


def test_the_mobility_of_her_main_project_sets_the_maximum_distance(geo, login_as, referent_with_person):
    from jalon.notebook.models import ProfessionalProject

    referent, person = referent_with_person
    geo.dax.latitude, geo.dax.longitude = 43.7009, -1.0601
    geo.dax.save()
    ProfessionalProject.objects.create(notebook=person.notebook, title="Aide à domicile", mobility_km=15)
    make_service(name="Garage solidaire", insee_code="40088", latitude=43.7065, longitude=-1.0601)
    make_service(name="Scooters", insee_code="40192", latitude=43.89, longitude=-0.50)
    client = login_as(referent)

    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite"})

    assert response.context["form"].data["distance"] == "20"  # the first choice that covers 15 km
    assert [hit.service.name for hit in response.context["results"].hits] == ["Garage solidaire"]
    assert "Mobilité déclarée dans son projet professionnel : 15 km." in response.content.decode()
    # The professional widens the search.
    response = client.get(SEARCH, {"personne": person.pk, "frein": "mobilite", "distance": ""})
    assert [hit.service.name for hit in response.context["results"].hits] == ["Garage solidaire", "Scooters"]
