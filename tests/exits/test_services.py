import datetime

import pytest
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.core.validators import validate_siret
from jalon.exits.enums import IaeCategory, ProposalStatus, RiskReason
from jalon.exits.models import Checkpoint, Exit, ExitProposal, ExitType, PositiveRule
from jalon.exits.services import (
    checkpoint_record,
    exit_proposal_dismiss,
    exit_record,
    exit_reopen,
    exits_daily,
    positive_rule_publish,
)
from jalon.notebook.access import notebook_access
from jalon.notebook.enums import ContactKind
from jalon.notebook.followup.services import contact_record
from jalon.notebook.models import Notebook
from jalon.notebook.team.services import note_add
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.enums import RightState
from tests.conftest import actor_for
from tests.exits.conftest import ORIENTED_ON, TODAY
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, RsaRightFactory


pytestmark = pytest.mark.django_db
SIRET = "73282932000074"


def record(world, code="cdi", exited_on=datetime.date(2026, 6, 1), actor=None, person=None, **fields):
    defaults = {"employer_name": "Boulangerie Lafitte", "employer_siret": SIRET} if code != "perdu_de_vue" else {}
    return exit_record(
        actor=actor or world.actor,
        person=person or world.person,
        exit_type=world.type(code) if code else None,
        exited_on=exited_on,
        today=TODAY,
        **{**defaults, **fields},
    )


def test_siret_checksum():
    validate_siret("73282932000074")
    validate_siret("35600000000048")  # La Poste's head office: Luhn
    validate_siret("35600000049837")  # a La Poste office: digits sum to a multiple of 5
    for wrong in ("73282932000075", "1234", "7328293200007A"):
        with pytest.raises(ValidationError, match="clé de contrôle"):
            validate_siret(wrong)


def test_an_exit_to_employment_closes_the_path_and_opens_its_follow_up(world):
    exit = record(world)
    assert exit.is_positive and exit.iae_category == IaeCategory.DURABLE and exit.rule.version == 1
    # The carnet is kept and read, no longer written.
    world.notebook.refresh_from_db()
    assert world.notebook.closed_on == datetime.date(2026, 6, 1)
    access = notebook_access(actor=world.actor, person_pk=world.person.pk)
    assert access.notebook.pk == world.notebook.pk and not access.can_write
    with pytest.raises(ValidationError, match="parcours de cette personne est clos"):
        contact_record(
            actor=world.actor, notebook=world.notebook, occurred_on=TODAY, kind=ContactKind.PHONE, summary="appel"
        )
    with pytest.raises(ValidationError, match="parcours de cette personne est clos"):
        note_add(actor=world.actor, notebook=world.notebook, visibility="shared", text="après la sortie")
    # The orientation and the référent end on the exit's date: the person leaves the caseload.
    world.orientation.refresh_from_db()
    assert world.orientation.ended_on == datetime.date(2026, 6, 1)
    assert world.orientation.end_reason == "sortie de parcours : CDI"
    assert not ReferentAssignment.objects.current().filter(person=world.person).exists()
    # Points at 1, 3, 6 months and N+2.
    assert list(exit.checkpoints.values_list("months", "due_on")) == [
        (1, datetime.date(2026, 7, 1)),
        (3, datetime.date(2026, 9, 1)),
        (6, datetime.date(2026, 12, 1)),
        (24, datetime.date(2028, 6, 1)),
    ]
    event = AuditEvent.objects.get(code=AuditCode.EXIT_RECORDED)
    assert event.person_id == world.person.pk and event.data["new"]["rule_version"] == 1


def test_an_exit_other_than_employment_has_no_follow_up(world):
    exit = record(world, "perdu_de_vue")
    assert not exit.is_positive and exit.iae_category == IaeCategory.OTHER
    assert not exit.checkpoints.exists() and exit.followed_by is None


