import datetime

import pytest
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.employment import selectors
from jalon.employment.enums import ExitSuggestion, OfferStatus, PositioningStatus
from jalon.employment.models import JobOffer, Positioning, PositioningStep, TrainingEntry
from jalon.employment.services import (
    job_offer_update,
    positioning_advance,
    positioning_create,
    positioning_exit_dismiss,
    positioning_exit_record,
    training_exit_record,
    training_outcome_record,
    training_record,
)
from jalon.exits.models import Exit
from jalon.exits.services import exit_record
from tests.conftest import actor_for
from tests.employment.conftest import SIRET, TODAY, followed_person
from tests.organisations.factories import MembershipFactory


D = datetime.date


def _messages(error: ValidationError) -> dict:
    return error.message_dict


# --- offers -----------------------------------------------------------------------------------------------------


def test_publish_an_offer_copies_the_rome_code_and_is_audited(world):
    offer = world.offer()
    assert offer.rome_id == "N1103"
    assert offer.status == OfferStatus.OPEN
    assert offer.organisation == world.cd and offer.departement_id == "40"
    assert AuditEvent.objects.filter(code=AuditCode.JOB_OFFER_PUBLISHED, subject_id=str(offer.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"appellation": None}, "appellation", "sans code ROME est refusée"),
        ({"employer_siret": "12345678900017"}, "employer_siret", "clé de contrôle"),
        ({"employer_siret": ""}, "employer_siret", "SIRET"),
        ({"employer_name": " "}, "employer_name", "employeur"),
        ({"weekly_hours": 50}, "weekly_hours", "48 heures"),
        ({"weekly_hours": 0}, "weekly_hours", "48 heures"),
        ({"published_on": D(2026, 12, 2)}, "published_on", "futur"),
        ({"fill_by": D(2026, 10, 1)}, "fill_by", "précéder la publication"),
        ({"contract": ""}, "contract", "type de contrat"),
        ({"contract": "cdi", "duration_months": 6}, "duration_months", "CDI n'a pas de durée"),
        ({"positions": 0}, "positions", "nombre de postes"),
        ({"commune": None}, "commune", "lieu de travail"),
    ],
)
def test_bad_offers_are_refused_in_french_and_nothing_is_saved(world, overrides, field, words):
    with pytest.raises(ValidationError) as refused:
        world.offer(**overrides)
    assert words in " ".join(_messages(refused.value)[field])
    assert not JobOffer.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.JOB_OFFER_PUBLISHED).exists()


def test_an_analyst_does_not_publish_offers(world):
    analyst = MembershipFactory(role=Role.ANALYST, organisation=world.cd)
    with pytest.raises(ValidationError, match="ne permet pas de publier"):
        world.offer(actor=actor_for(analyst))
    assert not JobOffer.objects.exists()


def test_a_partner_publishes_and_only_its_organisation_or_the_departement_edits(world):
    offer = world.offer(actor=world.actor)
    assert offer.organisation == world.agency
    with pytest.raises(ValidationError, match="Seule la structure"):
        job_offer_update(actor=actor_for(world.outsider), offer=offer, title="Autre", today=TODAY)
    updated = job_offer_update(actor=actor_for(world.cd_admin), offer=offer, appellation=world.magasinier, today=TODAY)
    assert updated.appellation == world.magasinier and updated.rome_id == "N1103"
    closed = job_offer_update(actor=world.actor, offer=offer, status=OfferStatus.CLOSED, today=TODAY)
    assert closed.status == OfferStatus.CLOSED and closed.ended_on == TODAY


def test_an_update_that_removes_the_rome_appellation_is_refused_and_changes_nothing(world):
    offer = world.offer()
    with pytest.raises(ValidationError, match="sans code ROME"):
        job_offer_update(actor=actor_for(world.cd_admin), offer=offer, appellation=None, title="Sans métier")
    offer.refresh_from_db()
    assert offer.appellation == world.cariste and offer.title == ""


# --- positionings -----------------------------------------------------------------------------------------------


def test_position_a_person_then_twice_is_refused(world):
    offer = world.offer()
    positioning = positioning_create(actor=world.actor, offer=offer, person=world.person, today=TODAY)
    assert positioning.status == PositioningStatus.PROPOSED
    assert list(positioning.steps.values_list("status", "recorded_by")) == [
        (PositioningStatus.PROPOSED, world.referent.user_id)
    ]
    with pytest.raises(ValidationError, match="déjà positionnée sur cette offre"):
        positioning_create(actor=world.actor, offer=offer, person=world.person, today=TODAY)
    assert Positioning.objects.count() == 1 and PositioningStep.objects.count() == 1


