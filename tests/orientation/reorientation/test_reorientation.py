import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import OrientationType, ReorientationStatus
from jalon.orientation.models import Dispositif, EplMeeting, Orientation, ReferentAssignment, ReorientationRequest
from jalon.orientation.reorientation import selectors, services
from jalon.orientation.services import orientation_decide
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.reorientation.conftest import PARIS, _meeting, _person, _request, _scheduled
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryFactory


pytestmark = pytest.mark.django_db


def _nothing_requested():
    return (
        not ReorientationRequest.objects.exists()
        and not AuditEvent.objects.filter(code=AuditCode.REORIENTATION_REQUESTED).exists()
        and not ChangeEvent.objects.filter(kind=ChangeKind.REORIENTATION_REQUESTED).exists()
    )


# --- Requests -------------------------------------------------------------------------------------------------


def test_a_request_is_recorded_with_the_current_orientation_audited_and_in_the_history(officer, oriented):
    request = _request(officer, oriented, requested_type=OrientationType.SOCIAL, requested_by_person=True)
    assert request.status == ReorientationStatus.REQUESTED
    assert request.from_orientation == Orientation.objects.current().get(person=oriented)
    assert request.requested_by == officer.user and request.requested_by_person
    audit = AuditEvent.objects.get(code=AuditCode.REORIENTATION_REQUESTED)
    assert audit.person_id == oriented.pk and audit.data["new"]["requested_type"] == "social"
    event = ChangeEvent.objects.get(kind=ChangeKind.REORIENTATION_REQUESTED)
    assert event.person == oriented and "santé" in event.data["reason"]


def test_a_request_needs_a_current_orientation(landes, officer):
    person = _person(landes, last_name="Nonoriente")
    with pytest.raises(ValidationError, match="pas d'orientation en cours : orientez d'abord la personne"):
        _request(officer, person)
    assert _nothing_requested()


def test_a_request_needs_a_reason(officer, oriented):
    with pytest.raises(ValidationError) as error:
        _request(officer, oriented, reason="   ")
    assert error.value.message_dict == {"reason": ["Indiquez le motif de la demande de réorientation."]}
    assert _nothing_requested()


def test_one_pending_request_per_person(officer, oriented):
    first = _request(officer, oriented)
    with pytest.raises(ValidationError, match="déjà en cours .* retirez-la"):
        _request(officer, oriented, reason="Une seconde demande")
    assert list(ReorientationRequest.objects.all()) == [first]
    assert AuditEvent.objects.filter(code=AuditCode.REORIENTATION_REQUESTED).count() == 1


def test_a_dispositif_of_another_departement_is_refused(officer, oriented):
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    elsewhere = Dispositif.objects.create(
        departement=gironde, name="Accompagnement global", orientation_type=OrientationType.SOCIO_PROFESSIONAL
    )
    with pytest.raises(ValidationError, match="n'appartient pas au département"):
        _request(officer, oriented, requested_dispositif=elsewhere)
    assert _nothing_requested()


def test_withdraw_takes_the_request_off_the_agenda_and_only_once(officer, oriented):
    request, meeting = _scheduled(officer, oriented)
    with pytest.raises(ValidationError, match="Indiquez pourquoi"):
        services.reorientation_withdraw(actor=actor_for(officer), request=request, reason="")
    request.refresh_from_db()
    assert request.status == ReorientationStatus.SCHEDULED
    services.reorientation_withdraw(
        actor=actor_for(officer), request=request, reason="La personne a retrouvé un emploi."
    )
    request.refresh_from_db()
    assert request.status == ReorientationStatus.WITHDRAWN and request.epl_meeting is None
    assert not meeting.agenda.exists()
    with pytest.raises(ValidationError, match="déjà retirée : elle ne peut plus être retirée"):
        services.reorientation_withdraw(actor=actor_for(officer), request=request, reason="encore")
    # A new request is possible once the first is withdrawn.
    assert _request(officer, oriented, reason="Nouvelle situation").status == ReorientationStatus.REQUESTED


# --- EPL meetings ---------------------------------------------------------------------------------------------


def test_epl_members_must_belong_to_the_departement(landes, officer):
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    outsider = MembershipFactory(role=Role.REFERENT, organisation__departement=gironde)
    with pytest.raises(ValidationError, match="n'est membre actif d'aucune structure du département"):
        _meeting(officer, members=[officer.user, outsider.user])
    with pytest.raises(ValidationError, match="au moins un membre"):
        _meeting(officer, members=[])
    inactive = MembershipFactory(role=Role.REFERENT, organisation__departement=landes, is_active=False)
    with pytest.raises(ValidationError, match="n'est membre actif"):
        _meeting(officer, members=[inactive.user])
    other_territory = TerritoryFactory(departement=gironde)
    with pytest.raises(ValidationError, match="Ce territoire n'appartient pas à votre département"):
        _meeting(officer, territory=other_territory)
    assert not EplMeeting.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.EPL_MEETING_SAVED).exists()


