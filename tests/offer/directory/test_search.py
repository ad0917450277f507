import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from jalon.offer.directory import selectors
from jalon.offer.directory.selectors import SearchCriteria, service_search
from jalon.offer.models import Service
from tests.conftest import actor_for
from tests.offer.directory.conftest import make_service
from tests.offer.factories import FundingLabelFactory, StructureFactory
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(geo):
    return actor_for(MembershipFactory(organisation__departement=geo.landes))


def names(results):
    return sorted(hit.service.name for hit in results.hits)


def test_commune_eligibility_through_commune_epci_departement_and_national(geo, actor):
    make_service(name="Par la commune", eligibility_zone=["40088"])
    make_service(name="Par l'EPCI", eligibility_zone=["244000865"])
    make_service(name="Par le département", eligibility_zone=["40"])
    make_service(name="National", eligibility_zone=["france"])
    make_service(name="National (code pays)", eligibility_zone=["99100"])
    make_service(name="Autre département", eligibility_zone=["33"])
    make_service(name="Autre commune", eligibility_zone=["40192"])
    make_service(name="Autre EPCI", eligibility_zone=["244000675"])

    results = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax))

    assert names(results) == ["National", "National (code pays)", "Par l'EPCI", "Par la commune", "Par le département"]
    reasons = {hit.service.name: hit.reasons for hit in results.hits}
    assert reasons["Par la commune"] == ["éligible : Dax (commune)"]
    assert reasons["Par l'EPCI"] == ["éligible : CA du Grand Dax (EPCI)"]
    assert reasons["Par le département"] == ["éligible : Landes (département)"]
    assert reasons["National"] == ["éligible : national"]
    # Bordeaux (Gironde, no EPCI) sees the Gironde and the national services.
    bordeaux = service_search(actor=actor, criteria=SearchCriteria(commune=geo.bordeaux))
    assert names(bordeaux) == ["Autre département", "National", "National (code pays)"]


def test_thematique_category_matches_its_sub_thematiques(geo, actor):
    make_service(name="Permis", thematiques=["mobilite--preparer-un-permis"])
    make_service(name="Garde d'enfants", thematiques=["famille--garde-denfants"])
    make_service(name="Mixte", thematiques=["famille--garde-denfants", "mobilite--acceder-a-un-vehicule"])

    results = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax, thematiques=("mobilite",)))

    assert names(results) == ["Mixte", "Permis"]
    reasons = {hit.service.name: hit.reasons for hit in results.hits}
    assert reasons["Mixte"][1].startswith("thématique : mobilité (")
    assert "garde" not in reasons["Mixte"][1].lower()
    # A sub-thématique alone.
    results = service_search(actor=actor, criteria=SearchCriteria(thematiques=("famille--garde-denfants",)))
    assert names(results) == ["Garde d'enfants", "Mixte"]


def test_unknown_thematique_is_refused_in_french(actor):
    with pytest.raises(ValidationError, match="Thématique inconnue du référentiel data·inclusion : vélo"):
        service_search(actor=actor, criteria=SearchCriteria(thematiques=("vélo",)))


@pytest.mark.parametrize("query", ["epicerie", "Épicerie", "EPICERIE solidaire", "épicerie  solidaire"])
def test_free_text_ignores_accents_and_case(geo, actor, query):
    make_service(name="Épicerie solidaire du Grand Dax", description="Des denrées à petit prix.")
    make_service(name="Atelier cuisine", description="Cuisiner avec les produits de saison.")

    results = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax, text=query))

    assert names(results) == ["Épicerie solidaire du Grand Dax"]
    assert "mots trouvés : epicerie" in results.hits[0].reasons[-1]


def test_free_text_searches_the_structure_name_and_every_word(actor):
    structure = StructureFactory(name="Restos du Cœur")
    make_service(name="Distribution alimentaire", description="Chaque mardi.", structure=structure)
    make_service(name="Distribution de vêtements", description="Chaque jeudi.")

    assert names(service_search(actor=actor, criteria=SearchCriteria(text="coeur"))) == ["Distribution alimentaire"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="distribution coeur"))) == [
        "Distribution alimentaire"
    ]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="distribution"))) == [
        "Distribution alimentaire",
        "Distribution de vêtements",
    ]


