import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.territories.enums import TerritoryKind
from jalon.territories.models import Territory
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory, TerritoryFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def landes():
    return DepartementFactory(code="40", name="Landes")


@pytest.fixture
def pyrenees():
    return DepartementFactory(code="64", name="Pyrénées-Atlantiques")


@pytest.fixture
def cd_admin(landes):
    return MembershipFactory(
        administrator=True, organisation__conseil_departemental=True, organisation__departement=landes
    )


@pytest.fixture
def geography(landes, pyrenees):
    """Two EPCI of the Landes, and a commune of the Pyrénées-Atlantiques."""
    marsan, chalosse = EpciFactory(name="CA Mont de Marsan"), EpciFactory(name="CC Chalosse")
    return {
        "mont_de_marsan": CommuneFactory(
            code="40192", name="Mont-de-Marsan", departement=landes, epci=marsan, population=31000
        ),
        "saint_pierre": CommuneFactory(
            code="40281", name="Saint-Pierre-du-Mont", departement=landes, epci=marsan, population=9000
        ),
        "hagetmau": CommuneFactory(code="40119", name="Hagetmau", departement=landes, epci=chalosse, population=4500),
        "pau": CommuneFactory(code="64445", name="Pau", departement=pyrenees, population=80000),
        "marsan": marsan,
        "chalosse": chalosse,
    }


def test_cd_admin_creates_a_territory_with_communes_and_whole_epci(login_as, cd_admin, geography):
    client = login_as(cd_admin)
    assert client.get(reverse("territories:create")).status_code == 200
    response = client.post(
        reverse("territories:create"),
        {
            "name": "SDSEI de Mont-de-Marsan",
            "kind": TerritoryKind.SDSEI,
            "communes": ["40119"],
            "epcis": [geography["marsan"].code],
        },
    )
    territory = Territory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("territories:detail", args=[territory.pk])
    assert territory.departement_id == "40"
    assert set(territory.communes.values_list("code", flat=True)) == {"40119", "40192", "40281"}
    event = AuditEvent.objects.get(code=AuditCode.TERRITORY_CREATED)
    assert event.code == 301
    assert event.subject_id == str(territory.pk)
    assert event.actor == cd_admin.user
    assert event.organisation == cd_admin.organisation
    assert event.data["new"]["communes"] == ["40119", "40192", "40281"]
    assert event.data["new"]["name"] == "SDSEI de Mont-de-Marsan"
    assert event.data["epci"] == [geography["marsan"].code]


def test_cd_admin_updates_a_territory(login_as, cd_admin, geography):
    territory = TerritoryFactory(departement=cd_admin.organisation.departement, name="Ancien nom")
    territory.communes.set(["40192", "40281"])
    client = login_as(cd_admin)
    page = client.get(reverse("territories:update", args=[territory.pk])).content.decode()
    assert re.search(r'value="40192"\s+id="[\w-]+"\s+checked', page)
    assert re.search(r'value="40119"\s+id="[\w-]+">', page)
    assert "CA Mont de Marsan (2 communes dans le département)" in page
    response = client.post(
        reverse("territories:update", args=[territory.pk]),
        {"name": "Nouveau nom", "kind": TerritoryKind.SOCIAL_ACTION_TERRITORY, "communes": ["40192", "40119"]},
    )
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.name == "Nouveau nom"
    assert territory.kind == TerritoryKind.SOCIAL_ACTION_TERRITORY
    assert set(territory.communes.values_list("code", flat=True)) == {"40119", "40192"}
    event = AuditEvent.objects.get(code=AuditCode.TERRITORY_UPDATED)
    assert event.code == 302
    assert event.data["old"] == {"name": "Ancien nom", "kind": "sdsei", "communes": ["40192", "40281"]}
    assert event.data["new"] == {"name": "Nouveau nom", "kind": "tas", "communes": ["40119", "40192"]}


