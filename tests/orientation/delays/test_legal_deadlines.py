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