def test_words_in_the_name_come_first(actor):
    make_service(name="Atelier mobilité", description="Découvrir les transports ; un mot sur le permis.")
    make_service(name="Aide au permis", description="Financer son permis de conduire.")
    make_service(name="Bourse au permis", description="Une aide pour le permis.")
    structure = StructureFactory(name="Permis pour tous")
    make_service(
        name="Accueil",
        description="Premier accueil, écoute et orientation vers les bons interlocuteurs du territoire.",
        structure=structure,
    )

    results = service_search(actor=actor, criteria=SearchCriteria(text="permis"))

    # "permis" is the 3rd word of both names (then by name), in the description, then in the structure's name.
    assert [hit.service.name for hit in results.hits] == [
        "Aide au permis",
        "Bourse au permis",
        "Atelier mobilité",
        "Accueil",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming is PostgreSQL's")
def test_postgresql_full_text_uses_french_stemming(actor):
    make_service(name="Atelier mobilité", description="Découvrir les transports en commun.")
    make_service(name="Transport solidaire", description="Un chauffeur bénévole.")

    results = service_search(actor=actor, criteria=SearchCriteria(text="transport"))

    # The literal match first; the plural found by French stemming after, and the explanation says so.
    assert [hit.service.name for hit in results.hits] == ["Transport solidaire", "Atelier mobilité"]
    assert results.hits[0].reasons == ["mots trouvés : transport"]
    assert results.hits[1].reasons == ["mots de la même famille : transport"]


def test_search_query_reads_the_stored_vector(actor):
    qs = selectors.services_matching(SearchCriteria(text="épicerie"))
    sql = str(qs.query)
    if connection.vendor == "postgresql":
        # The indexed column itself, matched and ranked: no tsvector rebuilt per row.
        assert '"offer_service"."search_vector" @@ (plainto_tsquery(' in sql
        assert 'ts_rank("offer_service"."search_vector", plainto_tsquery(' in sql
        assert "to_tsvector" not in sql
    else:
        assert "LIKE" in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_rank is PostgreSQL's")
def test_ts_rank_orders_by_where_the_words_are(actor):
    """The order below is written by hand from the vector's weights (name A, description B, structure C): a word in
    the name outranks any number of occurrences in the description; in the name AND the description beats the name
    alone; the structure's name comes last. Equal ranks (same word, same parts) go by name, then key."""
    velo = StructureFactory(name="Vélo solidaire des Landes")
    make_service(name="Accueil de jour", description="Écoute et orientation.", structure=velo)
    make_service(name="Prêt de matériel", description="Un vélo prêté, un vélo réparé, un vélo pour travailler.")
    make_service(name="Vélo-école", description="Apprendre à rouler en ville.")
    make_service(name="Atelier vélo", description="Réparer son vélo avec un bénévole.")
    make_service(name="Bourse au vélo", description="Acheter d'occasion.")
    make_service(name="Permis de conduire", description="Code et conduite.")

    results = service_search(actor=actor, criteria=SearchCriteria(text="velo"))

    assert [hit.service.name for hit in results.hits] == [
        "Atelier vélo",  # name and description
        "Bourse au vélo",  # name only, tied with the next (same word, same part): by name
        "Vélo-école",  # name only
        "Prêt de matériel",  # three times in the description: still below one word in the name
        "Accueil de jour",  # the structure's name only
    ]
    assert {tuple(hit.reasons) for hit in results.hits} == {("mots trouvés : velo",)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_rank is PostgreSQL's")
def test_ts_rank_keeps_the_distance_first_when_sorted_by_distance(geo, actor):
    from jalon.territories.geography import Point

    origin = Point(43.71, -1.05, "du centre de Dax")
    make_service(name="Atelier vélo", latitude=43.9, longitude=-1.05, reception_modes=["en-presentiel"])
    make_service(name="Bourse d'échange", description="Un vélo et des outils.", latitude=43.72, longitude=-1.05)
    criteria = SearchCriteria(commune=geo.dax, text="velo", origin=origin, sort="distance")

    results = service_search(actor=actor, criteria=criteria)

    # The closest first whatever its rank; by rank, « Atelier vélo » would come first.
    assert [hit.service.name for hit in results.hits] == ["Bourse d'échange", "Atelier vélo"]
    relevance = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax, text="velo", origin=origin))
    assert [hit.service.name for hit in relevance.hits] == ["Atelier vélo", "Bourse d'échange"]


