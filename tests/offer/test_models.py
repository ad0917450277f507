import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.utils import ConnectionHandler

from jalon.core.periods import add_months
from jalon.offer.models import Service, Structure
from jalon.offer.referentials import thematiques_expand
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db


# --- the has_any lookup -------------------------------------------------------------------------------------------


def test_has_any_matches_list_elements_on_the_test_database():
    permis = ServiceFactory(thematiques=["mobilite--preparer-un-permis", "sante--addictions"])
    ServiceFactory(thematiques=["numerique--acquerir-un-equipement"])
    ServiceFactory(thematiques=[])
    found = Service.objects.filter(thematiques__has_any=["sante--addictions", "famille--garde-denfants"])
    assert list(found) == [permis]
    assert not Service.objects.filter(thematiques__has_any=["mobilite"]).exists()  # elements, not prefixes
    assert list(Service.objects.filter(thematiques__has_any=[])) == []
    # Negation keeps rows whose list is empty.
    assert Service.objects.exclude(thematiques__has_any=["sante--addictions"]).count() == 2


def test_has_any_refuses_a_plain_string():
    with pytest.raises(ValueError, match="liste"):
        Service.objects.filter(thematiques__has_any="sante--addictions")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_has_any_compiles_to_the_jsonb_operator_served_by_the_gin_index():
    sql, params = Service.objects.filter(eligibility_zone__has_any=["40"]).query.sql_with_params()
    assert '"offer_service"."eligibility_zone" ?| %s::text[]' in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'offer_service' AND indexdef LIKE '%gin%'"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {
        "offer_service_thematiques_gin",
        "offer_service_zone_gin",
        "offer_service_publics_gin",
        "offer_service_search_vector_gin",
    }
    assert "jsonb_path_ops" not in " ".join(indexes.values())


@pytest.fixture
def sqlite_alias():
    """A real, separate in-memory SQLite database with the offer's tables (the embedded demo's engine)."""
    alias = "offer_sqlite_check"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    settings = ConnectionHandler().configure_settings({"default": dict(sqlite), alias: dict(sqlite)})
    wrapper = SQLiteWrapper(settings[alias], alias)
    wrapper.ensure_connection()  # connected before it is known to `connections`: Django's test guard allows it
    connections.settings[alias] = settings[alias]
    connections[alias] = wrapper
    with connections[alias].schema_editor() as editor:
        editor.create_model(Structure)
        editor.create_model(Service)
    wrapper.disable_constraint_checking()  # the tables the foreign keys point to are not needed here
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_has_any_and_the_querysets_work_on_sqlite(sqlite_alias, mont_de_marsan):
    structure = Structure.objects.using(sqlite_alias).create(
        source="dora", source_id="s1", name="Structure", updated_on=datetime.date(2025, 1, 1)
    )

    def service(source_id, **values):
        return Service.objects.using(sqlite_alias).create(
            source="dora",
            source_id=source_id,
            structure=structure,
            name=source_id,
            description="description",
            updated_on=datetime.date(2025, 1, 1),
            **values,
        )

    permis = service("permis", thematiques=["mobilite--preparer-un-permis"], eligibility_zone=["40192"])
    service("numerique", thematiques=["numerique--acquerir-un-equipement"], eligibility_zone=["64"])
    national = service("national", thematiques=["sante--addictions"], eligibility_zone=["france"])
    services = Service.objects.using(sqlite_alias)
    assert connections[sqlite_alias].vendor == "sqlite"
    assert list(services.filter(thematiques__has_any=["mobilite--preparer-un-permis", "x"])) == [permis]
    assert list(services.with_thematique("mobilite")) == [permis]
    assert set(services.eligible_for_commune(mont_de_marsan)) == {permis, national}
    assert list(services.filter(thematiques__has_any=[])) == []


def test_the_search_falls_back_to_words_on_sqlite(sqlite_alias):
    from jalon.offer.directory.selectors import SearchCriteria, services_matching
    from jalon.offer.directory.text import search_values

    structure = Structure.objects.using(sqlite_alias).create(
        source="dora", source_id="s1", name="Vélo pour tous", updated_on=datetime.date(2025, 1, 1)
    )
    for name, description in [("Accueil", "Écoute."), ("Prêt", "Un vélo prêté."), ("Atelier vélo", "Réparer.")]:
        Service.objects.using(sqlite_alias).create(
            source="dora",
            source_id=name,
            structure=structure,
            name=name,
            description=description,
            updated_on=datetime.date(2025, 1, 1),
            status="publie",
            **search_values(name=name, description=description, structure_name=structure.name, using=sqlite_alias),
        )

    found = services_matching(SearchCriteria(text="Vélo"), queryset=Service.objects.using(sqlite_alias))

    # No tsvector on SQLite: every word in `search_text`, ordered by where it starts (name, description, structure).
    assert [service.name for service in found] == ["Atelier vélo", "Prêt", "Accueil"]
    assert Service.objects.using(sqlite_alias).filter(search_vector__isnull=False).count() == 0


# --- referentials -------------------------------------------------------------------------------------------------


def test_a_category_expands_to_its_sub_thematiques_read_from_the_package():
    expanded = thematiques_expand(["mobilite"])
    assert "mobilite--preparer-un-permis" in expanded
    assert all(code.startswith("mobilite--") for code in expanded)
    assert len(expanded) == 6
    assert thematiques_expand(["sante--addictions"]) == ["sante--addictions"]


