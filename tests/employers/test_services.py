import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.employers.enums import ImmersionStatus
from jalon.employers.models import Commitment, Employer, EmployerGroup, Immersion, Interaction
from jalon.employers.services import (
    commitment_record,
    employer_create,
    employer_group_create,
    immersion_review,
    immersion_transition,
    interaction_record,
    relations_officer_assign,
)
from jalon.exits.models import Exit
from jalon.exits.services import exit_record
from jalon.notebook.models import Notebook
from tests.conftest import actor_for
from tests.employers.conftest import OTHER_SIRET, SIRET, STARTS
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the directory ----------------------------------------------------------------------------------------------


def test_an_employer_is_added_once_with_a_valid_siret_and_a_real_naf_code(place):
    def create(**fields):
        values = {"siret": OTHER_SIRET, "name": "Boulangerie Dupouy", "naf_code": "1071c", "commune": place.commune}
        return employer_create(actor=place.referent, **{**values, **fields})

    with pytest.raises(ValidationError) as refused:
        create(siret="44830258200012")
    assert "clé de contrôle" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        create(naf_code="99.99Z")
    assert "nomenclature NAF rév. 2" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        create(siret=SIRET)
    assert "déjà dans l'annuaire : Conserverie des Landes" in messages(refused.value)
    elsewhere = CommuneFactory(code="64445", departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques"))
    with pytest.raises(ValidationError) as refused:
        create(commune=elsewhere)
    assert "situé dans le département" in messages(refused.value)
    assert Employer.objects.count() == 1
    bakery = create(siret="448 302 582 00011")
    assert (bakery.siret, bakery.naf_code, bakery.naf_label) == (
        OTHER_SIRET,
        "10.71C",
        "Boulangerie et boulangerie-pâtisserie",
    )
    assert AuditEvent.objects.filter(code=AuditCode.EMPLOYER_CREATED, subject_id=str(bakery.pk)).exists()


def test_interactions_are_dated_and_typed(place):
    with pytest.raises(ValidationError) as refused:
        interaction_record(
            actor=place.referent,
            employer=place.employer,
            occurred_on=TODAY + datetime.timedelta(days=1),
            kind="x",
            today=TODAY,
        )
    assert "futur" in messages(refused.value) and "type d'échange" in messages(refused.value)
    interaction_record(
        actor=place.referent, employer=place.employer, occurred_on=TODAY, kind="visite", note="atelier", today=TODAY
    )
    assert Interaction.objects.get().recorded_by == place.world.referent.user


def test_commitments_are_the_departements_and_make_the_employer_a_member(place):
    with pytest.raises(ValidationError) as refused:
        commitment_record(actor=place.referent, employer=place.employer, year=2026, hires=2, today=TODAY)
    assert "rôle ne permet pas" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        commitment_record(actor=place.admin, employer=place.employer, year=2026, today=TODAY)
    assert "au moins une immersion" in messages(refused.value)
    assert not Commitment.objects.exists()
    commitment_record(
        actor=place.admin, employer=place.employer, year=2026, immersions_offered=4, hires=2, today=TODAY
    )
    commitment_record(
        actor=place.admin, employer=place.employer, year=2026, immersions_offered=5, hires=2, hires_done=1, today=TODAY
    )
    commitment = Commitment.objects.get()
    assert (commitment.immersions_offered, commitment.hires_done) == (5, 1)
    place.employer.refresh_from_db()
    assert place.employer.engaged_since == datetime.date(2026, 1, 1)


def test_a_departement_professional_named_relations_officer_records_commitments(place):
    territory = TerritoryFactory(departement=place.world.departement)
    territory.communes.add(place.commune)
    officer = MembershipFactory(
        role=Role.REFERENT, organisation__kind="sdsei", organisation__departement=place.world.departement
    )
    with pytest.raises(ValidationError):
        commitment_record(actor=actor_for(officer), employer=place.employer, year=2026, hires=1, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        relations_officer_assign(actor=place.admin, user=place.world.referent.user, territories=[territory])
    assert "professionnel(le) du Département" in messages(refused.value)
    relations_officer_assign(actor=place.admin, user=officer.user, territories=[territory])
    commitment_record(actor=actor_for(officer), employer=place.employer, year=2026, hires=1, today=TODAY)
    assert Commitment.objects.count() == 1


def test_a_groupement_d_employeurs_gathers_employers_of_the_departement(place):
    with pytest.raises(ValidationError) as refused:
        employer_group_create(
            actor=place.admin, name="", commune=place.commune, created_on=None, siret="123", today=TODAY
        )
    text = messages(refused.value)
    assert "nom du groupement" in text and "date de constitution" in text and "clé de contrôle" in text
    group = employer_group_create(
        actor=place.admin,
        name="GE Landes Agri",
        commune=place.commune,
        created_on=datetime.date(2024, 3, 1),
        members=[place.employer],
        today=TODAY,
    )
    assert list(group.members.all()) == [place.employer]
    assert EmployerGroup.objects.count() == 1


# --- immersions -------------------------------------------------------------------------------------------------


def test_an_immersion_longer_than_a_month_or_without_employer_is_refused(place):
    with pytest.raises(ValidationError) as refused:
        place.immersion(days=31)
    assert "au plus un mois (30 jours calendaires)" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        place.immersion(employer=None)
    assert "entreprise d'accueil" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        place.immersion(objectives=[])
    assert "au moins un objectif" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        place.immersion(objectives=["confirm", "discover", "recruit", "other"])
    assert "au plus 3 objectifs" in messages(refused.value)
    assert not Immersion.objects.exists()
    immersion = place.immersion(days=30, objectives=["confirm", "discover", "recruit"])
    assert immersion.days == 30 and immersion.status == ImmersionStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        place.immersion(starts_on=STARTS + datetime.timedelta(days=5))
    assert "déjà une immersion prévue" in messages(refused.value)


def test_an_organisation_that_does_not_follow_the_person_writes_no_immersion(place):
    from jalon.employers.services import immersion_create

    with pytest.raises(ValidationError) as refused:
        immersion_create(
            actor=actor_for(place.world.outsider),
            person=place.world.person,
            employer=place.employer,
            starts_on=STARTS,
            ends_on=STARTS,
            objectives=["discover"],
            job_title="Vendeur",
        )
    assert "ne suit pas cette personne" in messages(refused.value)
    immersion = place.immersion()
    with pytest.raises(ValidationError):
        immersion_transition(actor=actor_for(place.world.outsider), immersion=immersion, action="submit")
    assert not Immersion.objects.exclude(pk=immersion.pk).exists()
    assert Immersion.objects.get().status == ImmersionStatus.DRAFT


def test_a_closed_path_takes_no_immersion(place):
    Notebook.objects.filter(person=place.world.person).update(closed_on=datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError) as refused:
        place.immersion()
    assert "parcours de cette personne est clos" in messages(refused.value)


def signed(place, immersion):
    referent = place.referent
    immersion = immersion_transition(actor=referent, immersion=immersion, action="submit", today=TODAY)
    immersion = immersion_transition(
        actor=referent, immersion=immersion, action="sign_person", signed_on=TODAY, today=TODAY
    )
    assert immersion.status == ImmersionStatus.PARTIALLY_SIGNED
    return immersion_transition(
        actor=referent, immersion=immersion, action="sign_employer", signed_on=TODAY, today=TODAY
    )


def test_the_agreement_goes_through_its_statuses_each_step_by_its_role(place):
    immersion = place.immersion()
    with pytest.raises(ValidationError) as refused:
        immersion_transition(actor=place.referent, immersion=immersion, action="validate", today=TODAY)
    assert "ne peut pas recevoir cette action" in messages(refused.value)
    immersion = signed(place, immersion)
    assert immersion.status == ImmersionStatus.IN_REVIEW
    immersion = immersion_transition(actor=place.referent, immersion=immersion, action="pre_validate", today=TODAY)
    with pytest.raises(ValidationError) as refused:
        immersion_transition(actor=place.referent, immersion=immersion, action="validate", today=TODAY)
    assert "Seul le prescripteur" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        immersion_transition(actor=place.admin, immersion=immersion, action="reject", today=TODAY)
    assert "motif" in messages(refused.value)
    immersion = immersion_transition(actor=place.admin, immersion=immersion, action="validate", today=TODAY)
    assert (immersion.status, immersion.validated_on) == (ImmersionStatus.ACCEPTED_BY_VALIDATOR, TODAY)
    events = AuditEvent.objects.filter(code=AuditCode.IMMERSION_STATUS_CHANGED, person_id=place.world.person.pk)
    assert events.count() == 5


def test_a_change_asks_for_every_signature_again(place):
    immersion = signed(place, place.immersion())
    immersion = immersion_transition(
        actor=place.referent, immersion=immersion, action="request_changes", reason="dates à revoir", today=TODAY
    )
    assert immersion.status == ImmersionStatus.DRAFT
    assert immersion.person_signed_on is None and immersion.employer_signed_on is None


def validated(place, **fields):
    immersion = signed(place, place.immersion(**fields))
    return immersion_transition(actor=place.admin, immersion=immersion, action="validate", today=TODAY)


def test_the_review_says_whether_the_immersion_was_done_and_led_to_a_job(place):
    draft = place.immersion(starts_on=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        immersion_review(actor=place.referent, immersion=draft, outcome="completed", led_to_job=False, today=TODAY)
    assert "validée par le prescripteur" in messages(refused.value)
    immersion = validated(place)
    with pytest.raises(ValidationError) as refused:
        immersion_review(actor=place.referent, immersion=immersion, outcome="partial", led_to_job=True, today=TODAY)
    text = messages(refused.value)
    assert "dernier jour de présence" in text and "contrat proposé" in text and "date d'embauche" in text
    immersion.refresh_from_db()
    assert immersion.review_outcome == ""
    reviewed = immersion_review(
        actor=place.referent,
        immersion=immersion,
        outcome="partial",
        last_day_present=STARTS + datetime.timedelta(days=6),
        led_to_job=True,
        hire_contract="cdi",
        hire_starts_on=datetime.date(2026, 11, 20),
        today=TODAY,
    )
    assert (reviewed.review_outcome, reviewed.hire_contract) == ("partial", "cdi")
    with pytest.raises(ValidationError) as refused:
        immersion_review(actor=place.referent, immersion=reviewed, outcome="completed", led_to_job=False, today=TODAY)
    assert "déjà enregistré" in messages(refused.value)
    assert AuditEvent.objects.filter(code=AuditCode.IMMERSION_REVIEWED, person_id=place.world.person.pk).exists()


# --- exits link to the directory --------------------------------------------------------------------------------


def test_an_exit_links_to_the_directory_by_siret_and_keeps_its_text(place):
    exit = exit_record(
        actor=place.referent,
        person=place.world.person,
        exit_type=place.world.type("cdi"),
        exited_on=datetime.date(2026, 11, 2),
        employer_name="Conserverie (nom saisi)",
        employer_siret=SIRET,
        today=TODAY,
    )
    assert exit.employer == place.employer and exit.employer_name == "Conserverie (nom saisi)"


def test_the_migration_links_existing_exits_by_siret(place):
    exit = exit_record(
        actor=place.referent,
        person=place.world.person,
        exit_type=place.world.type("cdi"),
        exited_on=datetime.date(2026, 11, 2),
        employer_name="Conserverie",
        employer_siret=SIRET,
        today=TODAY,
    )
    Exit.objects.filter(pk=exit.pk).update(employer=None)
    migration = importlib.import_module("jalon.exits.migrations.0004_link_exits_to_employers")
    migration.link(apps, None)
    exit.refresh_from_db()
    assert exit.employer_id == place.employer.pk