def test_unpublished_services_are_never_shown(geo, actor):
    make_service(name="Publié")
    make_service(name="Brouillon", draft=True)
    make_service(name="Archivé", archived=True)

    assert names(service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax))) == ["Publié"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="atelier"))) == []
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="Brouillon"))) == []


def test_public_type_and_funding_label_filters(geo, actor):
    label = FundingLabelFactory(label="Financé par le Département des Landes", departement=geo.landes)
    labelled = make_service(name="Labellisé", publics=["jeunes"], kind="atelier")
    labelled.funding_labels.add(label)
    make_service(name="Jeunes, accompagnement", publics=["jeunes"], kind="accompagnement")
    make_service(name="Seniors", publics=["seniors"], kind="atelier")

    assert names(service_search(actor=actor, criteria=SearchCriteria(public="jeunes"))) == [
        "Jeunes, accompagnement",
        "Labellisé",
    ]
    results = service_search(actor=actor, criteria=SearchCriteria(public="jeunes", kind="atelier"))
    assert names(results) == ["Labellisé"]
    assert results.hits[0].reasons == ["public : jeunes", "type : atelier"]
    results = service_search(actor=actor, criteria=SearchCriteria(funding_label=label))
    assert names(results) == ["Labellisé"]
    assert results.hits[0].reasons == ["label : Financé par le Département des Landes"]


def test_results_are_paginated_by_25_ordered_by_name(geo, actor):
    for index in range(30):
        make_service(name=f"Service {index:02d}", eligibility_zone=["40"])

    first = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax))
    second = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax), page_number=2)

    assert first.page.paginator.count == 30
    assert [hit.service.name for hit in first.hits] == [f"Service {index:02d}" for index in range(25)]
    assert [hit.service.name for hit in second.hits] == [f"Service {index:02d}" for index in range(25, 30)]


def test_a_page_past_the_last_gives_the_last_page(geo, actor):
    for index in range(30):
        make_service(name=f"Service {index:02d}")

    past = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax), page_number=9)
    junk = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax), page_number="abc")
    nothing = service_search(actor=actor, criteria=SearchCriteria(text="introuvable"), page_number=3)

    assert (past.page.number, past.page.paginator.count, len(past.hits)) == (2, 30, 5)
    assert (junk.page.number, len(junk.hits)) == (1, 25)
    assert (nothing.page.number, nothing.page.paginator.count, nothing.hits) == (1, 0, [])


def test_stale_results_are_flagged(geo, actor, settings):
    settings.JALON_OFFER_STALE_MONTHS = 6
    today = timezone.localdate()
    make_service(name="Ancien", updated_on=today - datetime.timedelta(days=400))
    make_service(name="Confirmé", updated_on=today - datetime.timedelta(days=400), last_confirmed_on=today)

    results = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax))

    assert {hit.service.name: hit.stale for hit in results.hits} == {"Ancien": True, "Confirmé": False}
    settings.JALON_OFFER_STALE_MONTHS = 24
    results = service_search(actor=actor, criteria=SearchCriteria(commune=geo.dax))
    assert {hit.service.name: hit.stale for hit in results.hits} == {"Ancien": False, "Confirmé": False}


def test_search_runs_a_constant_number_of_queries(geo, actor, django_assert_max_num_queries):
    label = FundingLabelFactory()
    for index in range(40):
        service = make_service(name=f"Atelier permis {index}", eligibility_zone=["40088"])
        service.funding_labels.add(label)
    criteria = SearchCriteria(commune=geo.dax, thematiques=("mobilite",), text="permis")
    with django_assert_max_num_queries(3):
        results = service_search(actor=actor, criteria=criteria)
        assert len(results.hits) == 25
        for hit in results.hits:
            assert [label.label for label in hit.service.funding_labels.all()] == [label.label]


