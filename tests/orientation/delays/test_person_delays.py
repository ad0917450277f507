import datetime

import pytest
from django.urls import reverse

from jalon.orientation.delays.selectors import person_delays
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import OrientationSession, SessionParticipant
from jalon.people.models import RsaRight
from tests.orientation.delays.conftest import PARIS, orient, person_in_path


pytestmark = pytest.mark.django_db


def test_a_persons_delays_against_the_thresholds(landes, orientation_team, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=datetime.date(2026, 3, 1))
    RsaRight.objects.filter(household__members__person=person).update(opening_date=datetime.date(2026, 3, 20))
    session = OrientationSession.objects.create(
        departement=landes,
        organisation=orientation_team.organisation,
        starts_at=datetime.datetime(2026, 3, 25, 9, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 3, 25, 11, tzinfo=PARIS),
        capacity=10,
    )
    SessionParticipant.objects.create(
        session=session, person=person, invited_at=datetime.datetime(2026, 3, 12, 23, 30, tzinfo=PARIS)
    )
    orient(
        person,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 3, 26),
        first_appointment_on=datetime.date(2026, 5, 4),
    )
    delays = person_delays(person=person, today=datetime.date(2026, 6, 10))
    assert delays.right_requested_on == datetime.date(2026, 3, 1)
    assert delays.right_opened_on == datetime.date(2026, 3, 20)
    assert delays.first_invited_on == datetime.date(2026, 3, 12)  # the local day, not the UTC one
    steps = {step.step: step for step in delays.steps}
    assert (steps[DelayStep.INVITATION].days, steps[DelayStep.INVITATION].exceeded) == (11, False)
    assert (steps[DelayStep.ORIENTATION].days, steps[DelayStep.ORIENTATION].exceeded) == (25, False)
    # First appointment 39 days after the decision: past the 30 days.
    assert (steps[DelayStep.FIRST_APPOINTMENT].days, steps[DelayStep.FIRST_APPOINTMENT].exceeded) == (39, True)
    # No contract yet, 76 days after the decision: pending and past the 60 days.
    contract = steps[DelayStep.CONTRACT]
    assert (contract.days, contract.pending, contract.exceeded) == (76, True, True)
    assert contract.due_on == datetime.date(2026, 5, 25)
    assert [step.step for step in delays.exceeded] == [DelayStep.FIRST_APPOINTMENT, DelayStep.CONTRACT]


def test_a_person_not_yet_oriented_has_two_steps(landes):
    person = person_in_path(landes, requested=datetime.date(2026, 9, 1))
    delays = person_delays(person=person, today=datetime.date(2026, 9, 10))
    assert [step.step for step in delays.steps] == [DelayStep.INVITATION, DelayStep.ORIENTATION]
    assert all(step.pending and not step.exceeded and step.days == 9 for step in delays.steps)


def test_the_person_snippet_renders(rf, landes):
    from django.template.loader import render_to_string

    person = person_in_path(landes, requested=datetime.date(2026, 9, 1))
    html = render_to_string(
        "orientation/delays/_person_delays.html",
        {"delays": person_delays(person=person, today=datetime.date(2026, 10, 10))},
    )
    assert "<caption>Délais du parcours de la personne</caption>" in html
    assert "39 jours (en cours)" in html and "30 jours — dépassé" in html
    assert reverse("orientation:delays")  # the area's URLs are wired


def test_a_former_rsa_period_does_not_count(landes, france_travail):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=datetime.date(2026, 9, 1))
    # Oriented during a former period, and still: the orientation step of this request is done at once.
    orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2024, 5, 2))
    delays = person_delays(person=person, today=datetime.date(2026, 10, 20))
    orientation = next(step for step in delays.steps if step.step == DelayStep.ORIENTATION)
    assert (orientation.done_on, orientation.days, orientation.exceeded) == (datetime.date(2026, 9, 1), 0, False)


def test_an_oriented_person_never_invited_in_jalon_is_not_waiting_for_an_invitation(rf, landes, france_travail):
    """Oriented in 2019 without an invitation recorded here: the invitation step closed with the orientation, as
    for the alerts, not « pas encore — 2 611 jours (en cours) — dépassé »."""
    from django.template.loader import render_to_string

    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=datetime.date(2019, 3, 12))
    RsaRight.objects.filter(household__members__person=person).update(opening_date=datetime.date(2019, 3, 1))
    orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2019, 4, 2))
    delays = person_delays(person=person, today=datetime.date(2026, 5, 4))
    invitation = next(step for step in delays.steps if step.step == DelayStep.INVITATION)
    assert (invitation.done_on, invitation.pending, invitation.days) == (datetime.date(2019, 4, 2), False, 21)
    html = " ".join(render_to_string("orientation/delays/_person_delays.html", {"delays": delays}).split())
    assert "(en cours)" not in html.split("Orientation")[0]
    # The CAF's start of the right is the first of the month of the request: said so, not « ouvert » before it.
    assert "Droit demandé le 12/03/2019, RSA dû à partir du 01/03/2019 (premier jour du mois de la demande)" in html
    assert "ouvert le" not in html
