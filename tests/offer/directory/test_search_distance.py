"""Distance from the person's home to the services on site: the filter, the sort, the explanation, the refusals."""

import pytest
from django.core.exceptions import ValidationError

from jalon.offer.directory.selectors import SearchCriteria, search_origin, service_search
from jalon.territories.geography import Point, haversine_km
from tests.conftest import actor_for
from tests.offer.directory.conftest import make_service
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

# Commune centres (geo.api.gouv.fr), set by hand: the test is about the search, not about the reference points.
CENTRES = {"dax": (43.7009, -1.0601), "saint_paul": (43.7417, -1.0467), "mont_de_marsan": (43.9116, -0.4938)}


@pytest.fixture
def centred(geo):
    for name, (latitude, longitude) in CENTRES.items():
        commune = getattr(geo, name)
        commune.latitude, commune.longitude = latitude, longitude
        commune.save()
    return geo


@pytest.fixture
def actor(geo):
    return actor_for(MembershipFactory(organisation__departement=geo.landes))


@pytest.fixture
def services(centred):
    """On site at Dax (its own point, 600 m from the centre), at Saint-Paul (no point of its own: its commune's
    centre), at Mont-de-Marsan (its own point); on site somewhere unknown; à distance only."""
    return {
        "dax": make_service(name="Garage solidaire", insee_code="40088", latitude=43.7065, longitude=-1.0601),
        "saint_paul": make_service(name="Auto-école sociale", insee_code="40279", commune_name="Saint-Paul-lès-Dax"),
        "marsan": make_service(name="Location de scooters", insee_code="40192", latitude=43.89, longitude=-0.50),
        "unknown": make_service(name="Permis accompagné", insee_code=""),
        "remote": make_service(name="Code de la route en ligne", reception_modes=["a-distance"]),
    }


def by_name(results):
    return {hit.service.name: hit for hit in results.hits}


def test_great_circle_distance_of_a_known_pair():
    # Paris (Notre-Dame) to London (Charing Cross): 343.5 km.
    assert haversine_km(48.8530, 2.3499, 51.5073, -0.1276) == pytest.approx(343.5, abs=0.5)


def test_closest_first_with_each_distance_explained(services, actor, centred):
    dax = centred.dax
    criteria = SearchCriteria(commune=dax, thematiques=("mobilite",), origin=search_origin(dax), sort="distance")

    results = service_search(actor=actor, criteria=criteria)

    assert [hit.service.name for hit in results.hits] == [
        "Garage solidaire",
        "Auto-école sociale",
        "Location de scooters",
        # No distance: last, by name.
        "Code de la route en ligne",
        "Permis accompagné",
    ]
    hits = by_name(results)
    assert hits["Garage solidaire"].distance_km == pytest.approx(0.6, abs=0.1)
    assert hits["Garage solidaire"].reasons[0] == "à moins de 1 km du centre de Dax"
    assert hits["Auto-école sociale"].distance_km == pytest.approx(
        haversine_km(*CENTRES["dax"], *CENTRES["saint_paul"]), abs=0.1
    )
    assert hits["Auto-école sociale"].reasons[0] == (
        "à 5 km du centre de Dax (lieu d'accueil : centre de Saint-Paul-lès-Dax)"
    )
    assert hits["Location de scooters"].distance_km == pytest.approx(
        haversine_km(*CENTRES["dax"], 43.89, -0.50), abs=0.1
    )
    assert 45 < hits["Location de scooters"].distance_km < 50
    assert hits["Code de la route en ligne"].distance_km is None
    assert hits["Code de la route en ligne"].reasons[0] == "accueil à distance : sans déplacement"
    assert hits["Permis accompagné"].reasons[0] == "distance inconnue : lieu d'accueil non renseigné"


def test_maximum_distance_keeps_services_a_distance_and_drops_unknown_places(services, actor, centred):
    criteria = SearchCriteria(commune=centred.dax, origin=search_origin(centred.dax), max_km=20)

    results = service_search(actor=actor, criteria=criteria)

    assert sorted(by_name(results)) == ["Auto-école sociale", "Code de la route en ligne", "Garage solidaire"]
    # 50 km reaches Mont-de-Marsan.
    wider = service_search(
        actor=actor, criteria=SearchCriteria(commune=centred.dax, origin=search_origin(centred.dax), max_km=50)
    )
    assert "Location de scooters" in by_name(wider)


def test_distances_from_the_persons_geocoded_address(services, actor, centred):
    # She lives in Saint-Paul-lès-Dax, 4 km north of its centre.
    home = Point(43.778, -1.05, "de l'adresse de la personne")
    criteria = SearchCriteria(
        commune=centred.saint_paul, origin=search_origin(centred.saint_paul, home), sort="distance"
    )

    results = service_search(actor=actor, criteria=criteria)

    hits = by_name(results)
    assert [hit.service.name for hit in results.hits][:2] == ["Auto-école sociale", "Garage solidaire"]
    assert hits["Garage solidaire"].reasons[0] == "à 8 km de l'adresse de la personne"
    assert hits["Garage solidaire"].distance_km == pytest.approx(
        haversine_km(43.778, -1.05, 43.7065, -1.0601), abs=0.1
    )


def test_text_search_sorted_by_distance_keeps_three_queries(services, actor, centred, django_assert_num_queries):
    criteria = SearchCriteria(commune=centred.dax, origin=search_origin(centred.dax), text="permis", sort="distance")
    with django_assert_num_queries(3):
        results = service_search(actor=actor, criteria=criteria)
    assert results.page.paginator.count == 5  # every service describes the permis
    assert results.hits[0].service.name == "Garage solidaire"


def test_distance_without_a_commune_or_a_known_centre_is_refused_in_french(services, actor, centred):
    with pytest.raises(ValidationError, match="Indiquez la commune de la personne pour chercher par distance"):
        service_search(actor=actor, criteria=SearchCriteria(max_km=10))
    bordeaux = centred.bordeaux  # no centre loaded
    assert search_origin(bordeaux) is None
    with pytest.raises(ValidationError, match="La position de Bordeaux n'est pas connue de Jalon"):
        service_search(actor=actor, criteria=SearchCriteria(commune=bordeaux, sort="distance"))


def test_a_service_placed_at_the_centre_of_the_commune_searched(centred, actor):
    make_service(name="Point mobilité", insee_code="40088", commune_name="Dax")
    criteria = SearchCriteria(commune=centred.dax, origin=search_origin(centred.dax))
    (hit,) = service_search(actor=actor, criteria=criteria).hits
    assert hit.distance_km == 0
    assert hit.reasons[0] == "dans la commune même (Dax), sans adresse précise"
