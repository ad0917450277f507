import pytest

from tests.accounts.factories import UserFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings):
    settings.OIDC_RP_CLIENT_ID = "jalon"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.exemple.test/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.exemple.test/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.exemple.test/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    from jalon.accounts.oidc import JalonOIDCBackend

    return JalonOIDCBackend()


def test_only_invited_active_professionals_are_matched(backend):
    invited = UserFactory(email="lea.martin@landes.fr")
    UserFactory(email="parti@landes.fr", is_active=False)
    assert list(backend.filter_users_by_claims({"email": "Lea.Martin@Landes.fr"})) == [invited]
    assert not backend.filter_users_by_claims({"email": "parti@landes.fr"}).exists()
    assert not backend.filter_users_by_claims({"email": "inconnu@landes.fr"}).exists()
    assert not backend.filter_users_by_claims({}).exists()


def test_names_follow_the_identity_provider(backend):
    user = UserFactory(first_name="L", last_name="M")
    backend.update_user(user, {"given_name": "Léa", "usual_name": "Martin"})
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Léa", "Martin")


def test_unknown_email_gets_no_account(backend, settings, monkeypatch):
    from jalon.accounts.models import User

    settings.OIDC_CREATE_USER = False  # as in jalon.settings.base
    # Only the identity provider's network answer is replaced; the backend's own decision runs for real.
    claims = {"email": "inconnu@landes.fr", "given_name": "In", "usual_name": "Connu"}
    monkeypatch.setattr(backend, "get_userinfo", lambda access_token, id_token, payload: claims)
    assert backend.get_or_create_user("token", "id-token", {}) is None
    assert not User.objects.filter(email="inconnu@landes.fr").exists()

    known = UserFactory(email="inconnu@landes.fr")
    assert backend.get_or_create_user("token", "id-token", {}) == known
