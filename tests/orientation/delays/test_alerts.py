import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.delays.services import delay_alert_close, delay_alerts_raise
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert, DelayThresholds, OrientationSession, SessionParticipant
from jalon.people.enums import RightState
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.delays.conftest import on, orient, person_in_path
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

REQUESTED = datetime.date(2026, 9, 1)


def _open(person, step):
    return DelayAlert.objects.open().filter(person=person, step=step)


def _invite(person, organisation, day: datetime.date):
    start = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    session = OrientationSession.objects.create(
        departement_id=person.departement_id,
        organisation=organisation,
        starts_at=start + datetime.timedelta(days=7),
        ends_at=start + datetime.timedelta(days=7, hours=2),
        capacity=10,
    )
    return SessionParticipant.objects.create(session=session, person=person, invited_at=start)


def test_invitation_and_orientation_alerts_fire_the_day_after_the_threshold(landes, orientation_team):
    person = person_in_path(landes, requested=REQUESTED)
    # Default thresholds: first invitation within 15 days, orientation within 30 days of the request.
    with on(datetime.date(2026, 9, 16)):
        delay_alerts_raise(departement_id="40")
    assert not DelayAlert.objects.exists()  # day 15: still within the delay
    with on(datetime.date(2026, 9, 17)):
        result = delay_alerts_raise(departement_id="40")
    assert result["departements"]["40"]["raised"]["invitation"] == 1
    alert = _open(person, DelayStep.INVITATION).get()
    assert alert.due_on == datetime.date(2026, 9, 16) and alert.raised_on == datetime.date(2026, 9, 17)
    assert not _open(person, DelayStep.ORIENTATION).exists()
    with on(datetime.date(2026, 10, 1)):
        delay_alerts_raise(departement_id="40")
    assert not _open(person, DelayStep.ORIENTATION).exists()  # day 30
    with on(datetime.date(2026, 10, 2)):
        delay_alerts_raise(departement_id="40")
    assert _open(person, DelayStep.ORIENTATION).get().due_on == datetime.date(2026, 10, 1)


def test_an_alert_is_raised_once_and_closed_when_the_step_is_done(landes, orientation_team, france_travail):
    person = person_in_path(landes, requested=REQUESTED)
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40")
        again = delay_alerts_raise(departement_id="40")
    assert again["raised"] == 0
    assert DelayAlert.objects.filter(person=person).count() == 2  # invitation and orientation, once each

    _invite(person, orientation_team.organisation, datetime.date(2026, 10, 6))
    with on(datetime.date(2026, 10, 7)):
        result = delay_alerts_raise(departement_id="40")
    invitation = DelayAlert.objects.get(person=person, step=DelayStep.INVITATION)
    assert invitation.closed_at is not None and invitation.close_reason == "étape réalisée"
    assert result["closed"] == 1 and _open(person, DelayStep.ORIENTATION).exists()

    agency, referent, _ = france_travail
    orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 10, 8))
    with on(datetime.date(2026, 10, 9)):
        delay_alerts_raise(departement_id="40")
    assert not DelayAlert.objects.open().filter(person=person).exists()
    assert DelayAlert.objects.get(person=person, step=DelayStep.ORIENTATION).close_reason == "étape réalisée"


def test_people_outside_the_path_raise_nothing(landes, orientation_team):
    person_in_path(landes, requested=REQUESTED, state=RightState.CLOSED)
    person_in_path(landes, requested=REQUESTED, state=RightState.PENDING)
    with on(datetime.date(2026, 12, 1)):
        assert delay_alerts_raise(departement_id="40")["raised"] == 0


def test_referent_steps_go_to_the_organisation_in_charge_and_the_current_referent(
    landes, orientation_team, france_travail
):
    agency, referent, _ = france_travail
    person = person_in_path(landes, requested=datetime.date(2026, 1, 5))
    orientation = orient(person, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 2, 1))
    # Defaults: first appointment within 30 days of the decision, contract within 60.
    with on(datetime.date(2026, 3, 3)):
        delay_alerts_raise(departement_id="40")
    assert not DelayAlert.objects.exists()
    with on(datetime.date(2026, 3, 4)):
        delay_alerts_raise(departement_id="40")
    alert = _open(person, DelayStep.FIRST_APPOINTMENT).get()
    assert alert.organisation == agency and alert.recipient == referent.user

    # The référent changed since the decision: the contract alert goes to the new one.
    from jalon.orientation.models import ReferentAssignment

    colleague = MembershipFactory(role=Role.REFERENT, organisation=agency)
    ReferentAssignment.objects.filter(person=person).update(ended_on=datetime.date(2026, 3, 10))
    ReferentAssignment.objects.create(person=person, referent=colleague.user, organisation=agency)
    with on(datetime.date(2026, 4, 3)):
        delay_alerts_raise(departement_id="40")
    assert _open(person, DelayStep.CONTRACT).get().recipient == colleague.user

    orientation.first_appointment_on = datetime.date(2026, 4, 3)
    orientation.save()
    with on(datetime.date(2026, 4, 4)):
        delay_alerts_raise(departement_id="40")
    assert not _open(person, DelayStep.FIRST_APPOINTMENT).exists()
    assert _open(person, DelayStep.CONTRACT).exists()


def test_team_alerts_go_to_the_orientation_organisation_covering_the_commune(
    landes, orientation_team, communes, territories
):
    # A second orientation organisation (an SDSEI) whose chargée is limited to the Dax territory.
    dax_team = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="sdsei", organisation__departement=landes
    )
    dax_team.territories.set([territories["dax"]])
    in_dax = person_in_path(landes, commune=communes["dax"])
    elsewhere = person_in_path(landes, commune=communes["mdm"])
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40")
    for alert in DelayAlert.objects.filter(person=in_dax):
        assert alert.organisation == dax_team.organisation and alert.recipient is None
    for alert in DelayAlert.objects.filter(person=elsewhere):
        assert alert.organisation == orientation_team.organisation and alert.recipient is None


