import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service
from tests.offer.directory.conftest import make_service
from tests.offer.factories import StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


pytestmark = pytest.mark.django_db

SEARCH = reverse("offer:search")
STRIP_TOKENS = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')


def service_post(**overrides):
    data = {
        "name": "Garage solidaire",
        "description": "Réparer sa voiture à petit prix.",
        "kind": "accompagnement",
        "thematiques": ["mobilite--entretenir-reparer-son-vehicule"],
        "publics": ["beneficiaires-des-minimas-sociaux"],
        "fee": "payant",
        "reception_modes": ["en-presentiel"],
        "eligibility_zone": "244000865 40088",
        "mobilisable_by": ["professionnels"],
        "capacity": "10",
        "places_available": "4",
    }
    data.update(overrides)
    return data


def test_search_page_shows_explained_results(geo, login_as):
    make_service(
        name="Épicerie solidaire",
        eligibility_zone=["244000865"],
        thematiques=["equipement-et-alimentation--alimentation"],
    )
    make_service(
        name="Épicerie de Bordeaux",
        eligibility_zone=["33063"],
        thematiques=["equipement-et-alimentation--alimentation"],
    )
    client = login_as(MembershipFactory(role=Role.REFERENT, organisation__departement=geo.landes))

    response = client.get(
        SEARCH, {"commune": "Dax", "text": "epicerie", "thematiques": ["equipement-et-alimentation"]}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Épicerie solidaire" in content
    assert "Épicerie de Bordeaux" not in content
    assert "Pourquoi ce résultat" in content
    assert "éligible : CA du Grand Dax (EPCI)" in content
    assert "mots trouvés : epicerie" in content
    assert "thématique : équipement et alimentation (Alimentation)" in content


def test_search_page_refuses_an_unknown_commune_in_french(geo, login_as):
    client = login_as(MembershipFactory(role=Role.REFERENT))
    response = client.get(SEARCH, {"commune": "Atlantis"})
    assert response.status_code == 200
    assert "Commune inconnue : « Atlantis »" in response.content.decode()


def test_search_page_flags_stale_services(geo, login_as):
    make_service(name="Vieux service", updated_on=datetime.date(2020, 1, 1))
    client = login_as(MembershipFactory(role=Role.REFERENT))
    content = client.get(SEARCH, {"commune": "40088"}).content.decode()
    assert "Vieux service" in content
    assert "à confirmer" in content


def test_service_and_structure_pages(geo, login_as):
    service = make_service(name="Atelier CV", eligibility_zone=["40"], fee="gratuit", reception_modes=["a-distance"])
    client = login_as(MembershipFactory(role=Role.REFERENT))
    response = client.get(reverse("offer:service_detail", args=[service.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Atelier CV" in content
    assert "Gratuit" in content and "À distance" in content
    assert "Confirmer qu'il est à jour" not in content  # not a member of the structure
    response = client.get(reverse("offer:structure_detail", args=[service.structure_id]))
    assert response.status_code == 200
    assert "Atelier CV" in response.content.decode()


def test_draft_service_is_not_found_out_of_its_structure(geo, login_as, structure_member):
    membership, structure = structure_member
    draft = make_service(name="En préparation", structure=structure, draft=True)
    outsider = login_as(MembershipFactory(role=Role.REFERENT))
    unknown = outsider.get(reverse("offer:service_detail", args=[999999]))
    hidden = outsider.get(reverse("offer:service_detail", args=[draft.pk]))
    assert hidden.status_code == unknown.status_code == 404
    assert STRIP_TOKENS.sub(b"", hidden.content) == STRIP_TOKENS.sub(b"", unknown.content)
    member = login_as(membership)
    response = member.get(reverse("offer:service_detail", args=[draft.pk]))
    assert response.status_code == 200
    assert "Confirmer qu'il est à jour" in response.content.decode()


def test_structure_member_creates_a_service_audited(geo, login_as, structure_member):
    membership, structure = structure_member
    client = login_as(membership)

    response = client.post(reverse("offer:service_create", args=[structure.pk]), service_post())

    service = Service.objects.get(name="Garage solidaire")
    assert response.status_code == 302
    assert response["Location"] == reverse("offer:service_detail", args=[service.pk])
    assert service.structure == structure
    assert service.status == OfferStatus.DRAFT
    assert service.eligibility_zone == ["244000865", "40088"]
    assert service.source == structure.source
    assert service.search_text == "garage solidaire reparer sa voiture a petit prix mobilite 40"
    assert service.last_confirmed_on == timezone.localdate()
    event = AuditEvent.objects.get(code=AuditCode.OFFER_SERVICE_CREATED)
    assert event.actor == membership.user
    assert event.subject_id == str(service.pk)
    assert event.data["new"]["places_available"] == 4


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"eligibility_zone": ""}, "Indiquez au moins une zone d&#x27;éligibilité"),
        (
            {"capacity": "3", "places_available": "5"},
            "Les places disponibles (5) dépassent la capacité d&#x27;accueil (3).",
        ),
        ({"thematiques": ["mobilite--teleportation"]}, "Sélectionnez un choix valide"),
        ({"eligibility_zone": "atlantide"}, "Code de zone d&#x27;éligibilité invalide"),
        (
            {"publics": ["tous-publics", "familles"]},
            "« Tous publics » ne peut pas être combiné avec d&#x27;autres publics",
        ),
        ({"email": "accueil@garage.test"}, "Adresse e-mail refusée par le schéma data·inclusion"),
    ],
)
def test_service_form_refusals_in_french(geo, login_as, structure_member, overrides, message):
    membership, structure = structure_member
    client = login_as(membership)

    response = client.post(reverse("offer:service_create", args=[structure.pk]), service_post(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.OFFER_SERVICE_CREATED).exists()


def test_a_structure_member_edits_only_their_structure_services(geo, login_as, structure_member):
    membership, structure = structure_member
    own = make_service(name="Le nôtre", structure=structure)
    other = make_service(name="Celui d'une autre", structure=StructureFactory(organisation=OrganisationFactory()))
    client = login_as(membership)

    assert client.get(reverse("offer:service_update", args=[own.pk])).status_code == 200
    assert client.get(reverse("offer:service_update", args=[other.pk])).status_code == 404
    assert client.post(reverse("offer:service_update", args=[other.pk]), service_post()).status_code == 404
    assert client.post(reverse("offer:service_confirm", args=[other.pk])).status_code == 404
    assert client.post(reverse("offer:service_status", args=[other.pk]), {"status": "archive"}).status_code == 404
    assert client.get(reverse("offer:service_create", args=[other.structure_id])).status_code == 404
    other.refresh_from_db()
    assert other.status == OfferStatus.PUBLISHED
    assert not AuditEvent.objects.filter(code__gte=1010, code__lte=1029).exists()

    response = client.post(reverse("offer:service_update", args=[own.pk]), service_post(name="Le nôtre, renommé"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "Le nôtre, renommé"
    assert own.search_text.startswith("le notre renomme ")
    event = AuditEvent.objects.get(code=AuditCode.OFFER_SERVICE_UPDATED)
    assert event.data["old"]["name"] == "Le nôtre"
    assert event.data["new"]["name"] == "Le nôtre, renommé"


def test_departement_administrator_manages_the_departement_structures(geo, login_as):
    admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation=OrganisationFactory(conseil_departemental=True, departement=geo.landes)
    )
    landes = make_service(name="Landais", structure=StructureFactory(departement=geo.landes))
    national = make_service(name="Importé", structure=StructureFactory())
    client = login_as(admin)
    assert client.get(reverse("offer:service_update", args=[landes.pk])).status_code == 200
    assert client.get(reverse("offer:service_update", args=[national.pk])).status_code == 404
    response = client.get(reverse("offer:my_services"))
    assert "Landais" in response.content.decode()
    assert "Importé" not in response.content.decode()


def test_the_administrator_picks_among_many_structures_by_name(geo, login_as):
    admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation=OrganisationFactory(conseil_departemental=True, departement=geo.landes)
    )
    for index in range(24):
        StructureFactory(name=f"Association {index:02d}", departement=geo.landes)
    StructureFactory(name="Garage solidaire de Dax", departement=geo.landes)
    StructureFactory(name="Garage de Bordeaux")  # not of the Département
    client = login_as(admin)
    new_service = re.compile(r'href="/offre/structures/\d+/nouveau-service/"')

    content = client.get(reverse("offer:my_services")).content.decode()

    assert len(new_service.findall(content)) == 20
    assert "Et 5 autres structures : précisez le nom." in content
    content = client.get(reverse("offer:my_services"), {"structure": "garage"}).content.decode()
    assert new_service.findall(content) and len(new_service.findall(content)) == 1
    assert "Nouveau service de Garage solidaire de Dax" in content
    content = client.get(reverse("offer:my_services"), {"structure": "crèche"}).content.decode()
    assert "Aucune structure ne porte « crèche » dans son nom." in content


def test_my_services_are_paginated_stale_first_in_constant_queries(
    geo, login_as, structure_member, django_assert_max_num_queries
):
    membership, structure = structure_member
    make_service(name="Le plus ancien", structure=structure, updated_on=datetime.date(2019, 1, 1))
    for index in range(55):
        make_service(name=f"Atelier {index}", structure=structure, last_confirmed_on=timezone.localdate())
    client = login_as(membership)
    first = client.get(reverse("offer:my_services")).content.decode()
    service_links = re.compile(r'href="/offre/services/\d+/"')
    assert len(service_links.findall(first)) == 50
    assert "Le plus ancien" in first and "56 résultats" in first
    with django_assert_max_num_queries(20):
        second = client.get(reverse("offer:my_services"), {"page": 2}).content.decode()
    assert len(service_links.findall(second)) == 6
    assert "Le plus ancien" not in second


def test_confirm_and_status_changes_are_audited(geo, login_as, structure_member):
    membership, structure = structure_member
    service = make_service(name="Atelier", structure=structure, updated_on=datetime.date(2020, 1, 1))
    client = login_as(membership)

    assert client.post(reverse("offer:service_confirm", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.last_confirmed_on == timezone.localdate()
    assert AuditEvent.objects.filter(code=AuditCode.OFFER_SERVICE_CONFIRMED, subject_id=str(service.pk)).count() == 1

    response = client.post(reverse("offer:service_status", args=[service.pk]), {"status": "brouillon"}, follow=True)
    service.refresh_from_db()
    assert service.status == OfferStatus.DRAFT
    assert "est suspendu (brouillon)" in response.content.decode()
    event = AuditEvent.objects.get(code=AuditCode.OFFER_SERVICE_STATUS_CHANGED)
    assert event.data == {"old": {"status": "publie"}, "new": {"status": "brouillon"}, "structure": structure.pk}

    response = client.post(reverse("offer:service_status", args=[service.pk]), {"status": "brouillon"}, follow=True)
    assert "Le service est déjà suspendu (brouillon)." in response.content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.OFFER_SERVICE_STATUS_CHANGED).count() == 1


def test_a_service_combining_tous_publics_with_other_publics_cannot_be_published(geo, login_as, structure_member):
    # As an older version of Jalon, or the admin, could have saved it.
    membership, structure = structure_member
    service = make_service(name="Atelier", structure=structure, status=OfferStatus.DRAFT)
    Service.objects.filter(pk=service.pk).update(publics=["familles", "tous-publics"])
    client = login_as(membership)

    response = client.post(reverse("offer:service_status", args=[service.pk]), {"status": "publie"}, follow=True)

    service.refresh_from_db()
    assert service.status == OfferStatus.DRAFT
    assert "« Tous publics » ne peut pas être combiné avec d'autres publics" in response.content.decode()
    assert not AuditEvent.objects.filter(code=AuditCode.OFFER_SERVICE_STATUS_CHANGED).exists()


def test_coverage_screen_is_for_pilots(geo, login_as):
    assert login_as(MembershipFactory(role=Role.REFERENT)).get(reverse("offer:coverage")).status_code == 404
    client = login_as(MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__departement=geo.landes))
    response = client.get(reverse("offer:coverage"), {"grouping": "epci"})
    assert response.status_code == 200
    assert "CA du Grand Dax" in response.content.decode()
    assert "zone blanche" in response.content.decode()
