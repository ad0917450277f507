"""The year's counts reach the observatory as drafts of its entered indicators J50–J53, through its own service."""

import datetime
import html
import json
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from jalon.observatory.entered.models import EnteredValue
from jalon.observatory.services import catalogue_load
from jalon.participation import services
from tests.participation.factories import at, participation_build


pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "jalon" / "observatory" / "catalogue.json"


def test_the_catalogue_defines_the_participation_indicators_as_entered():
    entries = {entry["code"]: entry for entry in json.loads(CATALOGUE.read_text(encoding="utf-8"))}
    for code in services.COUNTED_INDICATORS:
        assert (entries[code]["seed"], entries[code]["source"]) == ("jalon", "saisi")


def test_the_pilot_reports_a_closed_year_as_drafts(login_as):
    catalogue_load()
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        world = participation_build()
        meeting = services.meeting_save(
            actor=world.actor("pilot"),
            body=world.committee,
            held_at=at(datetime.date(2026, 2, 3)),
            place="SDSEI",
            agenda="Accueil",
            now=at(datetime.date(2026, 3, 1)),
        )
    services.attendance_record(
        actor=world.actor("pilot"),
        meeting=meeting,
        statuses={world.members[0].pk: "present"},
        now=at(datetime.date(2026, 3, 1)),
    )
    url = reverse("participation:counts_report")
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        assert login_as(world.memberships["manager"]).post(url, {"year": 2025}).status_code == 404
        assert login_as(world.memberships["partner_admin"]).post(url, {"year": 2025}).status_code == 404
        refused = login_as(world.memberships["pilot"]).post(url, {"year": 2026}, follow=True)
        assert "Choisissez une année terminée" in html.unescape(refused.content.decode())
        assert not EnteredValue.objects.exists()
    with time_machine.travel(datetime.datetime(2027, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        response = login_as(world.memberships["pilot"]).post(url, {"year": 2026}, follow=True)

    values = dict(EnteredValue.objects.values_list("indicator__code", "value"))
    assert values == {"J50": 2.0, "J51": 1.0, "J52": 0.0, "J53": 0.0}
    assert set(EnteredValue.objects.values_list("status", flat=True)) == {"brouillon"}
    assert "reportés dans l'observatoire (J50, J51, J52, J53)" in html.unescape(response.content.decode())
