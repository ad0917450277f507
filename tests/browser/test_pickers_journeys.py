"""A pick-list that follows another field: choosing the structure leaves only its référents to choose from."""

import pytest
from django.urls import reverse

from jalon.demo.builder import DEMO_PASSWORD
from jalon.orientation.models import ReferentAssignment
from tests.browser.conftest import check_accessibility, log_in


pytestmark = [pytest.mark.browser]


def test_the_referent_list_follows_the_chosen_structure(page, live_server, demo):
    assignment = ReferentAssignment.objects.current().filter(person__departement_id="40").order_by("pk").first()
    log_in(page, live_server.url, "orientation@landes.demo.jalon.test", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("orientation:change_referent", args=[assignment.person_id]))
    referents = page.locator("#id_referent option[data-filter-values]")
    everyone = referents.count()
    page.locator("#id_organisation").select_option(str(assignment.organisation_id))
    offered = page.locator("#id_referent option[data-filter-values]:not([hidden])")
    assert 0 < offered.count() < everyone
    values = offered.evaluate_all("options => options.map(o => o.dataset.filterValues.split(' '))")
    assert all(str(assignment.organisation_id) in structures for structures in values)
    check_accessibility(page, "changement-referent-liste-filtree")
