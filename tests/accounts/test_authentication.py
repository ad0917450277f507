import pytest
from django.core import mail
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def _login(client, email, password):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_writes_an_audit_event_and_reaches_the_role_home(client):
    membership = MembershipFactory()
    response = _login(client, membership.user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(code=AuditCode.LOGIN)
    assert event.actor == membership.user
    assert event.ip_address == "127.0.0.1"
    home = client.get("/")
    assert "Référent de parcours" in home.content.decode()


def test_failed_login_gives_a_generic_french_message_and_is_audited(client):
    user = UserFactory()
    response = _login(client, user.email, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    event = AuditEvent.objects.get(code=AuditCode.LOGIN_FAILED)
    assert event.actor is None
    assert event.data["login"] == user.email
    # An unknown address gets exactly the same message: nobody learns which accounts exist.
    response = _login(client, "inconnu@exemple.test", "x")
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_login(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "mauvais")
    response = _login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.LOCKED_OUT).exists()
    assert not AuditEvent.objects.filter(code=AuditCode.LOGIN).exists()


def test_logout_is_audited(login_as):
    membership = MembershipFactory()
    client = login_as(membership)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(code=AuditCode.LOGOUT, actor=membership.user).count() == 1
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_french_email_and_lets_the_user_choose_a_new_password(client):
    user = UserFactory(email="camille@exemple.test")
    response = client.post(reverse("accounts:password_reset"), {"email": "camille@exemple.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "réinitialisation" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/compte/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-secret-2026", "new_password2": "Un-nouveau-secret-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-nouveau-secret-2026")
    assert AuditEvent.objects.filter(code=AuditCode.PASSWORD_CHANGED, actor=user).exists()


def test_password_reset_for_an_unknown_address_sends_nothing_but_answers_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@exemple.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_public_pages_are_reachable_without_login(client):
    for url in ["/mentions-legales/", "/accessibilite/", "/donnees-personnelles/", "/sante/", LOGIN_URL]:
        assert client.get(url).status_code == 200, url