def test_an_organisation_that_does_not_follow_the_person_cannot_position_her(world):
    offer = world.offer()
    with pytest.raises(ValidationError, match="ne suit pas cette personne"):
        positioning_create(actor=actor_for(world.outsider), offer=offer, person=world.person, today=TODAY)
    assert not Positioning.objects.exists()


def test_no_positioning_on_a_closed_offer_nor_for_a_person_who_left_the_path(world):
    offer = world.offer()
    job_offer_update(actor=actor_for(world.cd_admin), offer=offer, status=OfferStatus.CLOSED, today=TODAY)
    with pytest.raises(ValidationError, match="plus ouverte"):
        positioning_create(actor=world.actor, offer=offer, person=world.person, today=TODAY)
    other = world.offer()
    exit_record(
        actor=world.actor,
        person=world.person,
        exit_type=world.type("demenagement"),
        exited_on=D(2026, 11, 1),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        positioning_create(actor=world.actor, offer=other, person=world.person, today=TODAY)
    assert not Positioning.objects.exists()


def _hire(world, offer=None, person=None):
    offer = offer or world.offer()
    positioning = positioning_create(
        actor=world.actor, offer=offer, person=person or world.person, today=D(2026, 11, 3)
    )
    for status, day in (("candidature", 5), ("entretien", 12), ("embauche", 20)):
        positioning = positioning_advance(
            actor=world.actor, positioning=positioning, status=status, on=D(2026, 11, day), today=TODAY
        )
    return positioning


def test_the_status_loop_records_who_and_when_and_a_hire_proposes_an_exit_and_fills_the_offer(world):
    positioning = _hire(world)
    assert positioning.status == PositioningStatus.HIRED and positioning.hired_on == D(2026, 11, 20)
    assert list(positioning.steps.values_list("status", "on")) == [
        ("proposee", D(2026, 11, 3)),
        ("candidature", D(2026, 11, 5)),
        ("entretien", D(2026, 11, 12)),
        ("embauche", D(2026, 11, 20)),
    ]
    assert positioning.exit_suggestion == ExitSuggestion.PROPOSED
    offer = JobOffer.objects.get(pk=positioning.offer_id)
    assert offer.status == OfferStatus.FILLED and offer.ended_on == D(2026, 11, 20)
    assert not Exit.objects.exists()  # proposed, never recorded by itself


def test_an_offer_with_two_positions_stays_open_after_one_hire(world):
    positioning = _hire(world, offer=world.offer(positions=2))
    assert JobOffer.objects.get(pk=positioning.offer_id).status == OfferStatus.OPEN


@pytest.mark.parametrize(
    ("status", "on", "field", "words"),
    [
        ("entretien", D(2026, 11, 5), "status", "ne peut pas passer"),
        ("embauche", D(2026, 11, 5), "status", "ne peut pas passer"),
        ("candidature", D(2026, 11, 1), "on", "précéder l'étape précédente"),
        ("candidature", D(2026, 12, 5), "on", "futur"),
        ("candidature", None, "on", "Indiquez la date"),
        ("inconnu", D(2026, 11, 5), "status", "inconnu"),
    ],
)
def test_bad_transitions_are_refused_and_nothing_moves(world, status, on, field, words):
    positioning = positioning_create(actor=world.actor, offer=world.offer(), person=world.person, today=D(2026, 11, 3))
    with pytest.raises(ValidationError) as refused:
        positioning_advance(actor=world.actor, positioning=positioning, status=status, on=on, today=TODAY)
    assert words in " ".join(_messages(refused.value)[field])
    positioning.refresh_from_db()
    assert positioning.status == PositioningStatus.PROPOSED and positioning.steps.count() == 1


def test_a_hire_ends_the_loop(world):
    positioning = _hire(world)
    with pytest.raises(ValidationError, match="il est terminé"):
        positioning_advance(actor=world.actor, positioning=positioning, status="non_retenu", on=TODAY, today=TODAY)


def test_the_hire_becomes_an_exit_through_the_exits_service_prefilled(world):
    positioning = _hire(world)
    initial = selectors.hire_exit_initial(positioning)
    assert initial["exit_type"] == world.type("cdi") and initial["exited_on"] == D(2026, 11, 20)
    assert initial["employer_siret"] == SIRET and initial["contract"] == "cdi"
    exit = positioning_exit_record(actor=world.actor, positioning=positioning, today=TODAY, **initial)
    assert exit.person == world.person and exit.is_positive and exit.employer_name == "Conserverie Lafitte"
    assert exit.checkpoints.count() == 4  # the follow-up in employment starts
    positioning.refresh_from_db()
    assert positioning.exit == exit and positioning.exit_suggestion == ExitSuggestion.ACCEPTED
    with pytest.raises(ValidationError, match="déjà été examinée"):
        positioning_exit_dismiss(actor=world.actor, positioning=positioning, reason="cumul")


def test_a_refused_exit_leaves_the_proposal_open_and_nothing_half_written(world):
    positioning = _hire(world)
    initial = selectors.hire_exit_initial(positioning) | {"exited_on": D(2026, 12, 25)}
    with pytest.raises(ValidationError) as refused:
        positioning_exit_record(actor=world.actor, positioning=positioning, today=TODAY, **initial)
    assert "futur" in " ".join(refused.value.message_dict["exited_on"])
    positioning.refresh_from_db()
    assert positioning.exit is None and positioning.exit_suggestion == ExitSuggestion.PROPOSED
    assert not Exit.objects.exists()


def test_the_referent_may_keep_the_path_going_after_a_hire(world):
    positioning = _hire(world, offer=world.offer(contract="saisonnier", duration_months=2))
    assert selectors.hire_exit_initial(positioning)["exit_type"] == world.type("cdd_less_6")
    with pytest.raises(ValidationError, match="pourquoi le parcours continue"):
        positioning_exit_dismiss(actor=world.actor, positioning=positioning, reason=" ")
    with pytest.raises(ValidationError, match="ne suit pas"):
        positioning_exit_dismiss(actor=actor_for(world.outsider), positioning=positioning, reason="saison")
    kept = positioning_exit_dismiss(actor=world.actor, positioning=positioning, reason="contrat saisonnier de 2 mois")
    assert kept.exit_suggestion == ExitSuggestion.DISMISSED and not Exit.objects.exists()


# --- matching ---------------------------------------------------------------------------------------------------


def test_an_offer_matches_the_caseload_by_job_or_rome_code_closest_first_with_reasons_and_freins(world):
    parts = (world.departement, world.agency, world.referent)
    marc = followed_person(parts, commune=world.dax, project=world.magasinier, first_name="Marc")
    followed_person(parts, commune=world.dax, project=world.aide_soignant, first_name="Nina")  # another job
    followed_person(parts, commune=world.dax, rome=world.n1103, first_name="Omar")  # a ROME code, no job title
    other_referent = MembershipFactory(role="referent", organisation=world.agency)
    followed_person(
        (world.departement, world.agency, other_referent), commune=world.dax, project=world.cariste, first_name="Paul"
    )
    offer = world.offer()
    matches = selectors.offer_matches(actor=world.actor, offer=offer)
    # Dax first (Marc and Omar, by name), then Mont-de-Marsan; Nina (another job) and Paul (another référent) out.
    assert {m.person.first_name for m in matches[:2]} == {"Marc", "Omar"} and matches[2].person == world.person
    lea = matches[2]
    assert lea.reasons[0] == "même métier : Cariste (projet principal)"
    assert lea.reasons[1] == "à 49 km du centre de Mont-de-Marsan (lieu de travail : Dax)"
    assert "au-delà de sa mobilité (30 km)" in lea.reasons
    assert "contrat recherché : CDI" in lea.reasons
    assert lea.freins == ["mobilité"]
    by_marc = next(m for m in matches if m.person == marc)
    assert by_marc.reasons[0].startswith("même code ROME N1103") and by_marc.distance_km == 0


def test_a_person_sees_the_open_offers_of_her_projects(world):
    near = world.offer(commune=world.mdm, appellation=world.magasinier)
    far = world.offer()
    world.offer(appellation=world.aide_soignant)
    closed = world.offer(commune=world.mdm)
    job_offer_update(actor=actor_for(world.cd_admin), offer=closed, status=OfferStatus.CLOSED, today=TODAY)
    matches = selectors.person_offer_matches(person=world.person)
    assert [m.offer for m in matches] == [near, far]


# --- trainings --------------------------------------------------------------------------------------------------


def _training(world, **overrides):
    values = dict(
        provider="AFPA Mont-de-Marsan",
        title="Titre professionnel cariste d'entrepôt",
        certifying=True,
        level="3",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 11, 15),
        funding="region",
    )
    values.update(overrides)
    return training_record(actor=world.actor, person=world.person, **values)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"provider": ""}, "provider", "organisme"),
        ({"title": ""}, "title", "intitulé"),
        ({"level": ""}, "level", "niveau"),
        ({"certifying": False, "level": "4"}, "level", "certifiante"),
        ({"starts_on": None}, "starts_on", "entrée en formation"),
        ({"ends_on": D(2026, 8, 1)}, "ends_on", "précéder"),
        ({"funding": "banque"}, "funding", "financement"),
    ],
)
def test_bad_trainings_are_refused_and_nothing_is_saved(world, overrides, field, words):
    with pytest.raises(ValidationError) as refused:
        _training(world, **overrides)
    assert words in " ".join(refused.value.message_dict[field])
    assert not TrainingEntry.objects.exists()


