import pytest
from django.core import mail
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_every_demo_login_reaches_its_role_home(page, live_server, demo):
    seen_roles = set()
    for email, _role_label, organisation in demo.logins:
        if email in seen_roles:
            continue  # a user with two memberships lands on the first one
        seen_roles.add(email)
        log_in(page, live_server.url, email, DEMO_PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
        role_line = page.get_by_test_id("home-role").inner_text()
        assert organisation in role_line, (email, role_line)
        check_accessibility(page, f"accueil-{email.split('@')[0]}")
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{live_server.url}/compte/connexion/")
    assert len(seen_roles) >= 7
    assert AuditEvent.objects.filter(code=AuditCode.LOGIN).count() == len(seen_roles)
    assert AuditEvent.objects.filter(code=AuditCode.LOGOUT).count() == len(seen_roles)


def test_wrong_password_shows_the_generic_french_message(page, live_server, demo):
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", "pas-le-bon")
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()
    check_accessibility(page, "connexion-erreur")
    assert AuditEvent.objects.filter(code=AuditCode.LOGIN_FAILED).count() == 1


def test_administrator_invites_a_member_and_reads_the_audit_log(page, live_server, demo):
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Structures")
    check_accessibility(page, "structures")
    page.get_by_role("link", name="CCAS de Dax").click()
    check_accessibility(page, "structure-detail")
    page.get_by_role("link", name="Inviter un membre").click()
    page.get_by_label("Adresse e-mail").fill("nouvelle.collegue@exemple.test")
    page.get_by_label("Prénom").fill("Lina")
    page.get_by_label("Nom", exact=True).fill("Bernard")
    page.get_by_label("Rôle").select_option(label="référent de parcours")
    check_accessibility(page, "invitation")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à nouvelle.collegue@exemple.test.")).to_be_visible()
    expect(page.get_by_role("cell", name="en attente")).to_be_visible()
    assert len(mail.outbox) == 1

    follow_menu(page, "Journal d'audit")
    expect(page.get_by_role("cell", name="invitation envoyée (221)")).to_be_visible()
    check_accessibility(page, "journal")

    follow_menu(page, "Territoires")
    check_accessibility(page, "territoires")


def test_user_with_two_memberships_switches_organisation(page, live_server, demo):
    log_in(page, live_server.url, "referent@landes.demo.jalon.test", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    before = page.get_by_test_id("home-role").inner_text()
    page.get_by_label("Vous agissez pour").select_option(index=1)
    page.get_by_role("button", name="Changer").click()
    after = page.get_by_test_id("home-role").inner_text()
    assert before != after
    assert "Chargé d'orientation" in before + after
    check_accessibility(page, "changement-structure")
