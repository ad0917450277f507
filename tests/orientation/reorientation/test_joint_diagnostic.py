"""The joint diagnostic of the social path (art. L. 262-31 and D. 262-65-2-1 CASF): France Travail and the organisme
référent examine within six months (twelve for particular difficulties) whether the person can join a professional
path; a réorientation goes to the EPL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.orientation.enums import OrientationType, ReorientationStatus
from jalon.orientation.models import Orientation, ReorientationRequest
from jalon.orientation.reorientation import services
from jalon.orientation.services import orientation_decide
from tests.conftest import actor_for
from tests.orientation.reorientation.conftest import _person


pytestmark = pytest.mark.django_db
DECIDED_ON = datetime.date(2026, 3, 2)


@pytest.fixture
def in_social_path(landes, officer, social):
    service, referent, dispositif = social
    person = _person(landes, last_name="Sociale")
    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=OrientationType.SOCIAL,
        organisation=service,
        referent=referent.user,
        dispositif=dispositif,
        decided_on=DECIDED_ON,
    )
    return person


def test_the_referent_records_a_diagnostic_that_keeps_the_social_path(login_as, in_social_path, social):
    _service, referent, _ = social
    client = login_as(referent)
    url = reverse("orientation:joint_diagnostic", kwargs={"person_pk": in_social_path.pk})
    page = client.get(url).content.decode()
    assert "01/09/2026" in page  # 2 March + 183 days
    response = client.post(url, {"held_on": "2026-08-20", "outcome": "maintien", "comment": ""})
    assert response.status_code == 302
    orientation = Orientation.objects.get(person=in_social_path, ended_on=None)
    assert (orientation.joint_diagnostic_on, orientation.joint_diagnostic_outcome) == (
        datetime.date(2026, 8, 20),
        "maintien",
    )
    assert AuditEvent.objects.filter(code=AuditCode.JOINT_DIAGNOSTIC_RECORDED, person_id=in_social_path.pk).exists()
    assert not ReorientationRequest.objects.filter(person=in_social_path).exists()
    file = client.get(reverse("people:detail", kwargs={"pk": in_social_path.pk})).content.decode()
    assert "Réalisé le 20/08/2026" in file


def test_a_diagnostic_proposing_work_opens_a_reorientation_request_with_its_reason(in_social_path, social):
    _service, referent, _ = social
    _orientation, request = services.joint_diagnostic_record(
        actor=actor_for(referent),
        person=in_social_path,
        held_on=datetime.date(2026, 8, 20),
        outcome="reorientation",
        comment="Projet de cariste, santé stabilisée.",
    )
    assert request.status == ReorientationStatus.REQUESTED
    assert "Diagnostic conjoint du 20/08/2026" in request.reason and "cariste" in request.reason


def test_bad_input_is_refused_and_nothing_is_written(in_social_path, social, landes, officer, france_travail):
    _service, referent, _ = social
    actor = actor_for(referent)
    refusals = [
        dict(held_on=datetime.date(2026, 8, 20), outcome="reorientation", comment=""),  # no reason for the EPL
        dict(held_on=datetime.date(2026, 2, 1), outcome="maintien"),  # before the orientation
        dict(held_on=datetime.date(2099, 1, 1), outcome="maintien"),  # in the future
        dict(held_on=datetime.date(2026, 8, 20), outcome="autre"),
    ]
    for data in refusals:
        with pytest.raises(ValidationError):
            services.joint_diagnostic_record(actor=actor, person=in_social_path, **data)
    orientation = Orientation.objects.get(person=in_social_path, ended_on=None)
    assert orientation.joint_diagnostic_on is None and orientation.joint_diagnostic_outcome == ""
    assert not ReorientationRequest.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.JOINT_DIAGNOSTIC_RECORDED).exists()
    # Not in the social path: nothing to diagnose.
    professional = _person(landes, last_name="Pro")
    agency, ft_referent, dispositif = france_travail
    orientation_decide(
        actor=actor_for(officer),
        person=professional,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=ft_referent.user,
        dispositif=dispositif,
        decided_on=DECIDED_ON,
    )
    with pytest.raises(ValidationError, match="parcours social"):
        services.joint_diagnostic_record(
            actor=actor_for(officer), person=professional, held_on=datetime.date(2026, 8, 20), outcome="maintien"
        )


def test_the_extension_brings_the_deadline_to_twelve_months_once(login_as, in_social_path, social):
    _service, referent, _ = social
    client = login_as(referent)
    extend = reverse("orientation:joint_diagnostic_extend", kwargs={"person_pk": in_social_path.pk})
    client.post(extend, {"reason": ""})
    assert Orientation.objects.get(person=in_social_path, ended_on=None).joint_diagnostic_extension == ""
    client.post(extend, {"reason": "garde_enfant"})
    page = client.get(reverse("orientation:joint_diagnostic", kwargs={"person_pk": in_social_path.pk}))
    assert "02/03/2027" in page.content.decode()  # 2 March 2026 + 365 days
    event = AuditEvent.objects.get(code=AuditCode.JOINT_DIAGNOSTIC_EXTENDED)
    assert event.data["new"] == {"joint_diagnostic_extension": "garde_enfant"}


def test_a_referent_of_another_structure_finds_nothing(login_as, in_social_path, france_travail):
    _agency, ft_referent, _ = france_travail
    url = reverse("orientation:joint_diagnostic", kwargs={"person_pk": in_social_path.pk})
    assert login_as(ft_referent).get(url).status_code == 404
