"""The deadlines of décret n° 2024-1244 du 30 décembre 2024 applied as a Département's thresholds, watched by the
delay alerts: nothing the day before nor the day of the deadline, the alert the day after."""

import datetime

import pytest

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.delays.services import LEGAL_DEADLINES, delay_alerts_raise, delay_thresholds_apply_legal
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert, DelayThresholds
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import on, orient, person_in_path


pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)


@pytest.fixture
def legal(landes):
    cd = OrganisationFactory(kind="cd", departement=landes)
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd)
    return delay_thresholds_apply_legal(actor=actor_for(admin), departement_id=landes.pk)


def _alerts(person, step, day):
    with on(day):
        delay_alerts_raise(departement_id="40")
    return DelayAlert.objects.open().filter(person=person, step=step)


def test_the_legal_preset_sets_six_weeks_and_one_month_with_its_reference(legal):
    thresholds = DelayThresholds.objects.get(departement_id="40")
    assert (thresholds.orientation_days, thresholds.contract_days) == (42, 30)
    assert thresholds.invitation_days <= 42 and thresholds.first_appointment_days <= 30
    assert all("2024-1244" in reference for *_rest, reference in LEGAL_DEADLINES)
    assert AuditEvent.objects.filter(code=AuditCode.THRESHOLDS_CHANGED).exists()


def test_orientation_within_six_weeks_of_the_request(legal, landes, orientation_team):
    person = person_in_path(landes, requested=START)
    deadline = START + datetime.timedelta(days=42)  # 13 October 2026
    assert not _alerts(person, DelayStep.ORIENTATION, deadline - datetime.timedelta(days=1)).exists()
    assert not _alerts(person, DelayStep.ORIENTATION, deadline).exists()
    alert = _alerts(person, DelayStep.ORIENTATION, deadline + datetime.timedelta(days=1)).get()
    assert alert.due_on == deadline


def test_contract_within_a_month_of_the_orientation(legal, landes, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=START - datetime.timedelta(days=10))
    orient(person, organisation=agency, referent=referent.user, decided_on=START)
    deadline = START + datetime.timedelta(days=30)  # 1 October 2026
    assert not _alerts(person, DelayStep.CONTRACT, deadline - datetime.timedelta(days=1)).exists()
    assert not _alerts(person, DelayStep.CONTRACT, deadline).exists()
    alert = _alerts(person, DelayStep.CONTRACT, deadline + datetime.timedelta(days=1)).get()
    assert alert.due_on == deadline


# -- the joint diagnostic of the social path (six months, twelve when extended) -----------------------------------


def test_joint_diagnostic_within_six_months_of_a_social_orientation(legal, landes, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=START - datetime.timedelta(days=10))
    orient(person, organisation=agency, referent=referent.user, decided_on=START)
    deadline = START + datetime.timedelta(days=183)  # 3 March 2027
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, deadline - datetime.timedelta(days=1)).exists()
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, deadline).exists()
    alert = _alerts(person, DelayStep.JOINT_DIAGNOSTIC, deadline + datetime.timedelta(days=1)).get()
    assert alert.due_on == deadline and alert.recipient == referent.user


def test_an_extended_joint_diagnostic_has_twelve_months(legal, landes, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=START - datetime.timedelta(days=10))
    orient(person, organisation=agency, referent=referent.user, decided_on=START, joint_diagnostic_extension="sante")
    deadline = START + datetime.timedelta(days=365)  # 1 September 2027
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, START + datetime.timedelta(days=184)).exists()
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, deadline).exists()
    alert = _alerts(person, DelayStep.JOINT_DIAGNOSTIC, deadline + datetime.timedelta(days=1)).get()
    assert alert.due_on == deadline