def test_a_territory_limited_manager_creates_epl_of_their_territory_only(landes):
    dax, mont = TerritoryFactory(departement=landes), TerritoryFactory(departement=landes)
    manager = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="sdsei", organisation__departement=landes
    )
    manager.territories.set([dax])
    with pytest.raises(ValidationError, match="Choisissez l'un des territoires"):
        _meeting(manager)
    with pytest.raises(ValidationError, match="Choisissez l'un des territoires"):
        _meeting(manager, territory=mont)
    assert _meeting(manager, territory=dax).territory == dax


def test_scheduling_rules(landes, officer, oriented):
    request = _request(officer, oriented)
    closed = _meeting(officer)
    services.epl_meeting_close(actor=actor_for(officer), meeting=closed, minutes="Rien à l'ordre du jour.")
    with pytest.raises(ValidationError, match="clôturée"):
        services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=closed)
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    gironde_officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=gironde
    )
    with pytest.raises(ValidationError, match="ne relève pas du département de cette EPL"):
        services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=_meeting(gironde_officer))
    # A meeting limited to a territory takes only its inhabitants.
    oriented.commune = CommuneFactory(departement=landes)
    oriented.save()
    elsewhere = TerritoryFactory(departement=landes)
    with pytest.raises(ValidationError, match="n'habite pas le territoire de cette EPL"):
        services.reorientation_schedule(
            actor=actor_for(officer), request=request, meeting=_meeting(officer, territory=elsewhere)
        )
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REQUESTED and request.epl_meeting is None
    meeting = _meeting(officer)
    services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting)
    with pytest.raises(ValidationError, match="seule une demande en attente"):
        services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=_meeting(officer))
    request.refresh_from_db()
    assert request.epl_meeting == meeting and request.status == ReorientationStatus.SCHEDULED


def test_agenda_add_is_all_or_nothing(landes, officer, oriented):
    other = _person(landes)
    orientation_decide(
        actor=actor_for(officer),
        person=other,
        orientation_type=OrientationType.SOCIAL,
        organisation=officer.organisation,
        referent=officer.user,
    )
    first, second = _request(officer, oriented), _request(officer, other)
    services.reorientation_withdraw(actor=actor_for(officer), request=second, reason="Retirée")
    meeting = _meeting(officer)
    with pytest.raises(ValidationError, match="seule une demande en attente"):
        services.epl_agenda_add(actor=actor_for(officer), meeting=meeting, requests=[first, second])
    first.refresh_from_db()
    assert first.status == ReorientationStatus.REQUESTED and not meeting.agenda.exists()


def test_no_decision_without_an_epl(officer, oriented, social):
    service, referent, dispositif = social
    request = _request(officer, oriented)
    with pytest.raises(ValidationError, match="Une réorientation se décide en équipe pluridisciplinaire"):
        services.reorientation_decide(
            actor=actor_for(officer),
            request=request,
            accepted=True,
            decision_reason="Accord",
            orientation_type=OrientationType.SOCIAL,
            organisation=service,
            referent=referent.user,
        )
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REQUESTED
    assert Orientation.objects.filter(person=oriented).count() == 1


