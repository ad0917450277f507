"""The employment room's API: job offers (search, publish, edit), positionings and entries into training, with the
screens' reach (forbidden answers 404), the services' French messages (400, nothing written) and their audit."""

import datetime

import pytest
import schemathesis
import time_machine

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.employers.services import employer_create
from jalon.employment.api import UNKNOWN_EMPLOYER
from jalon.employment.models import JobOffer, Positioning, TrainingEntry
from jalon.employment.services import positioning_create, training_record
from jalon.notebook.models import Consent, TeamMember
from jalon.wsgi import application
from tests.api.conftest import keep_connection  # noqa: F401  (a fixture)
from tests.api.factories import api_client_for, api_token_for
from tests.api.test_schemathesis import CHECKS
from tests.conftest import actor_for
from tests.employment.conftest import SIRET, TODAY


pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/offres-emploi/"
NO_ROME = "Une offre sans code ROME est refusée : choisissez le métier dans le référentiel ROME."


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC), tick=False):
        yield


def _offer_body(world, **overrides):
    return {
        "employer_name": "Conserverie Lafitte",
        "employer_siret": SIRET,
        "employer_commune": "40192",
        "appellation": world.cariste.code,
        "contract": "cdd",
        "duration_months": 6,
        "weekly_hours": "35",
        "commune": "40088",
        "published_on": "2026-11-20",
        **overrides,
    }


def _events(code) -> int:
    return AuditEvent.objects.filter(code=code).count()


# --- job offers -------------------------------------------------------------------------------------------------


def test_an_offer_without_rome_appellation_is_refused_in_french_and_nothing_is_written(world):
    client = api_client_for(world.cd_admin)

    answer = client.post(OFFERS, _offer_body(world, appellation="", weekly_hours="60"), format="json")

    assert answer.status_code == 400
    assert answer.json()["errors"]["appellation"] == [NO_ROME]
    assert answer.json()["errors"]["weekly_hours"] == ["La durée hebdomadaire va de 1 à 48 heures (maximum légal)."]
    assert not JobOffer.objects.exists()
    # An unknown job or commune is named as on the screens.
    answer = client.post(OFFERS, _offer_body(world, appellation="Dompteur", commune="99999"), format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "appellation": ["Métier introuvable dans le ROME : « Dompteur »."],
        "commune": ["Commune inconnue : 99999 (code INSEE à 5 caractères)."],
    }
    assert not JobOffer.objects.exists()


def test_publish_an_offer_through_the_service_with_its_audit_event(world):
    answer = api_client_for(world.referent).post(OFFERS, _offer_body(world, appellation="Cariste"), format="json")

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    offer = JobOffer.objects.get()
    assert body["id"] == offer.pk and body["rome"] == "N1103" and body["appellation"] == world.cariste.code
    assert (body["status"], body["commune"], body["employer"], body["positionings"]) == ("ouverte", "40088", None, [])
    assert offer.organisation == world.agency and offer.published_on == datetime.date(2026, 11, 20)
    assert _events(AuditCode.JOB_OFFER_PUBLISHED) == 1


