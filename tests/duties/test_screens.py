import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.duties.models import Failure
from jalon.duties.person_space import person_space_panel
from jalon.notebook.carnet.selectors import notebook_timeline
from tests.duties.conftest import TODAY, at
from tests.duties.test_services import decide, invited


pytestmark = pytest.mark.django_db


def test_the_referent_records_a_failure_with_a_file_from_the_screen(world, login_as):
    client = login_as(world.referent)
    url = reverse("duties:record", args=[world.person.pk])
    with at(TODAY):
        assert client.get(url).status_code == 200
        with open(__file__, "rb") as handle:  # a Python file is no evidence: refused, nothing written
            response = client.post(
                url,
                {"duty": "heures", "occurred_on": "2026-03-01", "evidence_text": "Aucune heure.", "evidence": handle},
            )
    assert "pas accepté comme pièce justificative" in response.content.decode()
    assert not Failure.objects.exists()
    with at(TODAY):
        response = client.post(url, {"duty": "heures", "occurred_on": "2026-03-01", "evidence_text": "Aucune heure."})
    assert response.status_code == 302 and Failure.objects.get().duty == "heures"


def test_the_departement_list_shows_the_procedures_by_state_and_writes_an_audit_event(world, login_as):
    failure = invited(world)
    client = login_as(world.officer)
    with at(TODAY + datetime.timedelta(days=11)):
        response = client.get(reverse("duties:list"), {"etat": "a_decider"})
    assert "DURAND Léa" in response.content.decode()
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, data__screen="droits et devoirs : a_decider").get()
    assert event.data["persons"] == [failure.person_id]


def test_a_partner_administrator_does_not_reach_the_departements_screens(world, login_as):
    failure = invited(world)
    client = login_as(world.partner_admin)
    for url in (reverse("duties:list"), reverse("duties:decide", args=[failure.pk]), reverse("duties:exports")):
        assert client.get(url).status_code == 404


def test_the_steps_are_in_the_carnet_timeline_and_the_persons_space(world):
    failure = invited(world)
    decision = decide(world, failure)
    events = notebook_timeline(actor=world.referent_actor, notebook=world.notebook, kinds=["droits_devoirs"])
    # The failure and the invitation fall on the same day: their order is not the point.
    assert {event["title"] for event in events} == {
        "Décision : suspension-remobilisation",
        "Invitation à présenter ses observations",
        "Manquement constaté : rendez-vous manqué sans motif légitime",
    }
    panel = person_space_panel(person=world.person)
    assert panel["template"] == "duties/person_space_panel.html" and panel["failures"][0].decision == decision


def test_the_administrator_narrows_the_bounds_within_the_decret_and_a_decision_must_keep_to_them(world, login_as):
    from jalon.duties.models import DutySettings
    from jalon.duties.services import SETTING_FIELDS

    client = login_as(world.admin)
    url = reverse("duties:settings")
    page = client.get(url).content.decode()
    assert "Les valeurs ci-dessous sont celles du décret." in page
    values = {name: getattr(DutySettings(), name) for name in SETTING_FIELDS}
    widened = client.post(url, {**values, "first_max_months": 3})  # beyond the décret's two months
    assert "inférieure ou égale à 2" in widened.content.decode()
    inverted = client.post(url, {**values, "first_min_rate": 60, "first_max_rate": 50})
    assert "ne peut pas être inférieur" in inverted.content.decode()
    assert not DutySettings.objects.exists()  # nothing saved on bad input

    assert client.post(url, {**values, "first_min_rate": 50}).status_code == 302
    assert DutySettings.objects.get(departement=world.departement).first_min_rate == 50
    event = AuditEvent.objects.get(code=AuditCode.DUTY_SETTINGS_CHANGED)
    assert event.data["old"] == {"first_min_rate": 30} and event.data["new"] == {"first_min_rate": 50}
    # A decision below the Département's own minimum is now refused.
    failure = invited(world)
    with pytest.raises(Exception, match="50"):
        decide(world, failure, on=TODAY + datetime.timedelta(days=30), rate=40)


def test_a_partner_administrator_or_an_officer_does_not_reach_the_bounds(world, login_as):
    for membership in (world.partner_admin, world.officer):
        assert login_as(membership).get(reverse("duties:settings")).status_code == 404