@pytest.mark.parametrize("case", ["no_reason", "no_type", "referent_elsewhere", "dispositif_not_carried", "future"])
def test_bad_decisions_are_refused_in_french_and_write_nothing(officer, oriented, social, france_travail, case):
    service, referent, dispositif = social
    agency = france_travail[0]
    held_at = timezone.now() + datetime.timedelta(days=3) if case == "future" else None
    request, meeting = _scheduled(officer, oriented, held_at=held_at)
    values = {
        "accepted": True,
        "decision_reason": "Accord de l'équipe",
        "orientation_type": OrientationType.SOCIAL,
        "organisation": service,
        "referent": referent.user,
        "dispositif": dispositif,
    }
    expected = {
        "no_reason": "Indiquez le motif de la décision",
        "no_type": "Choisissez le type de la nouvelle orientation",
        "referent_elsewhere": "n'est pas membre de",
        "dispositif_not_carried": "ne porte pas le dispositif",
        "future": "n'a pas encore eu lieu : la décision se prend en séance",
    }[case]
    if case == "no_reason":
        values["decision_reason"] = " "
    elif case == "no_type":
        values["orientation_type"] = None
    elif case == "referent_elsewhere":
        values["referent"] = france_travail[1].user
    elif case == "dispositif_not_carried":
        values["organisation"], values["referent"] = agency, france_travail[1].user
    audits = AuditEvent.objects.count()
    events = ChangeEvent.objects.count()
    with pytest.raises(ValidationError, match=expected):
        services.reorientation_decide(actor=actor_for(officer), request=request, **values)
    request.refresh_from_db()
    assert request.status == ReorientationStatus.SCHEDULED and request.new_orientation is None
    current = Orientation.objects.current().get(person=oriented)
    assert current.organisation == agency and current.end_reason == ""
    assert Orientation.objects.filter(person=oriented).count() == 1
    assert ReferentAssignment.objects.filter(person=oriented).count() == 1
    assert (AuditEvent.objects.count(), ChangeEvent.objects.count()) == (audits, events)


def test_an_accepted_reorientation_ends_the_orientation_and_names_the_referent(officer, oriented, social):
    service, referent, dispositif = social
    previous = Orientation.objects.current().get(person=oriented)
    request, meeting = _scheduled(officer, oriented)
    services.reorientation_decide(
        actor=actor_for(officer),
        request=request,
        accepted=True,
        decision_reason="La santé passe d'abord.",
        orientation_type=OrientationType.SOCIAL,
        organisation=service,
        referent=referent.user,
        dispositif=dispositif,
    )
    request.refresh_from_db()
    previous.refresh_from_db()
    current = Orientation.objects.current().get(person=oriented)
    assert request.status == ReorientationStatus.ACCEPTED and request.new_orientation == current
    assert request.decided_on == timezone.localdate(meeting.held_at) and request.decided_by == officer.user
    assert previous.ended_on == request.decided_on and previous.end_reason == "réorientation"
    assert current.organisation == service and current.referent == referent.user
    assert ReferentAssignment.objects.current().get(person=oriented).referent == referent.user
    assert AuditEvent.objects.filter(code=AuditCode.REORIENTATION_DECIDED, person_id=oriented.pk).exists()
    kinds = list(ChangeEvent.objects.filter(person=oriented).values_list("kind", flat=True))
    assert ChangeKind.REORIENTATION_DECIDED in kinds and kinds.count(ChangeKind.ORIENTED) == 2


def test_a_refused_reorientation_keeps_the_current_orientation(officer, oriented):
    current = Orientation.objects.current().get(person=oriented)
    request, _ = _scheduled(officer, oriented)
    services.reorientation_decide(
        actor=actor_for(officer), request=request, accepted=False, decision_reason="Démarches en cours à poursuivre."
    )
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REFUSED and request.new_orientation is None
    assert Orientation.objects.current().get(person=oriented) == current
    with pytest.raises(ValidationError, match="déjà refusée"):
        services.reorientation_decide(actor=actor_for(officer), request=request, accepted=False, decision_reason="x")


def test_closing_needs_every_item_decided_or_postponed_and_minutes(officer, oriented):
    request, meeting = _scheduled(officer, oriented)
    actor = actor_for(officer)
    with pytest.raises(
        ValidationError, match="1 demande de l'ordre du jour n'est pas décidée : décidez-la ou reportez-la"
    ):
        services.epl_meeting_close(actor=actor, meeting=meeting, minutes="Compte rendu")
    with pytest.raises(ValidationError, match="Rédigez le compte rendu"):
        services.epl_meeting_close(actor=actor, meeting=meeting, minutes="")
    meeting.refresh_from_db()
    assert meeting.closed_at is None
    services.reorientation_postpone(actor=actor, request=request)
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REQUESTED and request.epl_meeting is None
    assert request.scheduled_on is None
    services.epl_meeting_close(actor=actor, meeting=meeting, minutes="Situation reportée à la prochaine EPL.")
    meeting.refresh_from_db()
    assert meeting.closed_at is not None and meeting.minutes == "Situation reportée à la prochaine EPL."
    with pytest.raises(ValidationError, match="est clôturée : elle ne peut plus être modifiée"):
        services.epl_meeting_close(actor=actor, meeting=meeting, minutes="encore")
    with pytest.raises(ValidationError, match="est clôturée"):
        services.epl_meeting_update(
            actor=actor,
            meeting=meeting,
            held_at=meeting.held_at,
            place="Ailleurs",
            territory=None,
            members=[officer.user],
            other_members="",
            minutes="",
        )
    future = _meeting(officer, held_at=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="n'a pas encore eu lieu : elle ne peut pas être clôturée"):
        services.epl_meeting_close(actor=actor, meeting=future, minutes="Trop tôt")


