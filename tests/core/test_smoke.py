import pytest


pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_in_french(client):
    response = client.get("/compte/connexion/")
    assert response.status_code == 200
    assert "Connexion à Jalon" in response.content.decode()


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.django_db
def test_the_header_names_the_departement_of_the_professional(client):
    from jalon.core.enums import Role
    from tests.organisations.factories import MembershipFactory
    from tests.territories.factories import DepartementFactory

    basque = MembershipFactory(
        role=Role.REFERENT, organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    )
    client.force_login(basque.user)
    page = client.get("/").content.decode()
    assert "Département : Pyrénées-Atlantiques" in page and "Département : Landes" not in page
