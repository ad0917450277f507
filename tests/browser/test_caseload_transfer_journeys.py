"""A territory's manager hands a référent's people over to a colleague before a leave: all but one, in one go; the
colleague finds them in her inbox."""

import re

import pytest
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from jalon.inbox.enums import NotificationKind
from jalon.inbox.models import Notification
from jalon.orientation.models import ReferentAssignment
from tests.browser.conftest import check_accessibility, follow_menu, log_in


pytestmark = [pytest.mark.browser]


def test_a_manager_transfers_a_referents_people_to_a_colleague(page, live_server, demo):
    log_in(page, live_server.url, "manager@landes.demo.jalon.test", DEMO_PASSWORD)
    follow_menu(page, "Portefeuilles des référents")
    first_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("Transférer"))).first
    leaving = first_row.locator("td").first.inner_text().strip()
    first_row.get_by_role("link", name=re.compile("Transférer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Transférer le portefeuille de {leaving}")
    check_accessibility(page, "transfert-portefeuille")
    boxes = page.locator("input[name=persons]")
    count = boxes.count()
    assert count >= 2
    kept_pk = int(boxes.first.get_attribute("value"))
    page.locator(f"label[for='{boxes.first.get_attribute('id')}']").click()  # this one stays
    colleague = page.get_by_label("Confier à").locator("option").nth(1)
    colleague_name = colleague.inner_text().strip()
    page.get_by_label("Confier à").select_option(colleague.get_attribute("value"))
    page.get_by_label("Motif du transfert").fill("congé de longue durée")
    page.get_by_role("button", name="Transférer").click()
    expect(page.get_by_text(f"{count - 1} personnes confiées à {colleague_name}.")).to_be_visible()

    kept = ReferentAssignment.objects.current().get(person_id=kept_pk)
    assert kept.referent.get_full_name() == leaving
    moved = ReferentAssignment.objects.current().filter(reason="congé de longue durée")
    assert moved.count() == count - 1 and {a.referent.get_full_name() for a in moved} == {colleague_name}
    assert Notification.objects.filter(
        recipient=moved.first().referent, kind=NotificationKind.CASELOAD_TRANSFERRED
    ).exists()
