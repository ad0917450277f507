"""The screens of the entered indicators: the list of values to enter (late first, CSV), the form with its file,
the validation queue, a value's page, the history, the owners' setup; a non-owner gets 404 and writes nothing."""

import io

import pytest
from django.urls import reverse

from jalon.core.navigation import navigation_for
from jalon.observatory.entered.enums import EntryStatus
from jalon.observatory.entered.models import EnteredValue, EntrySetup
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import IndicatorValue
from tests.observatory.entered_fixtures import TODAY, pdf
from tests.orientation.delays.conftest import on


pytestmark = pytest.mark.django_db

FORM = reverse("observatory:entered_form", args=["L36", "2026-T1"])


def post_value(client, value="5 200", action="soumettre", **extra):
    data = {"territory": "departement:40", "value": value, "comment": "Extranet IAE", "action": action, **extra}
    return client.post(FORM, data)


def test_the_owner_enters_from_the_list_and_the_pilot_validates_from_the_queue(people, hours, login_as):
    with on(TODAY):
        client = login_as(people.partner)
        page = client.get(reverse("observatory:entered_list")).content.decode()
        assert "L36" in page and "en retard" in page and "L48" not in page  # only what the partner owns
        assert client.get(FORM).status_code == 200
        response = post_value(client, evidence=pdf())
        entry = EnteredValue.objects.get()
        assert response.status_code == 302 and response.url == reverse("observatory:entered_detail", args=[entry.pk])
        assert entry.status == EntryStatus.SUBMITTED and entry.value == 5200
        download = client.get(reverse("observatory:entered_evidence", args=[entry.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

        pilot = login_as(people.pilot)
        queue = pilot.get(reverse("observatory:entered_queue")).content.decode()
        assert "L36 — T1 2026" in queue
        detail = pilot.get(reverse("observatory:entered_detail", args=[entry.pk])).content.decode()
        assert "Valider et publier" in detail
        assert pilot.post(reverse("observatory:entered_validate", args=[entry.pk])).status_code == 302
        assert IndicatorValue.objects.get(indicator=hours.indicator).value == 5200
        page = pilot.get(reverse("observatory:indicator", args=["L36"])).content.decode()
        assert "Valeurs validées" in page and "5200" in page
        history = pilot.get(reverse("observatory:entered_history", args=["L36"])).content.decode()
        assert "validée" in history and "soumise à validation" in history


@pytest.mark.parametrize(
    ("value", "extra", "message"),
    [
        ("-4", {"evidence": "pdf"}, "ne peut pas être négative"),
        ("12,5", {"evidence": "pdf"}, "sans décimale"),
        ("cinq", {"evidence": "pdf"}, "Saisissez un nombre"),
        ("5200", {}, "demande un justificatif"),
    ],
)
def test_the_form_refuses_bad_input_in_french_and_keeps_nothing(people, hours, login_as, value, extra, message):
    extra = {key: pdf() if item == "pdf" else item for key, item in extra.items()}
    with on(TODAY):
        response = post_value(login_as(people.partner), value, **extra)
    assert response.status_code == 200 and message in response.content.decode()
    assert not EnteredValue.objects.exists()


def test_a_future_period_is_refused_on_the_form(people, hours, login_as):
    with on(TODAY):
        url = reverse("observatory:entered_form", args=["L36", "2026-T2"])
        response = login_as(people.partner).post(
            url, {"territory": "departement:40", "value": "1", "action": "soumettre", "evidence": pdf()}
        )
    assert "n&#x27;est pas terminée" in response.content.decode()
    assert not EnteredValue.objects.exists()


def test_a_non_owner_finds_no_form_and_writes_nothing(people, hours, login_as):
    with on(TODAY):
        for name in ("caf", "admin"):
            client = login_as(getattr(people, name))
            assert client.get(FORM).status_code == 404
            assert post_value(client, evidence=pdf()).status_code == 404
            assert client.get(reverse("observatory:entered_history", args=["L36"])).status_code == 404
        assert login_as(people.caf).get(reverse("observatory:entered_list")).status_code == 404
        # A computed indicator has no entry form.
        url = reverse("observatory:entered_form", args=["P02", "2026-T1"])
        assert login_as(people.pilot).get(url).status_code == 404
    assert not EnteredValue.objects.exists()


def test_the_validation_queue_and_actions_are_the_pilots(people, hours, login_as):
    with on(TODAY):
        post_value(login_as(people.partner), evidence=pdf())
        entry = EnteredValue.objects.get()
        for name in ("analyst", "partner"):
            client = login_as(getattr(people, name))
            assert client.get(reverse("observatory:entered_queue")).status_code == 404
            assert client.post(reverse("observatory:entered_validate", args=[entry.pk])).status_code == 404
        # The partner sees its own value, without the validation buttons.
        page = login_as(people.partner).get(reverse("observatory:entered_detail", args=[entry.pk])).content.decode()
        assert "Valider et publier" not in page
        assert login_as(people.caf).get(reverse("observatory:entered_detail", args=[entry.pk])).status_code == 404
        pilot = login_as(people.pilot)
        empty = pilot.post(reverse("observatory:entered_send_back", args=[entry.pk]), {"reason": ""})
        assert "motif du renvoi est obligatoire" in empty.content.decode()
        pilot.post(reverse("observatory:entered_send_back", args=[entry.pk]), {"reason": "Il manque mars."})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SENT_BACK and entry.sent_back_reason == "Il manque mars."


def test_the_list_exports_as_csv_with_the_longest_overdue_first(people, hours, login_as):
    with on(TODAY):
        response = login_as(people.partner).get(reverse("observatory:entered_list_csv"))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Code;Indicateur;Période;Échéance;Statut")
    # Both late, the longest overdue first.
    assert lines[1].startswith("L36;") and ";T4 2025;30/01/2026;à saisir;oui;" in lines[1]
    assert ";T1 2026;30/04/2026;à saisir;oui;" in lines[2]


def test_the_departement_sets_the_owner_and_the_menu_follows(people, hours, login_as):
    caf_actor = people.actor("caf")
    assert "observatory:entered_list" not in [item.url_name for item in navigation_for(caf_actor)]
    assert "observatory:entered_list" in [item.url_name for item in navigation_for(people.actor("partner"))]
    with on(TODAY):
        client = login_as(people.admin)
        assert client.get(reverse("observatory:entered_setups")).status_code == 200
        response = client.post(
            reverse("observatory:entered_setup", args=["L36"]),
            {
                "owner": people.caf.organisation_id,
                "period_kind": PeriodKind.QUARTER,
                "deadline_days": "45",
                "reminder_days": "10",
                "evidence_required": "on",
                "starts_on": "2025-01-01",
            },
        )
        assert response.status_code == 302
        assert login_as(people.partner).get(FORM).status_code == 404
        assert login_as(people.caf).get(FORM).status_code == 200
        assert login_as(people.partner).get(reverse("observatory:entered_setups")).status_code == 404
    assert EntrySetup.objects.get(pk=hours.pk).deadline_days == 45
    assert "observatory:entered_list" in [item.url_name for item in navigation_for(caf_actor)]


def test_a_rate_form_says_percent(people, landes, login_as):
    with on(TODAY):
        page = login_as(people.pilot).get(reverse("observatory:entered_form", args=["L48", "2026-T1"]))
    assert "Valeur (en %)" in page.content.decode()


def test_the_evidence_file_is_kept_whole(people, hours, login_as):
    content = b"%PDF-1.4 " + b"x" * 5000
    with on(TODAY):
        client = login_as(people.partner)
        upload = io.BytesIO(content)
        upload.name = "rapport T1.pdf"
        post_value(client, evidence=upload)
        entry = EnteredValue.objects.get()
        response = client.get(reverse("observatory:entered_evidence", args=[entry.pk]))
    assert b"".join(response.streaming_content) == content
    assert 'filename="rapport T1.pdf"' in response["Content-Disposition"]