@pytest.mark.parametrize(
    ("code", "exited_on", "fields", "field", "message"),
    [
        (None, datetime.date(2026, 6, 1), {}, "exit_type", "Choisissez le type de sortie."),
        ("cdi", None, {}, "exited_on", "Indiquez la date de sortie."),
        ("cdi", datetime.date(2026, 12, 2), {}, "exited_on", "ne peut pas être dans le futur"),
        ("cdi", ORIENTED_ON - datetime.timedelta(days=1), {}, "exited_on", "précéder la première orientation"),
        ("cdi", datetime.date(2026, 6, 1), {"employer_siret": "73282932000075"}, "employer_siret", "clé de contrôle"),
        ("cdi", datetime.date(2026, 6, 1), {"employer_name": ""}, "employer_name", "Indiquez l'employeur"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(world, code, exited_on, fields, field, message):
    with pytest.raises(ValidationError) as error:
        record(world, code, exited_on=exited_on, **fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not Exit.objects.exists() and not Checkpoint.objects.exists()
    world.notebook.refresh_from_db()
    assert world.notebook.closed_on is None
    assert Orientation.objects.current().filter(person=world.person).exists()


def test_a_person_already_exited_is_refused(world):
    record(world)
    with pytest.raises(ValidationError, match="déjà clos depuis le 01/06/2026"):
        record(world, "formation", exited_on=datetime.date(2026, 7, 1))
    assert Exit.objects.count() == 1


def test_an_organisation_that_does_not_follow_the_person_cannot_end_the_path(world):
    with pytest.raises(ValidationError, match="ne suit pas cette personne"):
        record(world, actor=actor_for(world.outsider))
    assert not Exit.objects.exists()


def test_a_type_of_another_departement_is_refused(world):
    from jalon.exits.services import exit_typology_default_create
    from tests.territories.factories import DepartementFactory

    pyrenees = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    exit_typology_default_create(departement=pyrenees)
    with pytest.raises(ValidationError, match="pas dans la typologie"):
        exit_record(
            actor=world.actor,
            person=world.person,
            exit_type=ExitType.objects.get(departement=pyrenees, code="perdu_de_vue"),
            exited_on=datetime.date(2026, 6, 1),
            today=TODAY,
        )


def test_the_rule_is_versioned_and_each_exit_keeps_the_version_that_classified_it(world):
    cadre = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=world.departement
    )
    early = record(world, "cdd_less_6", exited_on=datetime.date(2026, 3, 1))
    assert early.is_positive  # the Landes start from the IAE « sorties dynamiques »
    rule = positive_rule_publish(
        actor=actor_for(cadre),
        departement=world.departement,
        positive_codes=["cdi", "cdd_6_plus", "formation"],
        valid_from=datetime.date(2026, 5, 1),
        note="alignement sur le plan départemental",
    )
    assert rule.version == 2
    assert PositiveRule.objects.get(departement=world.departement, version=1).valid_until == datetime.date(2026, 4, 30)
    late = record(world, "cdd_less_6", exited_on=datetime.date(2026, 6, 1), person=world.other_person)
    assert not late.is_positive and late.rule == rule
    # The figure of the first exit stays as published; the new version can recount it.
    early.refresh_from_db()
    assert early.is_positive and early.rule.version == 1
    assert list(Exit.objects.positive()) == [early]
    assert not Exit.objects.positive_under(rule).exists()


def test_a_rule_version_needs_known_types_a_later_date_and_a_reason(world):
    actor = world.actor
    with pytest.raises(ValidationError, match="inconnus : zzz"):
        positive_rule_publish(
            actor=actor, departement=world.departement, positive_codes=["zzz"], valid_from=TODAY, note="x"
        )
    with pytest.raises(ValidationError, match="après le 01/01/2000"):
        positive_rule_publish(
            actor=actor,
            departement=world.departement,
            positive_codes=["cdi"],
            valid_from=datetime.date(1999, 1, 1),
            note="x",
        )
    with pytest.raises(ValidationError, match="pourquoi la règle change"):
        positive_rule_publish(
            actor=actor, departement=world.departement, positive_codes=["cdi"], valid_from=TODAY, note=""
        )
    assert PositiveRule.objects.filter(departement=world.departement).count() == 1


def test_reopening_opens_the_carnet_again_and_resumes_the_orientation(world):
    exit = record(world)
    with pytest.raises(ValidationError, match="pourquoi le parcours est rouvert"):
        exit_reopen(actor=world.actor, exit=exit, reason=" ", today=TODAY)
    exit_reopen(actor=world.actor, exit=exit, reason="fin de la période d'essai", today=TODAY)
    exit.refresh_from_db()
    assert exit.reopened_on == TODAY and exit.reopened_by == world.referent.user
    assert exit.reopen_reason == "fin de la période d'essai"
    world.notebook.refresh_from_db()
    assert world.notebook.closed_on is None
    assert notebook_access(actor=world.actor, person_pk=world.person.pk).can_write
    resumed = Orientation.objects.current().get(person=world.person)
    assert resumed.pk != world.orientation.pk and resumed.organisation == world.agency
    assert resumed.referent == world.referent.user and resumed.decided_on == TODAY
    assert ReferentAssignment.objects.current().filter(person=world.person, referent=world.referent.user).exists()
    assert AuditEvent.objects.filter(code=AuditCode.EXIT_REOPENED, person_id=world.person.pk).exists()
    # Out of the figures of exits in force, kept in the history; a new exit may follow.
    assert not Exit.objects.in_force().exists()
    with pytest.raises(ValidationError, match="déjà été rouvert"):
        exit_reopen(actor=world.actor, exit=exit, reason="encore", today=TODAY)
    record(world, "formation", exited_on=TODAY)
    assert Exit.objects.filter(person=world.person).count() == 2


def test_the_organisation_that_recorded_the_exit_keeps_its_follow_up(world):
    """Once the exit has ended the orientation, the agency no longer sees the person, but it still follows the
    exit it recorded and may reopen it."""
    from jalon.people.models import Person

    exit = record(world)
    assert not Person.objects.visible_to(world.actor).filter(pk=world.person.pk).exists()
    assert Exit.objects.visible_to(world.actor).filter(pk=exit.pk).exists()
    assert not Exit.objects.visible_to(actor_for(world.outsider)).exists()


def point(world, exit, months, **fields):
    values = {
        "done_on": exit.exited_on + datetime.timedelta(days=31 * months),
        "still_employed": True,
        "same_employer": True,
    }
    return checkpoint_record(actor=world.actor, exit=exit, months=months, today=TODAY, **{**values, **fields})


def test_a_checkpoint_records_its_outcome_and_a_trial_rupture_is_at_risk(world):
    exit = record(world)
    first = point(world, exit, 1)
    assert first.done_on and first.still_employed and first.risk_reason == ""
    rupture = point(
        world,
        exit,
        3,
        still_employed=False,
        same_employer=None,
        rupture_on=datetime.date(2026, 8, 20),
        rupture_reason="fin de période d'essai à l'initiative de l'employeur",
        in_trial_period=True,
    )
    assert rupture.risk_reason == RiskReason.TRIAL_RUPTURE and rupture.risk_since == rupture.done_on
    assert AuditEvent.objects.filter(code=AuditCode.CHECKPOINT_RECORDED).count() == 2
    # Found employed again at 6 months: no longer at risk.
    point(world, exit, 6, same_employer=False, done_on=datetime.date(2026, 11, 30))
    rupture.refresh_from_db()
    assert rupture.risk_reason == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"done_on": None}, "done_on", "Indiquez la date du point"),
        ({"done_on": datetime.date(2026, 12, 2)}, "done_on", "ne peut pas être dans le futur"),
        ({"done_on": datetime.date(2026, 5, 1)}, "done_on", "ne peut pas précéder la sortie"),
        ({"still_employed": None}, "still_employed", "toujours en emploi"),
        ({"same_employer": None}, "same_employer", "même employeur"),
        ({"still_employed": False, "same_employer": None}, "rupture_on", "date de fin du contrat"),
        (
            {"still_employed": False, "rupture_on": datetime.date(2026, 6, 10), "rupture_reason": ""},
            "rupture_reason",
            "motif",
        ),
    ],
)
def test_bad_checkpoint_input_is_refused(world, fields, field, message):
    exit = record(world)
    with pytest.raises(ValidationError) as error:
        point(world, exit, 1, **fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not Checkpoint.objects.done().exists()


def test_no_checkpoint_for_an_exit_that_is_not_to_employment(world):
    exit = record(world, "formation", employer_name="")
    with pytest.raises(ValidationError, match="pas sortie vers l'emploi"):
        point(world, exit, 1)
    other = record(world, "cdi", person=world.other_person)
    with pytest.raises(ValidationError, match="pas de point à 2 mois"):
        point(world, other, 2)
    with pytest.raises(ValidationError, match="ne suit pas cette personne"):
        checkpoint_record(
            actor=actor_for(world.outsider),
            exit=other,
            months=1,
            done_on=TODAY,
            still_employed=True,
            same_employer=True,
        )


def test_the_daily_run_marks_missed_points_and_proposes_exits_after_a_caf_closure(world):
    exit = record(world)  # points due 01/07, 01/09, 01/12/2026
    point(world, exit, 1)
    # The CAF closes the right of the other person's household; nothing is closed by itself.
    right = RsaRightFactory(state=RightState.CLOSED, closure_date=datetime.date(2026, 11, 30), closure_reason="PCG")
    HouseholdMemberFactory(household=right.household, person=world.other_person)
    result = exits_daily(today=TODAY)
    assert result == {"proposed": 1, "withdrawn": 0, "overdue": 1}
    overdue = Checkpoint.objects.get(exit=exit, months=3)
    assert overdue.risk_reason == RiskReason.OVERDUE and overdue.risk_since == TODAY
    assert Checkpoint.objects.get(exit=exit, months=6).risk_reason == ""  # due today: not missed yet
    proposal = ExitProposal.objects.get()
    assert proposal.person == world.other_person and proposal.status == ProposalStatus.PROPOSED
    assert Orientation.objects.current().filter(person=world.other_person).exists()
    # Run again: nothing new.
    assert exits_daily(today=TODAY) == {"proposed": 0, "withdrawn": 0, "overdue": 0}
    # The référent records the exit: the proposal is accepted and linked.
    exit2 = record(
        world, "fin_droit", person=world.other_person, exited_on=datetime.date(2026, 11, 30), employer_name=""
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.exit == exit2


def test_a_proposal_is_dismissed_with_a_reason_or_withdrawn_when_the_right_reopens(world):
    right = RsaRightFactory(state=RightState.CLOSED, closure_date=datetime.date(2026, 11, 30))
    HouseholdMemberFactory(household=right.household, person=world.person)
    exits_daily(today=TODAY)
    proposal = ExitProposal.objects.get()
    with pytest.raises(ValidationError, match="pourquoi le parcours continue"):
        exit_proposal_dismiss(actor=world.actor, proposal=proposal, reason="")
    with pytest.raises(ValidationError, match="ne suit pas"):
        exit_proposal_dismiss(actor=actor_for(world.outsider), proposal=proposal, reason="x")
    exit_proposal_dismiss(actor=world.actor, proposal=proposal, reason="accompagnement de 3 mois dans l'emploi")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED
    # A new closure later: a new proposal, withdrawn when the CAF reopens the right.
    right.closure_date = datetime.date(2027, 2, 28)
    right.save()
    exits_daily(today=datetime.date(2027, 3, 1))
    right.state = RightState.OPEN
    right.save()
    assert exits_daily(today=datetime.date(2027, 3, 2))["withdrawn"] == 1
    assert not ExitProposal.objects.filter(status=ProposalStatus.PROPOSED).exists()


def test_a_notebook_opened_on_exit_when_the_person_had_none(world):
    exit = record(world, "perdu_de_vue", person=world.other_person)
    assert Notebook.objects.get(person=world.other_person).closed_on == exit.exited_on


def test_a_person_whose_path_an_exit_ended_waits_in_no_orientation_queue_until_a_new_request(world):
    from jalon.orientation.selectors import orientation_queue

    link = HouseholdMemberFactory(person=world.person, household__departement=world.departement)
    right = RsaRightFactory(household=link.household, request_date=datetime.date(2025, 11, 3))
    officer = MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__departement=world.departement)
    queue = lambda: list(orientation_queue(actor=actor_for(officer), today=TODAY))  # noqa: E731

    record(world, "cdd_less_6", exited_on=datetime.date(2026, 6, 1))
    # Her right still runs, she has no current orientation: she left the path, she is not waiting for one.
    assert world.person not in queue()

    right.request_date = datetime.date(2026, 9, 14)  # she asks for the RSA again after her contract
    right.save()
    assert world.person in queue()