def test_commune_find_by_code_name_or_label(geo):
    assert selectors.commune_find("40088") == geo.dax
    assert selectors.commune_find("dax") == geo.dax
    assert selectors.commune_find("Dax (40088)") == geo.dax
    with pytest.raises(ValidationError, match="Commune inconnue"):
        selectors.commune_find("Atlantis")


def test_search_text_is_filled_by_the_importer(tmp_path):
    from jalon.offer.importer import offer_import

    dump = tmp_path / "offre.json"
    dump.write_text(
        """{"structures": [{"source": "dora", "id": "s1", "nom": "Les Restos du Cœur", "date_maj": "2025-01-01"}],
        "services": [{"source": "dora", "id": "v1", "structure_id": "s1", "nom": "Épicerie Solidaire",
        "description": "Denrées à petit prix.", "date_maj": "2025-01-01", "zone_eligibilite": ["40"]}]}""",
        encoding="utf-8",
    )
    offer_import(paths=[dump])
    service = Service.objects.get(source_id="v1")
    assert service.search_text == "epicerie solidaire denrees a petit prix les restos du coeur"
    if connection.vendor == "postgresql":
        # The name weighs A, the description B, the structure's name C (French stems of the normalised words).
        assert service.search_vector == (
            "'a':4B 'coeur':10C 'denre':3B 'epicer':1A 'le':7C 'pet':5B 'prix':6B 'restos':8C 'solidair':2A"
        )
    # A structure renamed at its source renames its services' search columns too.
    dump.write_text(dump.read_text(encoding="utf-8").replace("Les Restos du Cœur", "Banque alimentaire"))
    offer_import(paths=[dump])
    service.refresh_from_db()
    assert service.search_text == "epicerie solidaire denrees a petit prix banque alimentaire"
    actor = actor_for(MembershipFactory())
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="alimentaire"))) == ["Épicerie Solidaire"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="restos"))) == []


def test_the_professionals_writes_keep_the_search_columns(geo, actor, structure_member):
    from jalon.offer.directory.services import service_create, service_status_set, service_update
    from jalon.offer.enums import OfferStatus

    membership, structure = structure_member
    editor = actor_for(membership)
    data = {
        "name": "Garage solidaire",
        "description": "Réparer sa voiture à petit prix.",
        "thematiques": ["mobilite--entretenir-reparer-son-vehicule"],
        "eligibility_zone": ["40"],
    }
    service = service_create(actor=editor, structure=structure, data=data)
    service_status_set(actor=editor, service=service, status=OfferStatus.PUBLISHED)
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="garage voiture"))) == ["Garage solidaire"]

    service_update(actor=editor, service=service, data={**data, "name": "Atelier mécanique"})

    assert names(service_search(actor=actor, criteria=SearchCriteria(text="mecanique"))) == ["Atelier mécanique"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="garage"))) == []
    # The structure's name is searched too (weight C on PostgreSQL).
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="mobilite 40"))) == ["Atelier mécanique"]


def test_the_back_office_keeps_the_search_columns(actor, rf):
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    service = make_service(name="Atelier couture", structure=StructureFactory(name="Fil rouge"))
    request = rf.post("/")

    service.name = "Atelier vélo"
    site._registry[Service].save_model(request, service, SimpleNamespace(changed_data=["name"]), True)

    assert names(service_search(actor=actor, criteria=SearchCriteria(text="velo"))) == ["Atelier vélo"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="couture"))) == []

    structure = service.structure
    structure.name = "Roue libre"
    site._registry[type(structure)].save_model(request, structure, SimpleNamespace(changed_data=["name"]), True)

    assert names(service_search(actor=actor, criteria=SearchCriteria(text="roue libre"))) == ["Atelier vélo"]
    assert names(service_search(actor=actor, criteria=SearchCriteria(text="rouge"))) == []