def test_a_qualifying_training_completed_proposes_a_positive_exit_of_type_formation(world):
    training = _training(world)
    training = training_outcome_record(
        actor=world.actor, training=training, outcome="certifiee", outcome_on=D(2026, 11, 15), today=TODAY
    )
    assert training.exit_suggestion == ExitSuggestion.PROPOSED
    initial = selectors.training_exit_initial(training)
    assert initial["exit_type"] == world.type("formation")
    assert selectors.counts_as_positive(departement_id="40", code="formation", day=D(2026, 11, 15)) == (True, 1)
    exit = training_exit_record(actor=world.actor, training=training, today=TODAY, **initial)
    assert exit.is_positive and exit.exit_type.code == "formation"
    training.refresh_from_db()
    assert training.exit == exit and training.exit_suggestion == ExitSuggestion.ACCEPTED


def test_an_abandoned_or_non_certifying_training_proposes_no_exit(world):
    abandoned = training_outcome_record(
        actor=world.actor, training=_training(world), outcome="abandonnee", outcome_on=D(2026, 10, 1), today=TODAY
    )
    plain = _training(world, certifying=False, level="", title="Sauveteur secouriste du travail")
    plain = training_outcome_record(
        actor=world.actor, training=plain, outcome="terminee", outcome_on=D(2026, 10, 1), today=TODAY
    )
    assert abandoned.exit_suggestion == "" and plain.exit_suggestion == ""


