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