def test_each_recipient_gets_one_digest_with_counts_only(
    landes, orientation_team, france_travail, django_capture_on_commit_callbacks
):
    agency, referent, _ = france_travail
    waiting = [person_in_path(landes, last_name=f"Attente{n}", first_name=f"Prenom{n}") for n in range(3)]
    followed = person_in_path(landes, requested=datetime.date(2026, 1, 5), last_name="Suivie", first_name="Ysaline")
    orient(followed, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 8, 1))
    with on(datetime.date(2026, 10, 5)), django_capture_on_commit_callbacks(execute=True):
        result = delay_alerts_raise(departement_id="40")
    assert result["notified"] == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {orientation_team.user.email, referent.user.email}
    team_mail = by_recipient[orientation_team.user.email]
    assert "6 nouvelles alertes" in team_mail.subject  # 3 people × (invitation, orientation)
    assert "- première invitation : 3" in team_mail.body and "- orientation : 3" in team_mail.body
    assert f"{settings.JALON_SITE_URL}/orientation/alertes/" in team_mail.body
    referent_mail = by_recipient[referent.user.email]
    assert "2 nouvelles alertes" in referent_mail.subject
    for message in mail.outbox:  # nothing personal leaves by e-mail
        for person in [*waiting, followed]:
            assert person.last_name not in message.body and person.first_name not in message.body

    mail.outbox.clear()
    with on(datetime.date(2026, 10, 6)), django_capture_on_commit_callbacks(execute=True):
        delay_alerts_raise(departement_id="40")
    assert mail.outbox == []  # nothing new, no e-mail


def test_the_run_is_audited_with_its_counts(landes, orientation_team):
    person_in_path(landes)
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40")
    event = AuditEvent.objects.get(code=AuditCode.ALERTS_RAISED)
    assert event.data["raised"] == 2 and event.data["departements"]["40"]["raised"]["orientation"] == 1


def test_each_departement_uses_its_own_thresholds(landes, orientation_team):
    bearn = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    DelayThresholds.objects.create(departement=bearn, invitation_days=7, orientation_days=15)
    in_landes = person_in_path(landes, requested=REQUESTED)
    in_bearn = person_in_path(bearn, requested=REQUESTED)
    with on(datetime.date(2026, 9, 20)):  # 19 days after the request
        delay_alerts_raise()
    assert _open(in_bearn, DelayStep.ORIENTATION).exists()
    assert not _open(in_landes, DelayStep.ORIENTATION).exists()
    assert _open(in_landes, DelayStep.INVITATION).exists()


def test_a_longer_threshold_closes_the_alerts_no_longer_late(landes, orientation_team):
    person = person_in_path(landes, requested=REQUESTED)
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40")
    DelayThresholds.objects.create(departement=landes, invitation_days=60, orientation_days=60)
    with on(datetime.date(2026, 10, 6)):
        delay_alerts_raise(departement_id="40")
    assert not DelayAlert.objects.open().filter(person=person).exists()
    assert DelayAlert.objects.filter(person=person, close_reason__startswith="n'est plus en retard").count() == 2


def test_closing_an_alert_by_hand(landes, orientation_team):
    person = person_in_path(landes)
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40")
    alert = _open(person, DelayStep.ORIENTATION).get()
    actor = actor_for(orientation_team)
    with pytest.raises(ValidationError, match="Indiquez ce qui a été fait"):
        delay_alert_close(actor=actor, alert=alert, reason="  ")
    alert.refresh_from_db()
    assert alert.closed_at is None
    delay_alert_close(actor=actor, alert=alert, reason="personne injoignable, courrier envoyé")
    alert.refresh_from_db()
    assert alert.closed_by == orientation_team.user and alert.close_reason.startswith("personne injoignable")
    event = AuditEvent.objects.get(code=AuditCode.ALERT_CLOSED)
    assert event.person_id == person.pk
    with pytest.raises(ValidationError, match="déjà traitée"):
        delay_alert_close(actor=actor, alert=alert, reason="encore")
    # Still late the next night, but handled by hand: not raised again for the same delay.
    with on(datetime.date(2026, 10, 6)):
        delay_alerts_raise(departement_id="40")
    assert DelayAlert.objects.filter(person=person, step=DelayStep.ORIENTATION).count() == 1
    assert _open(person, DelayStep.INVITATION).exists()  # the other step is still watched


def test_alerts_of_a_referent_reach_their_inbox_once_per_run(landes, orientation_team, france_travail):
    from jalon.inbox.models import Notification

    agency, referent, _ = france_travail
    followed = person_in_path(landes, requested=datetime.date(2026, 1, 5), last_name="Suivie", first_name="Ysaline")
    orient(followed, organisation=agency, referent=referent.user, decided_on=datetime.date(2026, 8, 1))
    with on(datetime.date(2026, 10, 5)):
        delay_alerts_raise(departement_id="40", notify=False)
    [notification] = Notification.objects.filter(recipient=referent.user)
    assert notification.kind == "alerte_delai" and notification.organisation == agency
    assert notification.title.startswith("2 nouvelles alertes") and notification.url == "/orientation/alertes/"
    assert "Ysaline" not in notification.title
    with on(datetime.date(2026, 10, 6)):
        delay_alerts_raise(departement_id="40", notify=False)
    assert Notification.objects.filter(recipient=referent.user).count() == 1  # nothing new, nothing more
