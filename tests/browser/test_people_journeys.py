import re

import pytest
from playwright.sync_api import expect

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.people.models import HouseholdMember, Person
from tests.browser.conftest import check_accessibility, follow_menu, log_in


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
    follow_menu(page, "Personnes")
    check_accessibility(page, "recherche-personnes")
    page.get_by_label("Nom ou prénom").fill(f"{person.last_name} {person.first_name}")
    page.locator("#content").get_by_role("button", name="Rechercher").click()
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
    follow_menu(page, "Imports")
    check_accessibility(page, "imports")
    page.get_by_role("link", name="flux-caf-40-2026-11.xml").click()
    expect(page.get_by_text("Import terminé")).to_be_visible()
    check_accessibility(page, "import-detail")

    follow_menu(page, "Doublons")
    check_accessibility(page, "doublons")
    page.get_by_role("link", name="Examiner").first.click()
    check_accessibility(page, "doublon-examen")
    page.get_by_text("Personnes distinctes : ne plus proposer").click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("marqués comme des personnes distinctes")).to_be_visible()
    assert AuditEvent.objects.filter(code=AuditCode.PERSONS_MARKED_DISTINCT).count() == 1


def test_administrator_imports_the_sample_spreadsheet(page, live_server, demo, settings):
    from pathlib import Path

    from jalon.intake.models import ImportRun

    sample = Path(settings.JALON_DEMO_DIR) / "export-iodas-40.csv"
    log_in(page, live_server.url, "admin@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Imports")
    page.get_by_role("link", name="Importer un tableur (CSV, XLSX)").click()
    check_accessibility(page, "tableur-depot")
    page.get_by_label("Fichier de bénéficiaires").set_input_files(str(sample))
    page.get_by_label("Profil d'import").select_option(label="Export IODAS")
    page.get_by_role("button", name="Déposer le fichier").click()
    expect(page.get_by_role("heading", name="Correspondance des colonnes")).to_be_visible()
    check_accessibility(page, "tableur-correspondance")
    page.get_by_role("button", name="Voir l'aperçu de l'import").click()
    expect(page.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    check_accessibility(page, "tableur-apercu")
    assert ImportRun.objects.get(kind="spreadsheet").status == "pending"  # the preview writes nothing
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("heading", name=re.compile("Import terminé"))).to_be_visible()
    check_accessibility(page, "tableur-rapport")
    run = ImportRun.objects.get(kind="spreadsheet")
    # 25 known persons matched, 4 new, the close name new or matched depending on the name drawn, 2 faulty rows.
    assert run.status == "done" and run.rejected == 2 and run.persons_created in (4, 5)
    assert run.persons_updated >= 25
