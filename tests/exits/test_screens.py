import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.exits.models import Exit
from jalon.exits.services import exit_record


pytestmark = pytest.mark.django_db


def test_the_referent_ends_a_path_from_the_carnet_and_bad_input_is_refused(world, login_as):
    client = login_as(world.referent)
    url = reverse("exits:create", kwargs={"person_pk": world.person.pk})
    page = client.get(reverse("exits:person", kwargs={"person_pk": world.person.pk}))
    assert "Terminer le parcours" in page.content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=world.person.pk).exists()
    refused = client.post(url, {"exited_on": "2030-01-01"})
    content = refused.content.decode()
    assert refused.status_code == 200 and "Choisissez le type de sortie." in content
    assert "ne peut pas être dans le futur" in content
    assert not Exit.objects.exists()
    done = client.post(
        url,
        {
            "exit_type": world.type("cdi").pk,
            "exited_on": (timezone.localdate() - datetime.timedelta(days=40)).isoformat(),
            "employer_name": "Conserverie des Landes",
            "employer_siret": "732 829 320 00074",
        },
    )
    assert done.status_code == 302
    exit = Exit.objects.get()
    assert exit.employer_siret == "73282932000074"
    # The carnet says the path is closed and takes no more writes (its write screens answer 404).
    carnet = client.get(reverse("notebook:detail", kwargs={"person_pk": world.person.pk})).content.decode()
    assert "Parcours clos le" in carnet
    assert client.get(reverse("notebook:freins", kwargs={"person_pk": world.person.pk})).status_code == 404
    # The follow-up list shows the overdue 1-month point; the CSV has it too.
    listing = client.get(reverse("exits:follow_up")).content.decode()
    assert "Durand".upper() in listing and "1 mois" in listing
    # Month by month: the heading of the month the 1-month point was due.
    due = exit.checkpoints.get(months=1).due_on
    assert f'colspan="5">{date_format(due, "F Y").capitalize()}</th>' in listing
    csv = b"".join(client.get(reverse("exits:follow_up_csv")).streaming_content).decode()
    assert "Conserverie des Landes" in csv
    # Recording the point, then reopening the path.
    point = client.post(
        reverse("exits:checkpoint", kwargs={"pk": exit.pk, "months": 1}),
        {"done_on": timezone.localdate().isoformat(), "still_employed": "oui", "same_employer": "oui"},
    )
    assert point.status_code == 302 and exit.checkpoints.get(months=1).still_employed
    reopened = client.post(reverse("exits:reopen", kwargs={"pk": exit.pk}), {"reason": "fin du contrat"})
    assert reopened.status_code == 302
    exit.refresh_from_db()
    assert exit.reopened_on == timezone.localdate()


def test_an_organisation_that_does_not_follow_the_person_gets_404(world, login_as):
    client = login_as(world.outsider)
    assert client.get(reverse("exits:create", kwargs={"person_pk": world.person.pk})).status_code == 404
    assert client.post(reverse("exits:create", kwargs={"person_pk": world.person.pk}), {}).status_code == 404


def test_the_api_lists_and_creates_exits_and_checkpoints(world, login_as):
    client = login_as(world.referent)
    url = reverse("api:person_exits", kwargs={"pk": world.person.pk})
    refused = client.post(url, {"exit_type": "cdi", "exited_on": "2026-01-01"}, content_type="application/json")
    assert refused.status_code == 400 and "précéder la première orientation" in str(refused.json())
    created = client.post(
        url,
        {"exit_type": "cdi", "exited_on": "2026-06-01", "employer_name": "Conserverie"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["is_positive"] and len(created.json()["checkpoints"]) == 4
    assert client.get(url).json()[0]["exit_type"] == "cdi"
    points = reverse("api:exit_checkpoints", kwargs={"pk": created.json()["id"]})
    answer = client.post(
        points,
        {"months": 1, "done_on": "2026-07-02", "still_employed": True, "same_employer": True},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["still_employed"] is True
    other = exit_record(
        actor=world.actor,
        person=world.other_person,
        exit_type=world.type("formation"),
        exited_on=datetime.date(2026, 6, 1),
    )
    no_follow_up = client.post(
        reverse("api:exit_checkpoints", kwargs={"pk": other.pk}),
        {"months": 1, "done_on": "2026-07-02", "still_employed": True},
        content_type="application/json",
    )
    assert no_follow_up.status_code == 400 and "pas sortie vers l'emploi" in str(no_follow_up.json())


def test_the_daily_command(world, capsys):
    from django.core.management import call_command

    call_command("exits_daily", "--date", "2026-12-01")
    assert "0 sortie(s) proposée(s)" in capsys.readouterr().out