def test_codes_are_validated_against_the_package():
    service = ServiceFactory.build(
        structure=StructureFactory(),
        thematiques=["mobilite--teleportation"],
        publics=["martiens"],
        fee="parfois",
        eligibility_zone=["40", "pas-un-code"],
    )
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    messages = error.value.message_dict
    assert "mobilite--teleportation" in messages["thematiques"][0]
    assert "martiens" in messages["publics"][0]
    assert "parfois" in messages["fee"][0]
    assert "pas-un-code" in messages["eligibility_zone"][0]
    ServiceFactory.build(structure=service.structure).full_clean()  # the factory's codes are all known


@pytest.mark.parametrize("email", ["accueil@centre-social.test", "rdv@garage.local", "contact@jalon.invalid"])
def test_e_mails_and_publics_follow_the_data_inclusion_rules(email):
    structure = StructureFactory.build(email=email)
    with pytest.raises(ValidationError) as error:
        structure.full_clean()
    assert "refusée par le schéma data·inclusion" in error.value.message_dict["email"][0]
    service = ServiceFactory.build(structure=StructureFactory(), email=email, publics=["familles", "tous-publics"])
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert set(error.value.message_dict) == {"email", "publics"}
    assert error.value.message_dict["publics"] == [
        "« Tous publics » ne peut pas être combiné avec d'autres publics : choisissez soit « Tous publics », soit les "
        "publics visés."
    ]
    ServiceFactory.build(
        structure=service.structure, email="accueil@example.org", publics=["tous-publics"]
    ).full_clean()


# --- queryset methods ---------------------------------------------------------------------------------------------


def test_published_keeps_only_published_services():
    published = ServiceFactory()
    ServiceFactory(draft=True)
    ServiceFactory(archived=True)
    assert list(Service.objects.published()) == [published]


def test_with_thematique_matches_a_category_and_its_sub_thematiques():
    permis = ServiceFactory(thematiques=["mobilite--preparer-un-permis"])
    vehicule = ServiceFactory(thematiques=["numerique--acquerir-un-equipement", "mobilite--acceder-a-un-vehicule"])
    ServiceFactory(thematiques=["numerique--acquerir-un-equipement"])
    assert set(Service.objects.with_thematique("mobilite")) == {permis, vehicule}
    assert list(Service.objects.with_thematique(["mobilite--preparer-un-permis"])) == [permis]
    assert set(Service.objects.with_thematique(["sante", "mobilite--acceder-a-un-vehicule"])) == {vehicule}
    with pytest.raises(ValidationError, match="Thématique inconnue"):
        Service.objects.with_thematique(["mobilite--teleportation"])


def test_eligibility_follows_the_commune_hierarchy(mont_de_marsan):
    eligible = {
        ServiceFactory(eligibility_zone=["40192"]),  # the commune
        ServiceFactory(eligibility_zone=["64445", mont_de_marsan.epci_id]),  # its EPCI
        ServiceFactory(eligibility_zone=["40"]),  # its département
        ServiceFactory(eligibility_zone=["france"]),  # the whole country
        ServiceFactory(eligibility_zone=["99100"]),  # France's country code
    }
    ServiceFactory(eligibility_zone=["40088"])  # another commune of the Landes
    ServiceFactory(eligibility_zone=["64"])  # another département
    ServiceFactory(eligibility_zone=["200067106"])  # another EPCI
    # "75" is Paris (a département code) even though the Landes' région code is 75 too: not eligible.
    ServiceFactory(eligibility_zone=["75"])
    ServiceFactory(eligibility_zone=[])  # unknown zone
    assert set(Service.objects.eligible_for_commune(mont_de_marsan)) == eligible


def test_eligibility_of_a_commune_without_epci():
    corse = CommuneFactory(code="2A004", departement=DepartementFactory(code="2A", name="Corse-du-Sud"), epci=None)
    ajaccio = ServiceFactory(eligibility_zone=["2A"])
    ServiceFactory(eligibility_zone=["2B"])
    assert list(Service.objects.eligible_for_commune(corse)) == [ajaccio]


def test_stale_services_are_those_not_confirmed_nor_updated_for_n_months():
    today = datetime.date(2026, 8, 31)
    old_confirmed = ServiceFactory(last_confirmed_on=datetime.date(2026, 1, 15), updated_on=datetime.date(2025, 1, 1))
    ServiceFactory(last_confirmed_on=datetime.date(2026, 7, 1), updated_on=datetime.date(2020, 1, 1))
    never_confirmed_old = ServiceFactory(last_confirmed_on=None, updated_on=datetime.date(2025, 12, 1))
    ServiceFactory(last_confirmed_on=None, updated_on=datetime.date(2026, 5, 2))
    boundary = ServiceFactory(last_confirmed_on=datetime.date(2026, 2, 27), updated_on=datetime.date(2025, 1, 1))
    ServiceFactory(last_confirmed_on=datetime.date(2026, 2, 28), updated_on=datetime.date(2025, 1, 1))
    assert set(Service.objects.stale(6, today=today)) == {old_confirmed, never_confirmed_old, boundary}
    assert set(Service.objects.stale(12, today=today)) == set()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 8, 31), 6, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 3, 15), 3, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 1, 31), 14, datetime.date(2024, 11, 30)),
    ],
)
def test_add_months_backwards(day, months, expected):
    assert add_months(day, -months) == expected


def test_places_cannot_exceed_capacity():
    service = ServiceFactory.build(structure=StructureFactory(), capacity=10, places_available=12)
    with pytest.raises(ValidationError, match="dépassent la capacité"):
        service.full_clean()
