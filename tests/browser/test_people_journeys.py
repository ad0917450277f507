import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.people.models import HouseholdMember, Person
from tests.browser.conftest import check_accessibility, log_in


pytestmark = [pytest.mark.browser]


def test_referent_finds_a_person_and_opens_the_file(page, live_server, demo):
    person = (
        Person.objects.filter(
            pk__in=HouseholdMember.objects.current().filter(subject_to_rights_and_duties=True).values("person_id"),
            commune__territories__name="Territoire de Mont-de-Marsan",
        )
        .order_by("pk")
        .first()
    )
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Personnes", exact=True).first.click()
    check_accessibility(page, "recherche-personnes")
    page.get_by_label("Nom ou prénom").fill(f"{person.last_name} {person.first_name}")
    page.get_by_role("button", name="Rechercher").click()
    check_accessibility(page, "recherche-resultats")
    page.get_by_role("link", name=f"{person.last_name.upper()} {person.first_name}").first.click()
    assert (
        page.get_by_role("heading", level=1).inner_text().endswith(f"{person.last_name.upper()} {person.first_name}")
    )
    assert page.get_by_text("Historique des changements").count() >= 1
    assert page.get_by_test_id("nir").inner_text().count("•") == 0  # an administrator sees the whole NIR
    check_accessibility(page, "dossier-personne")
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person.pk).count() == 1

    page.get_by_role("link", name="Compléter les DSP").or_(
        page.get_by_role("link", name="Modifier les DSP")
    ).first.click()
    check_accessibility(page, "dsp")


def test_administrator_reads_the_import_report_and_resolves_a_duplicate(page, live_server, demo):
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Imports", exact=True).first.click()
    check_accessibility(page, "imports")
    page.get_by_role("link", name="flux-caf-40-2026-11.xml").click()
    expect(page.get_by_text("Import terminé")).to_be_visible()
    check_accessibility(page, "import-detail")

    page.get_by_role("link", name="Doublons", exact=True).first.click()
    check_accessibility(page, "doublons")
    page.get_by_role("link", name="Examiner").first.click()
    check_accessibility(page, "doublon-examen")
    page.get_by_text("Personnes distinctes : ne plus proposer").click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("marqués comme des personnes distinctes")).to_be_visible()
    assert AuditEvent.objects.filter(code=AuditCode.PERSONS_MARKED_DISTINCT).count() == 1
