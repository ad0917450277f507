"""The person's own space shows their exit and its follow-up in employment, and their job offers."""

import datetime

import pytest
from django.urls import reverse

from jalon.employment.services import positioning_create
from jalon.exits.services import checkpoint_record, exit_record
from jalon.notebook.person_space.services import PERSON_SESSION_KEY
from tests.employment.conftest import TODAY


pytestmark = pytest.mark.django_db
HOME = reverse("person_space:home")


def _home_of(client, person) -> str:
    session = client.session
    session[PERSON_SESSION_KEY] = person.pk
    session.save()
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_sees_where_she_is_positioned_and_the_offers_of_her_project(world, client):
    applied = world.offer(title="Cariste de nuit")
    world.offer(title="Cariste polyvalent", commune=world.mdm)
    world.offer(title="Aide-soignant de jour", appellation=world.aide_soignant)
    positioning_create(actor=world.actor, offer=applied, person=world.person, today=TODAY)

    page = _home_of(client, world.person)

    assert 'data-testid="space-offers"' in page
    applications, offers = page.split("Mes candidatures")[1].split("Offres qui correspondent à mon projet")
    assert "Cariste de nuit" in applications and "proposée" in applications
    assert "Cariste polyvalent" in offers and "Cariste de nuit" not in offers
    assert "Aide-soignant" not in page  # not her project


def test_after_an_exit_to_employment_the_person_sees_it_and_her_points_not_the_offers(world, client):
    world.offer(title="Cariste polyvalent")
    exit = exit_record(
        actor=world.actor,
        person=world.person,
        exit_type=world.type("cdi"),
        exited_on=datetime.date(2026, 6, 1),
        contract="cdi",
        job_title="Cariste",
        employer_name="Conserverie Lafitte",
        today=TODAY,
    )
    checkpoint_record(
        actor=world.actor,
        exit=exit,
        months=1,
        done_on=datetime.date(2026, 7, 2),
        still_employed=True,
        same_employer=True,
        comment="tout va bien, l'équipe l'apprécie",
        today=TODAY,
    )

    page = _home_of(client, world.person)

    assert 'data-testid="space-exit"' in page
    assert "terminé le 1 juin 2026 : CDI, Cariste chez Conserverie Lafitte" in page
    assert "fait le 2 juillet 2026" in page and "à venir" in page
    assert "l'équipe l'apprécie" not in page  # what the professional wrote stays theirs
    assert 'data-testid="space-offers"' not in page