def test_update_without_change_writes_no_audit_event(login_as, cd_admin, geography):
    territory = TerritoryFactory(departement=cd_admin.organisation.departement, name="Stable")
    territory.communes.set(["40192"])
    response = login_as(cd_admin).post(
        reverse("territories:update", args=[territory.pk]),
        {"name": "Stable", "kind": territory.kind, "communes": ["40192"]},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(code=AuditCode.TERRITORY_UPDATED).exists()


def test_cd_admin_deletes_a_territory_after_confirmation(login_as, cd_admin, geography):
    territory = TerritoryFactory(departement=cd_admin.organisation.departement, name="À supprimer")
    territory.communes.set(["40192"])
    client = login_as(cd_admin)
    confirmation = client.get(reverse("territories:delete", args=[territory.pk]))
    assert confirmation.status_code == 200
    assert "Supprimer le territoire « À supprimer » ?" in confirmation.content.decode()
    assert Territory.objects.filter(pk=territory.pk).exists()
    response = client.post(reverse("territories:delete", args=[territory.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("territories:list")
    assert not Territory.objects.filter(pk=territory.pk).exists()
    event = AuditEvent.objects.get(code=AuditCode.TERRITORY_DELETED)
    assert event.code == 303
    assert event.data["old"]["communes"] == ["40192"]
    assert event.data["old"]["name"] == "À supprimer"


def test_a_territory_scoping_members_cannot_be_deleted(login_as, cd_admin, geography):
    territory = TerritoryFactory(departement=cd_admin.organisation.departement)
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=cd_admin.organisation)
    manager.territories.set([territory])
    response = login_as(cd_admin).post(reverse("territories:delete", args=[territory.pk]), follow=True)
    assert Territory.objects.filter(pk=territory.pk).exists()
    assert "retirez-le de leurs rôles avant de le supprimer" in response.content.decode()
    assert not AuditEvent.objects.filter(code=AuditCode.TERRITORY_DELETED).exists()


@pytest.mark.parametrize(
    "membership_kwargs",
    [
        {"role": Role.REFERENT, "organisation__conseil_departemental": True},
        {"role": Role.TERRITORY_MANAGER, "organisation__conseil_departemental": True},
        # administrator of an association, not of the Conseil départemental
        {"role": Role.ADMINISTRATOR, "organisation__kind": "association"},
    ],
)
def test_only_the_cd_administrator_may_manage(login_as, landes, geography, membership_kwargs):
    membership = MembershipFactory(organisation__departement=landes, **membership_kwargs)
    territory = TerritoryFactory(departement=landes)
    client = login_as(membership)
    assert client.get(reverse("territories:create")).status_code == 404
    assert client.post(reverse("territories:create"), {"name": "X", "kind": "sdsei"}).status_code == 404
    assert client.get(reverse("territories:update", args=[territory.pk])).status_code == 404
    assert client.post(reverse("territories:delete", args=[territory.pk])).status_code == 404
    assert Territory.objects.count() == 1
    assert not AuditEvent.objects.filter(code__in=[301, 302, 303]).exists()


@pytest.mark.parametrize(
    "membership_kwargs",
    [
        {"role": Role.REFERENT, "organisation__conseil_departemental": True},
        # A partner's administrator administers its organisation, not the Département's territories (0016).
        {"role": Role.ADMINISTRATOR, "organisation__kind": "association"},
    ],
)
def test_referent_or_partner_administrator_cannot_even_see_territories(login_as, landes, membership_kwargs):
    membership = MembershipFactory(organisation__departement=landes, **membership_kwargs)
    territory = TerritoryFactory(departement=landes)
    client = login_as(membership)
    assert client.get(reverse("territories:list")).status_code == 404
    assert client.get(reverse("territories:detail", args=[territory.pk])).status_code == 404


# The Département's administrator manages territories (see above); a partner's administrator sees none.
@pytest.mark.parametrize("role", [Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT, Role.ANALYST])
def test_viewer_roles_see_list_and_detail_without_manage_buttons(login_as, landes, geography, role):
    membership = MembershipFactory(role=role, organisation__departement=landes)
    territory = TerritoryFactory(departement=landes, name="Bassin de Dax")
    territory.communes.set(["40192", "40281"])
    client = login_as(membership)
    listing = client.get(reverse("territories:list")).content.decode()
    assert "Bassin de Dax" in listing
    assert reverse("territories:create") not in listing
    detail = client.get(reverse("territories:detail", args=[territory.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Mont-de-Marsan" in page and "Saint-Pierre-du-Mont" in page
    assert "40 000" in page.replace("\u202f", " ").replace("\xa0", " ")  # population sum 31 000 + 9 000
    assert reverse("territories:update", args=[territory.pk]) not in page


def test_another_departement_territory_is_404(login_as, pyrenees, landes, geography):
    admin_64 = MembershipFactory(
        administrator=True, organisation__conseil_departemental=True, organisation__departement=pyrenees
    )
    territory = TerritoryFactory(departement=landes)
    client = login_as(admin_64)
    assert client.get(reverse("territories:detail", args=[territory.pk])).status_code == 404
    assert client.get(reverse("territories:update", args=[territory.pk])).status_code == 404
    assert (
        client.post(
            reverse("territories:update", args=[territory.pk]), {"name": "Piraté", "kind": "sdsei"}
        ).status_code
        == 404
    )
    assert client.post(reverse("territories:delete", args=[territory.pk])).status_code == 404
    assert not client.get(reverse("territories:list")).context["page_obj"].object_list
    territory.refresh_from_db()
    assert territory.name != "Piraté"


def test_communes_of_another_departement_are_refused(login_as, cd_admin, geography):
    response = login_as(cd_admin).post(
        reverse("territories:create"), {"name": "Mélange", "kind": "sdsei", "communes": ["40192", "64445"]}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide. 64445 n’en fait pas partie." in response.content.decode()
    assert not Territory.objects.exists()


def test_invalid_form_shows_french_errors_and_writes_nothing(login_as, cd_admin, geography):
    response = login_as(cd_admin).post(reverse("territories:create"), {"name": "", "kind": "inconnu"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["Ce champ est obligatoire."]
    assert form.errors["kind"] == ["Sélectionnez un choix valide. inconnu n’en fait pas partie."]
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Territory.objects.exists()
    assert not AuditEvent.objects.filter(code__in=[301, 302, 303]).exists()


def test_duplicate_name_is_a_french_field_error(login_as, cd_admin, geography):
    TerritoryFactory(departement=cd_admin.organisation.departement, name="SDSEI Nord", kind=TerritoryKind.SDSEI)
    response = login_as(cd_admin).post(reverse("territories:create"), {"name": "sdsei nord", "kind": "sdsei"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Un territoire de ce type porte déjà ce nom dans le département."
    ]
    assert Territory.objects.count() == 1


def test_list_is_paginated(login_as, cd_admin):
    for i in range(30):
        TerritoryFactory(departement=cd_admin.organisation.departement, name=f"Territoire {i:02d}")
    client = login_as(cd_admin)
    first = client.get(reverse("territories:list"))
    assert len(first.context["page_obj"].object_list) == 25
    assert "30 résultats" in first.content.decode()
    second = client.get(reverse("territories:list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def test_list_query_count_does_not_grow_with_territories(login_as, cd_admin, geography):
    departement = cd_admin.organisation.departement
    client = login_as(cd_admin)

    def count_queries(total):
        while Territory.objects.count() < total:
            territory = TerritoryFactory(departement=departement)
            territory.communes.set(["40192", "40119"])
        client.get(reverse("territories:list"))  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("territories:list"))
        assert response.status_code == 200
        return len(queries)

    assert count_queries(3) == count_queries(30)


def test_detail_lists_communes_paginated(login_as, cd_admin, landes):
    communes = [CommuneFactory(code=f"40{i:03d}", name=f"Commune {i:03d}", departement=landes) for i in range(1, 61)]
    territory = TerritoryFactory(departement=landes)
    territory.communes.set(communes)
    client = login_as(cd_admin)
    first = client.get(reverse("territories:detail", args=[territory.pk]))
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["totals"] == {"commune_count": 60, "population": 60000}
    second = client.get(reverse("territories:detail", args=[territory.pk]), {"page": 2})
    assert [c.code for c in second.context["page_obj"].object_list] == [f"40{i:03d}" for i in range(51, 61)]