def test_update_records_only_what_changed(officer, landes):
    meeting = _meeting(officer)
    colleague = MembershipFactory(role=Role.REFERENT, organisation__departement=landes)
    services.epl_meeting_update(
        actor=actor_for(officer),
        meeting=meeting,
        held_at=meeting.held_at,
        place="Centre médico-social, Dax",
        territory=None,
        members=[officer.user, colleague.user],
        other_members="",
        minutes="",
    )
    audit = AuditEvent.objects.filter(code=AuditCode.EPL_MEETING_SAVED).latest("pk")
    assert set(audit.data["new"]) == {"place", "members"}
    assert set(meeting.members.all()) == {officer.user, colleague.user}


# --- Delays ---------------------------------------------------------------------------------------------------


def test_delays_are_measured_at_each_step(landes, officer, oriented, france_travail):
    actor = actor_for(officer)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=PARIS), tick=False):
        request = _request(officer, oriented)
    with time_machine.travel(datetime.datetime(2026, 3, 12, 10, tzinfo=PARIS), tick=False):
        meeting = _meeting(officer, held_at=datetime.datetime(2026, 3, 26, 14, tzinfo=PARIS))
        services.reorientation_schedule(actor=actor, request=request, meeting=meeting)
        request.refresh_from_db()
        assert selectors.request_delays(request).waiting == 10
    with time_machine.travel(datetime.datetime(2026, 3, 30, 10, tzinfo=PARIS), tick=False):
        services.reorientation_decide(actor=actor, request=request, accepted=False, decision_reason="Maintien")
    request.refresh_from_db()
    delays = selectors.request_delays(request)
    assert (delays.requested_to_scheduled, delays.scheduled_to_decided, delays.requested_to_decided) == (10, 14, 24)
    assert delays.waiting is None

    # A second one, decided in 40 days; and one withdrawn, out of the delays.
    second = _person(landes)
    agency, referent, dispositif = france_travail
    orientation_decide(
        actor=actor,
        person=second,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 1, 10),
    )
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=PARIS), tick=False):
        other = _request(officer, second)
    with time_machine.travel(datetime.datetime(2026, 4, 1, 10, tzinfo=PARIS), tick=False):
        later = _meeting(officer, held_at=datetime.datetime(2026, 4, 10, 14, tzinfo=PARIS))
        services.reorientation_schedule(actor=actor, request=other, meeting=later)
    with time_machine.travel(datetime.datetime(2026, 4, 10, 16, tzinfo=PARIS), tick=False):
        services.reorientation_decide(actor=actor, request=other, accepted=False, decision_reason="Maintien")
        third = _person(landes)
        orientation_decide(
            actor=actor, person=third, orientation_type="social", organisation=agency, referent=referent.user
        )
        services.reorientation_withdraw(actor=actor, request=_request(officer, third), reason="Emploi trouvé")

    figures = selectors.reorientation_delays(
        departement_id="40", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30)
    )
    assert figures["requested"] == 3 and figures["decided"] == 2 and figures["refused"] == 2
    assert figures["withdrawn"] == 1 and figures["accepted"] == 0
    assert figures["requested_to_scheduled"] == {"count": 2, "mean": 20.5, "median": 20.5}
    assert figures["scheduled_to_decided"] == {"count": 2, "mean": 11.5, "median": 11.5}
    assert figures["requested_to_decided"] == {"count": 2, "mean": 32.0, "median": 32.0}
    march = selectors.reorientation_delays(
        departement_id="40", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    assert march["decided"] == 1 and march["requested_to_decided"]["median"] == 24
    assert selectors.reorientation_delays(
        departement_id="64", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )["requested_to_decided"] == {"count": 0, "mean": None, "median": None}


def test_a_request_by_a_referent_waits_in_the_orientation_officers_inbox(officer, oriented, france_travail):
    from jalon.inbox.models import Notification

    _, referent, _ = france_travail
    bearn = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory(code="75"))
    elsewhere = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=bearn
    )
    _request(referent, oriented)
    [notification] = Notification.objects.all()
    assert notification.recipient == officer.user and notification.kind == "reorientation"
    assert notification.organisation == officer.organisation and notification.url == "/orientation/epl/"
    assert oriented.last_name not in notification.title
    assert not Notification.objects.filter(recipient=elsewhere.user).exists()