def test_an_offer_for_a_directory_employer_takes_its_name_siret_and_commune(world):
    employer = employer_create(
        actor=actor_for(world.cd_admin), siret=SIRET, name="Conserverie Lafitte (annuaire)", naf_code="10.39B",
        commune=world.aire,
    )  # fmt: skip
    client = api_client_for(world.cd_admin)
    body = _offer_body(world, employer=employer.pk, employer_name="", employer_siret="", employer_commune="")

    answer = client.post(OFFERS, body, format="json")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["employer"] == employer.pk
    assert (answer.json()["employer_name"], answer.json()["employer_siret"]) == (
        "Conserverie Lafitte (annuaire)",
        SIRET,
    )
    assert answer.json()["employer_commune"] == world.aire.code
    detail = client.get(f"{OFFERS}{answer.json()['id']}/").json()
    assert detail["employer"] == employer.pk
    # An id that is not in the département's directory is refused, nothing written.
    refused = client.post(OFFERS, body | {"employer": employer.pk + 1000}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {"employer": [UNKNOWN_EMPLOYER]}
    assert JobOffer.objects.count() == 1


def test_the_offers_are_searched_by_rome_commune_and_status_and_paginated(world):
    world.offer()
    world.offer(appellation=world.aide_soignant, commune=world.mdm, employer_name="Clinique des Pins")
    closed = world.offer(employer_name="Scierie fermée")
    JobOffer.objects.filter(pk=closed.pk).update(status="close")
    client = api_client_for(world.referent)

    def names(**query):
        answer = client.get(OFFERS, query)
        assert answer.status_code == 200, answer.json()
        return sorted(offer["employer_name"] for offer in answer.json()["results"])

    assert names() == ["Clinique des Pins", "Conserverie Lafitte"]  # open offers by default, as on the screens
    assert names(rome="N1103") == ["Conserverie Lafitte"]
    assert names(rome="soignant") == ["Clinique des Pins"]
    assert names(commune="40192") == ["Clinique des Pins"]
    assert names(statut="close") == ["Scierie fermée"]
    assert names(statut="toutes") == ["Clinique des Pins", "Conserverie Lafitte", "Scierie fermée"]
    page = client.get(OFFERS, {"statut": "toutes", "limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and "offset=2" in page["next"]
    assert len(client.get(OFFERS, {"statut": "toutes", "limit": 2, "offset": 2}).json()["results"]) == 1
    unknown = client.get(OFFERS, {"commune": "99999"})
    assert unknown.status_code == 400
    assert unknown.json() == {"commune": ["Commune inconnue : 99999 (code INSEE à 5 caractères)."]}


def test_an_offer_shows_the_positionings_one_may_see_and_audits_them(world):
    offer = world.offer()
    positioning = _position(world, offer)
    before = _events(AuditCode.PERSON_VIEWED)

    detail = api_client_for(world.referent).get(f"{OFFERS}{offer.pk}/").json()

    assert [p["id"] for p in detail["positionings"]] == [positioning.pk]
    assert detail["positionings"][0]["person"] == world.person.pk
    assert detail["positionings"][0]["next_statuses"] == ["candidature", "non_retenu"]
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).latest("pk")
    assert _events(AuditCode.PERSON_VIEWED) == before + 1 and event.data["persons"] == [world.person.pk]
    # Another organisation reads the offer, not the person positioned on it.
    other = api_client_for(world.outsider).get(f"{OFFERS}{offer.pk}/")
    assert other.status_code == 200 and other.json()["positionings"] == []
    assert "Durand" not in other.content.decode()


def test_only_who_may_edit_an_offer_changes_or_closes_it(world):
    offer = world.offer(actor=actor_for(world.cd_admin))
    url = f"{OFFERS}{offer.pk}/"

    # The agency did not publish it: as on the screens, there is nothing to edit (404), nothing written.
    assert api_client_for(world.referent).patch(url, {"status": "close"}, format="json").status_code == 404
    assert JobOffer.objects.get().status == "ouverte"
    client = api_client_for(world.cd_admin)
    refused = client.patch(url, {"weekly_hours": "0", "positions": 2}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"weekly_hours": ["La durée hebdomadaire va de 1 à 48 heures (maximum légal)."]}
    assert JobOffer.objects.get().positions == 1

    answer = client.patch(url, {"status": "pourvue", "positions": 2}, format="json")

    assert answer.status_code == 200, answer.json()
    offer.refresh_from_db()
    assert (offer.status, offer.ended_on, offer.positions) == ("pourvue", TODAY, 2)
    assert offer.appellation == world.cariste and offer.employer_name == "Conserverie Lafitte"  # the rest unchanged
    assert _events(AuditCode.JOB_OFFER_UPDATED) == 1


# --- positionings -----------------------------------------------------------------------------------------------


def _position(world, offer):
    answer = api_client_for(world.referent).post(
        f"/api/v1/personnes/{world.person.pk}/positionnements/", {"offer": offer.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    return Positioning.objects.get(pk=answer.json()["id"])


def test_position_a_person_once_and_read_her_positionings_audited(world):
    offer = world.offer()
    client = api_client_for(world.referent)
    url = f"/api/v1/personnes/{world.person.pk}/positionnements/"

    answer = client.post(url, {"offer": offer.pk, "comment": "Profil adapté"}, format="json")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "proposee" and answer.json()["steps"][0]["comment"] == "Profil adapté"
    assert _events(AuditCode.POSITIONING_CREATED) == 1
    twice = client.post(url, {"offer": offer.pk}, format="json")
    assert twice.status_code == 400
    assert twice.json()["errors"]["__all__"] == [
        "Cette personne est déjà positionnée sur cette offre (statut : proposée)."
    ]
    unknown = client.post(url, {"offer": offer.pk + 1000}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"] == {"offer": ["Offre d'emploi inconnue."]}
    assert Positioning.objects.count() == 1
    before = _events(AuditCode.PERSON_VIEWED)
    listing = client.get(url)
    assert [p["offer"] for p in listing.json()] == [offer.pk]
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=world.person.pk).count() == before + 1


def test_an_organisation_that_does_not_follow_the_person_finds_nothing(world):
    offer = world.offer()
    positioning = _position(world, offer)
    training = TrainingEntry.objects.create(
        person=world.person, provider="AFPA", title="Cariste", starts_on=TODAY, funding="region",
        organisation=world.agency,
    )  # fmt: skip
    client = api_client_for(world.outsider)
    events = AuditEvent.objects.count()
    person = f"/api/v1/personnes/{world.person.pk}"

    assert client.get(f"{person}/positionnements/").status_code == 404
    assert client.post(f"{person}/positionnements/", {"offer": offer.pk}, format="json").status_code == 404
    assert client.get(f"{person}/formations/").status_code == 404
    assert client.post(f"{person}/formations/", {"provider": "AFPA"}, format="json").status_code == 404
    assert client.get(f"/api/v1/positionnements/{positioning.pk}/").status_code == 404
    move = client.patch(f"/api/v1/positionnements/{positioning.pk}/", {"status": "candidature"}, format="json")
    assert move.status_code == 404
    outcome = client.patch(f"/api/v1/formations/{training.pk}/", {"outcome": "terminee"}, format="json")
    assert outcome.status_code == 404
    assert AuditEvent.objects.count() == events  # no read, no write
    assert Positioning.objects.get().status == "proposee" and TrainingEntry.objects.get().outcome == ""


def test_a_team_member_under_consent_reads_the_positionings_but_does_not_write_them(world):
    offer = world.offer()
    _position(world, offer)
    notebook = world.person.notebook
    outsider = world.outsider
    TeamMember.objects.create(notebook=notebook, user=outsider.user, organisation=outsider.organisation, role="ACI")
    Consent.objects.create(notebook=notebook, organisation=outsider.organisation)
    client = api_client_for(outsider)
    person = f"/api/v1/personnes/{world.person.pk}"

    assert [p["offer"] for p in client.get(f"{person}/positionnements/").json()] == [offer.pk]
    # Only an organisation that follows the person writes her path, as on the screens.
    other = world.offer(employer_name="Clinique des Pins", appellation=world.aide_soignant)
    assert client.post(f"{person}/positionnements/", {"offer": other.pk}, format="json").status_code == 404
    body = {"provider": "AFPA", "title": "Cariste", "starts_on": "2026-09-01", "funding": "cpf"}
    assert client.post(f"{person}/formations/", body, format="json").status_code == 404
    assert Positioning.objects.count() == 1 and not TrainingEntry.objects.exists()


def test_a_positioning_moves_along_its_loop_only(world):
    positioning = _position(world, world.offer())
    client = api_client_for(world.referent)
    url = f"/api/v1/positionnements/{positioning.pk}/"

    skipped = client.patch(url, {"status": "embauche"}, format="json")

    assert skipped.status_code == 400
    assert skipped.json()["errors"]["status"] == [
        "Un positionnement « proposée » ne peut pas passer à « embauché(e) » : seulement à « candidature envoyée », "
        + "« non retenu(e) »."
    ]
    future = client.patch(url, {"status": "candidature", "on": "2026-12-24"}, format="json")
    assert future.json()["errors"] == {"on": ["La date ne peut pas être dans le futur."]}
    assert Positioning.objects.get().status == "proposee"
    for step in ("candidature", "entretien", "embauche"):
        answer = client.patch(url, {"status": step}, format="json")
        assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["hired_on"], body["exit_suggestion"], body["next_statuses"]) == (
        "embauche",
        "2026-12-01",
        "proposee",
        [],
    )
    assert [step["status"] for step in body["steps"]] == ["proposee", "candidature", "entretien", "embauche"]
    assert JobOffer.objects.get().status == "pourvue"  # its only position is taken
    assert _events(AuditCode.POSITIONING_STATUS_CHANGED) == 3
    ended = client.patch(url, {"status": "non_retenu"}, format="json")
    assert ended.status_code == 400 and "il est terminé" in ended.json()["errors"]["status"][0]


# --- entries into training --------------------------------------------------------------------------------------


def test_record_a_training_and_its_outcome_which_proposes_an_exit(world):
    client = api_client_for(world.referent)
    url = f"/api/v1/personnes/{world.person.pk}/formations/"
    body = {"provider": "AFPA", "title": "Titre professionnel cariste", "certifying": True, "funding": "region"}

    refused = client.post(url, body | {"starts_on": "2026-11-10", "ends_on": "2026-11-01"}, format="json")

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "level": ["Indiquez le niveau de la certification préparée."],
        "ends_on": ["La fin prévue ne peut pas précéder l'entrée en formation."],
    }
    assert not TrainingEntry.objects.exists()
    created = client.post(url, body | {"level": "3", "starts_on": "2026-09-01"}, format="json")
    assert created.status_code == 201, created.json()
    assert _events(AuditCode.TRAINING_RECORDED) == 1
    assert [t["title"] for t in client.get(url).json()] == ["Titre professionnel cariste"]

    training_url = f"/api/v1/formations/{created.json()['id']}/"
    early = client.patch(training_url, {"outcome": "certifiee", "outcome_on": "2026-08-01"}, format="json")
    assert early.json()["errors"] == {
        "outcome_on": ["La date ne peut pas précéder l'entrée en formation (01/09/2026)."]
    }
    done = client.patch(training_url, {"outcome": "certifiee"}, format="json")

    assert done.status_code == 200, done.json()
    assert (done.json()["outcome"], done.json()["outcome_on"], done.json()["exit_suggestion"]) == (
        "certifiee",
        "2026-12-01",
        "proposee",
    )
    assert _events(AuditCode.TRAINING_OUTCOME_RECORDED) == 1
    again = client.patch(training_url, {"outcome": "abandonnee"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["__all__"] == [
        "L'issue de cette formation est déjà enregistrée (certification obtenue)."
    ]


# --- the schema -------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("keep_connection")
def test_every_answer_on_real_records_is_within_the_schema(world):
    """The small demo of tests/api has no job offer: real offers, positionings and trainings are checked here."""
    # Through the services: the test client would put back what `keep_connection` takes off.
    offer = world.offer()
    positioning = positioning_create(actor=world.actor, offer=offer, person=world.person)
    training = training_record(
        actor=world.actor, person=world.person, provider="AFPA", title="Cariste", certifying=False,
        starts_on=datetime.date(2026, 9, 1), funding="cpf",
    )  # fmt: skip
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Bearer {api_token_for(world.referent)[1]}"}
    person = {"id": world.person.pk}
    calls = [
        ("/api/v1/offres-emploi/", "GET", {}, None),
        ("/api/v1/offres-emploi/{id}/", "GET", {"id": offer.pk}, None),
        ("/api/v1/personnes/{id}/positionnements/", "GET", person, None),
        ("/api/v1/positionnements/{id}/", "PATCH", {"id": positioning.pk}, {"status": "candidature"}),
        ("/api/v1/personnes/{id}/formations/", "GET", person, None),
        ("/api/v1/formations/{id}/", "PATCH", {"id": training.pk}, {"outcome": "abandonnee"}),
        ("/api/v1/formations/{id}/", "PATCH", {"id": training.pk}, {"outcome": "terminee"}),  # refused: 400
    ]
    for path, method, parameters, body in calls:
        operation = schema[path][method]
        case = (
            operation.Case(path_parameters=parameters)
            if body is None
            else operation.Case(path_parameters=parameters, body=body, media_type="application/json")
        )
        response = case.call(headers=headers)
        assert response.status_code in (200, 400), (path, response.status_code)
        case.validate_response(response, checks=CHECKS)  # raises if the answer breaks the declared schema
