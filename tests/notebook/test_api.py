import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.enums import FreinStatus, NoteVisibility
from jalon.notebook.models import Contact, FreinCategory, Note, NotebookFrein, Objective
from tests.api.factories import api_client_for
from tests.organisations.factories import MembershipFactory


def _client(membership) -> APIClient:
    return api_client_for(membership)


def _url(notebook, tail=""):
    return f"/api/v1/personnes/{notebook.person_id}/carnet/{tail}"


def test_the_referent_reads_the_carnet_without_other_organisations_private_notes(carnet):
    notebook, referent, partner = carnet
    frein = NotebookFrein.objects.create(
        notebook=notebook, category=FreinCategory.objects.first(), status=FreinStatus.NEED
    )
    Objective.objects.create(notebook=notebook, title="Passer le permis", frein=frein)
    Note.objects.create(
        notebook=notebook, organisation=referent.organisation, visibility=NoteVisibility.PRIVATE, text="à nous"
    )
    Note.objects.create(
        notebook=notebook, organisation=partner.organisation, visibility=NoteVisibility.PRIVATE, text="secret"
    )
    Note.objects.create(
        notebook=notebook, organisation=partner.organisation, visibility=NoteVisibility.SHARED, text="partagée"
    )
    answer = _client(referent).get(_url(notebook))
    assert answer.status_code == 200
    body = answer.json()
    assert body["person"] == notebook.person_id and body["version"] == notebook.version
    assert [row["status"] for row in body["freins"]] == [FreinStatus.NEED]
    assert [row["title"] for row in body["objectives"]] == ["Passer le permis"]
    assert sorted(note["text"] for note in body["notes"]) == ["partagée", "à nous"]
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=notebook.person_id).exists()


def test_outside_the_team_or_role_the_api_answers_404(carnet):
    notebook, _, partner = carnet
    assert _client(partner).get(_url(notebook)).status_code == 404
    assert _client(partner).post(_url(notebook, "contacts/"), {}, format="json").status_code == 404
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=partner.organisation)
    assert _client(pilot).get(_url(notebook)).status_code == 404


@pytest.mark.django_db
def test_a_partner_system_logs_a_contact_plans_an_appointment_and_sets_an_objective(carnet):
    notebook, referent, _ = carnet
    client = _client(referent)
    today = timezone.localdate()

    bad = client.post(
        _url(notebook, "contacts/"),
        {"occurred_on": str(today + datetime.timedelta(days=1)), "kind": "telephone", "summary": "Appel"},
        format="json",
    )
    assert bad.status_code == 400 and "futur" in str(bad.json()["errors"]["occurred_on"])
    assert not Contact.objects.exists()
    done = client.post(
        _url(notebook, "contacts/"),
        {"occurred_on": str(today), "kind": "telephone", "summary": "Appel"},
        format="json",
    )
    assert done.status_code == 201 and done.json()["kind"] == "telephone"
    notebook.refresh_from_db()
    assert notebook.last_contact_on == today

    starts = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    planned = client.post(
        _url(notebook, "rendez-vous/"),
        {
            "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
            "mode": "sur_place",
            "channels": [],
        },
        format="json",
    )
    assert planned.status_code == 201, planned.json()
    backwards = client.post(
        _url(notebook, "rendez-vous/"),
        {"starts_at": starts.isoformat(), "ends_at": starts.isoformat(), "mode": "sur_place", "channels": []},
        format="json",
    )
    assert backwards.status_code == 400 and "ends_at" in backwards.json()["errors"]

    unlinked = client.post(_url(notebook, "objectifs/"), {"title": "Trouver un emploi"}, format="json")
    assert unlinked.status_code == 400 and "frein ou à un projet" in str(unlinked.json())
    frein = NotebookFrein.objects.create(notebook=notebook, category=FreinCategory.objects.first())
    stale = client.post(
        _url(notebook, "objectifs/"), {"title": "Permis", "frein": frein.pk, "version": 1}, format="json"
    )
    assert stale.status_code == 400 and "modifié par quelqu'un d'autre" in str(stale.json())
    created = client.post(_url(notebook, "objectifs/"), {"title": "Permis", "frein": frein.pk}, format="json")
    assert created.status_code == 201 and created.json()["frein"] == frein.pk
    assert list(Objective.objects.values_list("title", flat=True)) == ["Permis"]
    assert AuditEvent.objects.filter(code=AuditCode.OBJECTIVE_CREATED, person_id=notebook.person_id).exists()