@pytest.mark.parametrize(
    ("outcome", "on", "field", "words"),
    [
        ("", D(2026, 10, 1), "outcome", "issue"),
        ("certifiee", None, "outcome_on", "date de fin"),
        ("terminee", D(2026, 8, 1), "outcome_on", "précéder"),
        ("terminee", D(2026, 12, 2), "outcome_on", "futur"),
    ],
)
def test_bad_outcomes_are_refused(world, outcome, on, field, words):
    training = _training(world)
    with pytest.raises(ValidationError) as refused:
        training_outcome_record(actor=world.actor, training=training, outcome=outcome, outcome_on=on, today=TODAY)
    assert words in " ".join(refused.value.message_dict[field])
    training.refresh_from_db()
    assert training.outcome == "" and training.exit_suggestion == ""


def test_a_certification_needs_a_certifying_training_and_an_outcome_is_recorded_once(world):
    plain = _training(world, certifying=False, level="")
    with pytest.raises(ValidationError, match="non certifiante"):
        training_outcome_record(actor=world.actor, training=plain, outcome="certifiee", outcome_on=TODAY, today=TODAY)
    training_outcome_record(actor=world.actor, training=plain, outcome="terminee", outcome_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        training_outcome_record(actor=world.actor, training=plain, outcome="abandonnee", outcome_on=TODAY, today=TODAY)


def test_an_outsider_records_no_training(world):
    with pytest.raises(ValidationError, match="ne suit pas"):
        training_record(
            actor=actor_for(world.outsider),
            person=world.person,
            provider="GRETA",
            title="Français langue étrangère",
            certifying=False,
            starts_on=TODAY,
            funding="cpf",
        )
    assert not TrainingEntry.objects.exists()