@pytest.mark.parametrize(
    ("orientation_type", "decided_on"),
    [
        ("professionnel", START),  # not the social path
        ("social", datetime.date(2024, 6, 3)),  # decided before the law: the transition's two years apply
    ],
)
def test_no_joint_diagnostic_outside_social_orientations_under_the_law(
    legal, landes, france_travail, orientation_type, decided_on
):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=decided_on - datetime.timedelta(days=10))
    orient(
        person, organisation=agency, referent=referent.user, decided_on=decided_on, orientation_type=orientation_type
    )
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, START + datetime.timedelta(days=400)).exists()


def test_recording_the_joint_diagnostic_closes_its_alert(legal, landes, france_travail):
    from jalon.orientation.reorientation.services import joint_diagnostic_record

    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=START - datetime.timedelta(days=10))
    orient(person, organisation=agency, referent=referent.user, decided_on=START)
    after = START + datetime.timedelta(days=190)
    alert = _alerts(person, DelayStep.JOINT_DIAGNOSTIC, after).get()
    with on(after):
        joint_diagnostic_record(
            actor=actor_for(referent), person=person, held_on=after, outcome="maintien", comment=""
        )
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert not _alerts(person, DelayStep.JOINT_DIAGNOSTIC, after + datetime.timedelta(days=30)).exists()


# -- people accompanied on 1 January 2025: a contrat d'engagement within two years --------------------------------


def test_transition_contract_within_two_years_of_the_law(legal, landes, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=datetime.date(2023, 4, 3))
    orient(
        person,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2023, 5, 2),
        contract_signed_on=datetime.date(2023, 6, 1),  # a CER: not a contrat d'engagement
    )
    deadline = datetime.date(2027, 1, 1)  # 1 January 2025 + 730 days
    assert not _alerts(person, DelayStep.TRANSITION, datetime.date(2026, 12, 31)).exists()
    assert not _alerts(person, DelayStep.TRANSITION, deadline).exists()
    alert = _alerts(person, DelayStep.TRANSITION, deadline + datetime.timedelta(days=1)).get()
    assert alert.due_on == deadline and alert.recipient == referent.user


def test_a_signed_contrat_d_engagement_or_a_recent_orientation_is_out_of_the_transition(legal, landes, france_travail):
    agency, referent, _ = france_travail
    signed = person_in_path(landes, requested=datetime.date(2023, 4, 3))
    orient(
        signed,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2023, 5, 2),
        engagement_signed_on=datetime.date(2025, 10, 1),
    )
    recent = person_in_path(landes, requested=datetime.date(2025, 2, 3))
    orient(recent, organisation=agency, referent=referent.user, decided_on=datetime.date(2025, 3, 3))
    for person in (signed, recent):
        assert not _alerts(person, DelayStep.TRANSITION, datetime.date(2027, 2, 1)).exists()


def test_the_legal_preset_brings_back_the_plein_emploi_steps(legal, landes):
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)
    from jalon.orientation.delays.services import delay_thresholds_update

    delay_thresholds_update(
        actor=actor_for(admin),
        departement_id="40",
        data={"joint_diagnostic_days": 90, "joint_diagnostic_extended_days": 200, "transition_days": 365},
    )
    delay_thresholds_apply_legal(actor=actor_for(admin), departement_id="40")
    thresholds = DelayThresholds.objects.get(departement_id="40")
    assert (
        thresholds.joint_diagnostic_days,
        thresholds.joint_diagnostic_extended_days,
        thresholds.transition_days,
    ) == (183, 365, 730)


def test_an_extended_delay_shorter_than_the_ordinary_one_is_refused(legal, landes):
    from django.core.exceptions import ValidationError

    from jalon.orientation.delays.services import delay_thresholds_update

    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)
    with pytest.raises(ValidationError) as refused:
        delay_thresholds_update(
            actor=actor_for(admin), departement_id="40", data={"joint_diagnostic_extended_days": 100}
        )
    assert "délai prolongé" in refused.value.message_dict["joint_diagnostic_extended_days"][0]
    assert DelayThresholds.objects.get(departement_id="40").joint_diagnostic_extended_days == 365
