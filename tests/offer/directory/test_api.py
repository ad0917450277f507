import pytest
from data_inclusion.schema import v1
from django.test import Client

from tests.offer.directory.conftest import make_service
from tests.offer.factories import FundingLabelFactory


pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/offre/services/"
STRUCTURES = "/api/v1/offre/structures/"


@pytest.fixture
def anonymous():
    return Client(REMOTE_ADDR="127.0.0.1")


def test_services_are_public_in_the_data_inclusion_shape(geo, anonymous):
    service = make_service(name="Épicerie solidaire", eligibility_zone=["244000865"])
    make_service(name="Brouillon", draft=True)

    response = anonymous.get(SERVICES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    record = body["results"][0]
    validated = v1.Service.model_validate(record)
    assert validated.id == service.source_id
    assert validated.nom == "Épicerie solidaire"
    assert record["structure_id"] == service.structure.source_id
    assert record["zone_eligibilite"] == ["244000865"]
    assert "search_text" not in record and "status" not in record


def test_structures_with_a_published_service_only(geo, anonymous):
    published = make_service()
    make_service(draft=True)
    response = anonymous.get(STRUCTURES)
    assert response.status_code == 200
    body = response.json()
    assert [record["id"] for record in body["results"]] == [published.structure.source_id]
    v1.Structure.model_validate(body["results"][0])


def test_service_filters_are_the_search_filters(geo, anonymous):
    label = FundingLabelFactory(code="cd40")
    labelled = make_service(name="Permis solidaire", eligibility_zone=["40088"], publics=["jeunes"], kind="atelier")
    labelled.funding_labels.add(label)
    make_service(name="Permis à Bordeaux", eligibility_zone=["33063"])
    make_service(
        name="Crèche",
        description="Accueil des enfants.",
        eligibility_zone=["40"],
        thematiques=["famille--garde-denfants"],
    )

    def names(**params):
        response = anonymous.get(SERVICES, params)
        assert response.status_code == 200, response.content
        return sorted(record["nom"] for record in response.json()["results"])

    assert names(commune="40088") == ["Crèche", "Permis solidaire"]
    assert names(commune="40088", thematique="mobilite") == ["Permis solidaire"]
    assert names(q="permis") == ["Permis solidaire", "Permis à Bordeaux"]
    assert names(public="jeunes", type="atelier") == ["Permis solidaire"]
    assert names(label="cd40") == ["Permis solidaire"]


def test_bad_filters_are_refused_in_french(geo, anonymous):
    response = anonymous.get(SERVICES, {"thematique": "vol-spatial"})
    assert response.status_code == 400
    assert "Thématique inconnue du référentiel data·inclusion : vol-spatial." in response.json()["thematique"][0]
    response = anonymous.get(SERVICES, {"commune": "99999"})
    assert response.status_code == 400
    assert "Commune inconnue" in response.json()["commune"][0]


def test_service_list_runs_a_constant_number_of_queries(geo, anonymous, django_assert_max_num_queries):
    for index in range(30):
        make_service(name=f"Service {index}")
    # The commune, the count, the page (with the structures), and ATOMIC_REQUESTS' savepoint and its release.
    with django_assert_max_num_queries(5):
        response = anonymous.get(SERVICES, {"commune": "40088", "limit": 20})
    assert len(response.json()["results"]) == 20


def test_services_within_a_distance_closest_first(geo, anonymous):
    geo.dax.latitude, geo.dax.longitude = 43.7009, -1.0601
    geo.dax.save()
    make_service(name="À Mont-de-Marsan", insee_code="40192", latitude=43.89, longitude=-0.50)
    make_service(name="À Saint-Paul", insee_code="40279", latitude=43.7417, longitude=-1.0467)
    make_service(name="À Dax", insee_code="40088", latitude=43.7065, longitude=-1.0601)
    make_service(name="En ligne", reception_modes=["a-distance"])

    def names(**params):
        response = anonymous.get(SERVICES, {"commune": "40088", **params})
        assert response.status_code == 200, response.content
        return [record["nom"] for record in response.json()["results"]]

    assert names(tri="distance") == ["À Dax", "À Saint-Paul", "À Mont-de-Marsan", "En ligne"]
    assert names(tri="distance", distance_max="10") == ["À Dax", "À Saint-Paul", "En ligne"]


def test_bad_distance_parameters_are_refused_in_french(geo, anonymous):
    response = anonymous.get(SERVICES, {"commune": "40088", "distance_max": "12"})
    assert response.status_code == 400
    assert response.json()["distance_max"] == ["Distance inconnue : 12 (au choix : 5, 10, 20, 30, 50)."]
    response = anonymous.get(SERVICES, {"commune": "40088", "tri": "prix"})
    assert response.json()["tri"] == ["Tri inconnu : prix (seul « distance » existe)."]
    # Dax has no reference point in this test.
    response = anonymous.get(SERVICES, {"commune": "40088", "tri": "distance"})
    assert response.status_code == 400
    assert response.json()["tri"][0].startswith("La position de Dax n'est pas connue de Jalon")
    response = anonymous.get(SERVICES, {"distance_max": "10"})
    assert response.json()["distance_max"] == ["Indiquez la commune de la personne pour chercher par distance."]
