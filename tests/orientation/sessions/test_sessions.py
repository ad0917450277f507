import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.models import Message
from jalon.orientation.enums import (
    AbsenceFollowUp,
    Attendance,
    InvitationKind,
    InvitationResponse,
    OrientationType,
    SessionStage,
)
from jalon.orientation.models import OrientationSession, SessionParticipant
from jalon.orientation.services import orientation_decide
from jalon.orientation.sessions import services
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent, Person
from tests.api.factories import api_client_for
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=PARIS)  # a Monday; sessions are on Friday 20


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def pyrenees():
    return DepartementFactory(code="64", name="Pyrénées-Atlantiques")


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__departement=landes,
        organisation__name="Département des Landes — plateforme d'orientation",
        user__first_name="Odile",
        user__last_name="Orienteuse",
    )


@pytest.fixture
def adviser(landes):
    agency = OrganisationFactory(name="France Travail — Dax", kind="france_travail", departement=landes)
    return MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="Fabien", user__last_name="Conseil"
    )


def waiting(landes, **person) -> object:
    defaults = {
        "email": "personne@example.org",
        "phone": "0612345678",
        "address": "12 rue des Arènes",
        "postal_code": "40100",
        "city": "Dax",
    }
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=landes, **{**defaults, **person}),
        household__departement=landes,
        subject_to_rights_and_duties=True,
    )
    RsaRightFactory(household=member.household, state=RightState.OPEN, request_date=datetime.date(2026, 10, 1))
    return member.person


def new_session(officer, *, professionals=(), starts=None, capacity=12, **extra) -> OrientationSession:
    starts = starts or at(20, 9)
    return services.session_create(
        actor=actor_for(officer),
        kind=extra.pop("kind", "cellule"),
        mode=extra.pop("mode", "sur_place"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=capacity,
        place="Maison départementale de la solidarité, Dax",
        professionals=list(professionals),
        **extra,
    )


# --- planning -------------------------------------------------------------------------------------------------


def test_a_session_starts_in_preparation_with_its_professionals_and_the_step_recorded(officer, adviser):
    session = new_session(officer, professionals=[officer.user, adviser.user])
    assert session.stage == SessionStage.PREPARATION
    assert set(session.professionals.all()) == {officer.user, adviser.user}
    assert list(session.stage_changes.values_list("stage", flat=True)) == [SessionStage.PREPARATION]
    assert AuditEvent.objects.filter(code=AuditCode.SESSION_CREATED, subject_id=str(session.pk)).exists()


def test_a_professional_cannot_be_on_two_overlapping_sessions(officer, adviser):
    new_session(officer, professionals=[adviser.user], starts=at(20, 9))
    with pytest.raises(ValidationError) as error:
        new_session(officer, professionals=[adviser.user], starts=at(20, 10))
    assert "Fabien Conseil est déjà mobilisé(e)" in str(error.value)
    assert OrientationSession.objects.count() == 1
    # Back to back is fine.
    new_session(officer, professionals=[adviser.user], starts=at(20, 11))


def test_a_cancelled_session_frees_its_professionals(officer, adviser):
    first = new_session(officer, professionals=[adviser.user])
    services.session_cancel(actor=actor_for(officer), session=first, reason="salle indisponible")
    new_session(officer, professionals=[adviser.user])


def test_a_professional_from_another_departement_is_refused(officer):
    outsider = MembershipFactory(role=Role.REFERENT, organisation__departement=pyrenees())
    with pytest.raises(ValidationError, match="n'est membre d'aucune structure du département"):
        new_session(officer, professionals=[outsider.user])


def test_capacity_cannot_drop_below_the_people_invited(officer, landes):
    session = new_session(officer, capacity=3)
    services.session_invite(actor=actor_for(officer), session=session, persons=[waiting(landes), waiting(landes)])
    with pytest.raises(ValidationError, match="2 personnes sont déjà invitées"):
        services.session_update(
            actor=actor_for(officer),
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=1,
        )


# --- invitations ----------------------------------------------------------------------------------------------


def test_inviting_sends_each_channel_and_records_the_history(officer, landes):
    person = waiting(landes, first_name="Inès", last_name="Durand")
    session = new_session(officer)
    outcome = services.session_invite(
        actor=actor_for(officer),
        session=session,
        persons=[person],
        channels=[MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.LETTER],
    )
    assert outcome.undelivered == []
    participant = SessionParticipant.objects.get(session=session, person=person)
    sent = Message.objects.filter(person=person).order_by("channel")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "letter", "sms"]
    assert all(message.kind == MessageKind.INVITATION for message in sent)
    assert all(message.about == participant for message in sent)
    assert mail.outbox[0].to == ["personne@example.org"]
    assert "Bonjour Inès Durand" in mail.outbox[0].body
    assert "vendredi 20 novembre 2026 à 09h00" in mail.outbox[0].body
    assert ChangeEvent.objects.filter(person=person, kind=ChangeKind.INVITED).exists()


def test_a_convocation_carries_the_legal_wording(officer, landes):
    person = waiting(landes)
    services.session_invite(
        actor=actor_for(officer),
        session=new_session(officer),
        persons=[person],
        channels=[MessageChannel.EMAIL],
        kind=InvitationKind.CONVOCATION,
    )
    body = Message.objects.get(person=person).body
    assert "convoqué(e)" in body
    assert "L262-37" in body


def test_a_letter_for_a_person_without_address_is_reported_and_the_invitation_kept(officer, landes):
    person = waiting(landes, address="", postal_code="", city="", homeless=True, last_name="Sansadresse")
    outcome = services.session_invite(
        actor=actor_for(officer), session=new_session(officer), persons=[person], channels=[MessageChannel.LETTER]
    )
    assert len(outcome.participants) == 1
    ((who, channel, reason),) = outcome.undelivered
    assert who == person and channel == "courrier"
    assert "adresse postale" in reason
    assert not Message.objects.filter(person=person).exists()


def test_inviting_beyond_capacity_is_refused_and_nothing_is_saved(officer, landes):
    session = new_session(officer, capacity=2)
    people = [waiting(landes) for _ in range(3)]
    with pytest.raises(ValidationError, match="La séance n'a plus que 2 places : vous invitez 3 personnes."):
        services.session_invite(actor=actor_for(officer), session=session, persons=people)
    assert not SessionParticipant.objects.exists()
    assert not Message.objects.exists()


def test_inviting_someone_already_oriented_is_refused(officer, landes, adviser):
    oriented = waiting(landes, last_name="Dejaoriente", first_name="Paul")
    orientation_decide(
        actor=actor_for(officer),
        person=oriented,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=adviser.organisation,
        referent=adviser.user,
    )
    with pytest.raises(
        ValidationError, match="Déjà orienté\\(e\\)s, à retirer de l'invitation : DEJAORIENTE Paul|Dejaoriente"
    ):
        services.session_invite(
            actor=actor_for(officer), session=new_session(officer), persons=[oriented, waiting(landes)]
        )
    assert not SessionParticipant.objects.exists()


def test_inviting_twice_to_the_same_session_is_refused(officer, landes):
    person, session = waiting(landes), new_session(officer)
    services.session_invite(actor=actor_for(officer), session=session, persons=[person])
    with pytest.raises(ValidationError, match="Déjà invité"):
        services.session_invite(actor=actor_for(officer), session=session, persons=[person])


def test_a_past_or_cancelled_session_takes_no_invitation(officer, landes, frozen):
    session = new_session(officer)
    frozen.move_to(at(20, 10))
    with pytest.raises(ValidationError, match="a déjà commencé"):
        services.session_invite(actor=actor_for(officer), session=session, persons=[waiting(landes)])
    other = new_session(officer, starts=at(27, 9))
    services.session_cancel(actor=actor_for(officer), session=other, reason="grève")
    with pytest.raises(ValidationError, match="annulée"):
        services.session_invite(actor=actor_for(officer), session=other, persons=[waiting(landes)])


def test_the_persons_response_is_recorded(officer, landes):
    person, session = waiting(landes), new_session(officer)
    services.session_invite(actor=actor_for(officer), session=session, persons=[person])
    participant = SessionParticipant.objects.get()
    services.participant_respond(
        actor=actor_for(officer), participant=participant, response=InvitationResponse.OTHER_SLOT, note="travaille"
    )
    participant.refresh_from_db()
    assert participant.response == InvitationResponse.OTHER_SLOT and participant.responded_at == NOW
    assert AuditEvent.objects.filter(code=AuditCode.RESPONSE_RECORDED, person_id=person.pk).exists()


# --- attendance, stages, follow-ups ---------------------------------------------------------------------------


@pytest.fixture
def held_session(officer, landes, frozen):
    session = new_session(officer)
    people = [waiting(landes, last_name=name) for name in ("Alpha", "Bravo", "Charlie")]
    services.session_invite(actor=actor_for(officer), session=session, persons=people)
    frozen.move_to(at(20, 9, 5))
    return session, {p.person.last_name: p for p in session.participants.select_related("person")}


def test_attendance_is_not_recorded_before_the_session(officer, landes):
    session = new_session(officer)
    services.session_invite(actor=actor_for(officer), session=session, persons=[waiting(landes)])
    participant = SessionParticipant.objects.get()
    with pytest.raises(ValidationError, match="pas encore commencé"):
        services.attendance_record(
            actor=actor_for(officer), session=session, attendance={participant.pk: Attendance.PRESENT}
        )


def test_attendance_recorded_twice_is_refused_and_nothing_of_the_batch_saved(officer, held_session):
    session, participants = held_session
    actor = actor_for(officer)
    services.attendance_record(actor=actor, session=session, attendance={participants["Alpha"].pk: Attendance.PRESENT})
    with pytest.raises(ValidationError, match="Présence déjà enregistrée pour : ALPHA|Alpha"):
        services.attendance_record(
            actor=actor,
            session=session,
            attendance={participants["Alpha"].pk: Attendance.ABSENT, participants["Bravo"].pk: Attendance.PRESENT},
        )
    participants["Alpha"].refresh_from_db()
    participants["Bravo"].refresh_from_db()
    assert participants["Alpha"].attendance == Attendance.PRESENT
    assert participants["Bravo"].attendance == ""


def test_the_session_walks_its_stages_and_closes_only_with_every_attendance(officer, held_session):
    session, participants = held_session
    actor = actor_for(officer)
    for expected in ("accueil", "collectif", "entretiens", "propositions"):
        session = services.session_advance(actor=actor, session=session)
        assert session.stage == expected
    services.attendance_record(
        actor=actor,
        session=session,
        attendance={participants["Alpha"].pk: Attendance.PRESENT, participants["Bravo"].pk: Attendance.ABSENT},
    )
    with pytest.raises(ValidationError, match="Présence à saisir pour 1 personne avant de clôturer"):
        services.session_advance(actor=actor, session=session)
    services.attendance_record(actor=actor, session=session, attendance={participants["Charlie"].pk: "excuse"})
    # Alpha present without a decision, Bravo absent without a follow-up: the closing asks for a confirmation.
    with pytest.raises(ValidationError) as refused:
        services.session_advance(actor=actor, session=session)
    assert "ALPHA" in str(refused.value).upper() and "sans décision d'orientation" in str(refused.value)
    assert "sans suite donnée à l'absence" in str(refused.value) and "Charlie" not in str(refused.value)
    session.refresh_from_db()
    assert session.stage == "propositions"
    session = services.session_advance(
        actor=actor, session=session, note="3 invités, 1 présent", confirm_loose_ends=True
    )
    assert session.stage == SessionStage.CLOSED
    assert session.stage_changes.count() == 6
    assert session.stage_changes.last().note == "3 invités, 1 présent"
    with pytest.raises(ValidationError, match="clôturée"):
        services.session_advance(actor=actor, session=session)


def test_an_absence_is_followed_by_a_convocation_to_another_session(officer, landes, held_session):
    session, participants = held_session
    actor = actor_for(officer)
    services.attendance_record(actor=actor, session=session, attendance={participants["Bravo"].pk: Attendance.ABSENT})
    later = new_session(officer, starts=at(27, 14))
    with pytest.raises(ValidationError, match="Choisissez la séance"):
        services.absence_follow_up(
            actor=actor, participant=participants["Bravo"], follow_up=AbsenceFollowUp.CONVOCATION
        )
    services.absence_follow_up(
        actor=actor,
        participant=participants["Bravo"],
        follow_up=AbsenceFollowUp.CONVOCATION,
        new_session=later,
        channels=[MessageChannel.LETTER],
    )
    new = SessionParticipant.objects.get(session=later)
    assert new.person == participants["Bravo"].person and new.invitation_kind == InvitationKind.CONVOCATION
    assert Message.objects.filter(person=new.person, kind=MessageKind.CONVOCATION, channel="letter").exists()
    with pytest.raises(ValidationError, match="déjà été donnée"):
        services.absence_follow_up(actor=actor, participant=participants["Bravo"], follow_up=AbsenceFollowUp.SIGNAL)


def test_a_present_person_gets_no_absence_follow_up(officer, held_session):
    session, participants = held_session
    actor = actor_for(officer)
    services.attendance_record(actor=actor, session=session, attendance={participants["Alpha"].pk: Attendance.PRESENT})
    with pytest.raises(ValidationError, match="ne se donne qu'à une absence"):
        services.absence_follow_up(actor=actor, participant=participants["Alpha"], follow_up=AbsenceFollowUp.SIGNAL)


def test_a_signal_goes_to_the_persons_history(officer, held_session):
    session, participants = held_session
    actor = actor_for(officer)
    services.attendance_record(
        actor=actor, session=session, attendance={participants["Charlie"].pk: Attendance.ABSENT}
    )
    services.absence_follow_up(actor=actor, participant=participants["Charlie"], follow_up=AbsenceFollowUp.SIGNAL)
    assert ChangeEvent.objects.filter(person=participants["Charlie"].person, kind=ChangeKind.SIGNALLED).exists()


# --- cancellation and reminders -------------------------------------------------------------------------------


def test_cancelling_tells_the_people_who_have_not_declined(officer, landes):
    session = new_session(officer)
    coming, declined = waiting(landes, email="vient@example.org"), waiting(landes, email="decline@example.org")
    services.session_invite(actor=actor_for(officer), session=session, persons=[coming, declined])
    services.participant_respond(
        actor=actor_for(officer),
        participant=SessionParticipant.objects.get(person=declined),
        response=InvitationResponse.DECLINED,
    )
    mail.outbox.clear()
    services.session_cancel(actor=actor_for(officer), session=session, reason="salle indisponible")
    assert [message.to for message in mail.outbox] == [["vient@example.org"]]
    assert "est annulée" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="Cette séance est annulée : aucune relance"):
        services.session_reminders_send_now(actor=actor_for(officer), session=session)


def test_daily_reminders_go_once_two_days_before_and_never_for_a_cancelled_session(officer, landes, frozen):
    kept = new_session(officer, starts=at(20, 9))
    cancelled = new_session(officer, starts=at(20, 14))
    person, other = waiting(landes, phone="0611223344"), waiting(landes, phone="", email="courriel@example.org")
    services.session_invite(actor=actor_for(officer), session=kept, persons=[person, other])
    services.session_invite(actor=actor_for(officer), session=cancelled, persons=[waiting(landes)])
    services.session_cancel(actor=actor_for(officer), session=cancelled, reason="grève")

    frozen.move_to(at(17, 18))  # three days before: too early
    assert services.session_reminders_send() == 0
    frozen.move_to(at(18, 7))  # Wednesday for a Friday session
    assert services.session_reminders_send() == 2
    reminders = Message.objects.filter(kind=MessageKind.REMINDER)
    assert sorted(reminders.values_list("person_id", "channel")) == sorted([(person.pk, "sms"), (other.pk, "email")])
    assert "Rappel" in reminders.first().subject
    assert services.session_reminders_send() == 0  # not twice


# --- screens --------------------------------------------------------------------------------------------------


def test_the_queue_invites_ticked_people_to_a_session(login_as, officer, landes):
    session = new_session(officer)
    first, second = waiting(landes), waiting(landes)
    client = login_as(officer)
    page = client.get(reverse("orientation:queue"), {"seance": session.pk}).content.decode()
    assert 'form="invite-form"' in page and f'value="{first.pk}"' in page
    response = client.post(
        reverse("orientation:session_invite"),
        {"session": session.pk, "kind": "invitation", "channels": ["email"], "persons": [first.pk, second.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("orientation:session_detail", args=[session.pk])
    assert "2 personnes invitées à la séance." in response.content.decode()
    assert session.participants.count() == 2


def test_the_queue_reports_a_refused_invitation_in_french(login_as, officer, landes):
    session = new_session(officer, capacity=1)
    client = login_as(officer)
    response = client.post(
        reverse("orientation:session_invite"),
        {
            "session": session.pk,
            "kind": "invitation",
            "channels": ["email"],
            "persons": [waiting(landes).pk, waiting(landes).pk],
        },
        follow=True,
    )
    assert "plus que 1 place : vous invitez 2 personnes." in response.content.decode()
    assert not session.participants.exists()


def test_someone_outside_the_actors_scope_cannot_be_invited(login_as, officer):
    stranger = waiting(pyrenees())
    client = login_as(officer)
    response = client.post(
        reverse("orientation:session_invite"),
        {"session": new_session(officer).pk, "kind": "invitation", "channels": ["email"], "persons": [stranger.pk]},
    )
    assert response.status_code == 404
    assert not SessionParticipant.objects.exists()


def test_creating_a_session_through_the_form_shows_the_overlap_in_french(login_as, officer, adviser):
    new_session(officer, professionals=[adviser.user])
    client = login_as(officer)
    data = {
        "kind": "cellule",
        "mode": "sur_place",
        "day": "2026-11-20",
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Dax",
        "capacity": "10",
        "professionals": [adviser.user.pk],
    }
    page = client.post(reverse("orientation:session_create"), data).content.decode()
    assert "Fabien Conseil est déjà mobilisé(e)" in page
    data["start_time"], data["end_time"] = "14:00", "16:00"
    response = client.post(reverse("orientation:session_create"), data)
    assert response.status_code == 302 and OrientationSession.objects.count() == 2


def test_attendance_through_the_screen_then_the_detail_shows_it(login_as, officer, held_session):
    session, participants = held_session
    client = login_as(officer)
    response = client.post(
        reverse("orientation:session_attendance", args=[session.pk]),
        {f"p{participants['Alpha'].pk}": "present", f"p{participants['Bravo'].pk}": "absent"},
    )
    assert response.status_code == 302
    page = client.get(reverse("orientation:session_detail", args=[session.pk])).content.decode()
    assert "Donner suite" in page and "Entretien" in page
    assert "Saisir les présences (1)" in page


def test_the_agenda_and_detail_keep_a_constant_number_of_queries(
    login_as, officer, landes, django_assert_max_num_queries
):
    client = login_as(officer)

    def load():
        with django_assert_max_num_queries(14):
            client.get(reverse("orientation:sessions"))
        with django_assert_max_num_queries(19):  # header: notifications, indicators to enter
            client.get(reverse("orientation:session_detail", args=[session.pk]))

    session = new_session(officer, capacity=30)
    services.session_invite(actor=actor_for(officer), session=session, persons=[waiting(landes)])
    load()
    for hour in (13, 15):
        extra = new_session(officer, starts=at(21, hour))
        services.session_invite(actor=actor_for(officer), session=extra, persons=[waiting(landes)])
    services.session_invite(actor=actor_for(officer), session=session, persons=[waiting(landes) for _ in range(10)])
    load()


def test_sessions_of_another_departement_are_not_found(login_as, officer):
    other_officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=pyrenees()
    )
    session = new_session(other_officer)
    client = login_as(officer)
    assert client.get(reverse("orientation:session_detail", args=[session.pk])).status_code == 404
    assert (
        reverse("orientation:session_detail", args=[session.pk])
        not in client.get(reverse("orientation:sessions")).content.decode()
    )


def test_a_referent_sees_only_the_sessions_they_are_mobilised_on(login_as, officer, adviser):
    mine = new_session(officer, professionals=[adviser.user], starts=at(20, 9))
    other = new_session(officer, starts=at(20, 14))
    client = login_as(adviser)
    page = client.get(reverse("orientation:sessions")).content.decode()
    assert reverse("orientation:session_detail", args=[mine.pk]) in page
    assert reverse("orientation:session_detail", args=[other.pk]) not in page
    assert client.get(reverse("orientation:session_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("orientation:session_detail", args=[mine.pk])).status_code == 200


# --- API ------------------------------------------------------------------------------------------------------


def api_client(membership):
    return api_client_for(membership)


def test_the_session_api_creates_invites_and_records_attendance(officer, adviser, landes, frozen):
    client = api_client(officer)
    created = client.post(
        "/api/v1/orientation/seances/",
        {
            "kind": "cellule",
            "mode": "telephone",
            "starts_at": "2026-11-20T09:00:00+01:00",
            "ends_at": "2026-11-20T11:00:00+01:00",
            "capacity": 2,
            "professionals": [adviser.user.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["professionals"] == ["Fabien Conseil"]
    people = [waiting(landes), waiting(landes), waiting(landes)]
    too_many = client.post(f"/api/v1/orientation/seances/{pk}/invitations/", {"persons": [p.pk for p in people]})
    assert too_many.status_code == 400
    assert "plus que 2 places" in too_many.json()["errors"]["__all__"][0]
    invited = client.post(
        f"/api/v1/orientation/seances/{pk}/invitations/",
        {"persons": [people[0].pk], "channels": ["sms"], "kind": "convocation"},
        format="json",
    )
    assert invited.status_code == 201
    (participant,) = invited.json()["participants"]
    assert participant["invitation_kind"] == "convocation"
    frozen.move_to(at(20, 9, 30))
    recorded = client.post(
        f"/api/v1/orientation/seances/{pk}/presences/",
        {"attendance": {str(participant["id"]): "present"}},
        format="json",
    )
    assert recorded.json()["participants"][0]["attendance"] == "present"
    twice = client.post(
        f"/api/v1/orientation/seances/{pk}/presences/",
        {"attendance": {str(participant["id"]): "absent"}},
        format="json",
    )
    assert twice.status_code == 400 and "déjà enregistrée" in str(twice.json())
    listed = client.get("/api/v1/orientation/seances/").json()
    assert [row["id"] for row in listed["results"]] == [pk]


def test_the_session_api_is_scoped(officer):
    other = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=pyrenees()
    )
    session = new_session(officer)
    assert api_client(other).get(f"/api/v1/orientation/seances/{session.pk}/").status_code == 404


def test_the_officers_home_shows_the_queue_the_next_sessions_and_the_decisions_to_take(
    login_as, officer, held_session
):
    session, participants = held_session
    services.attendance_record(
        actor=actor_for(officer), session=session, attendance={participants["Alpha"].pk: Attendance.PRESENT}
    )
    page = login_as(officer).get(reverse("workspace:home")).content.decode()
    assert '<strong data-testid="queue-count">3</strong>' in page
    assert reverse("orientation:interview_new", args=[participants["Alpha"].person_id]) in page
    assert reverse("orientation:interview_new", args=[participants["Bravo"].person_id]) not in page
    assert reverse("orientation:session_detail", args=[session.pk]) in page  # still running: in the agenda


def test_the_decisions_to_take_come_in_session_order_up_to_the_limit(officer, landes, held_session, frozen):
    from jalon.orientation.sessions.selectors import decisions_to_take

    frozen.move_to(at(18, 9))
    late, early = held_session[0], new_session(officer, starts=at(19, 9))
    services.session_invite(actor=actor_for(officer), session=early, persons=[waiting(landes, last_name="Delta")])
    frozen.move_to(at(20, 9, 5))
    participants = {p.person.last_name: p for p in SessionParticipant.objects.select_related("person")}
    actor = actor_for(officer)
    for session, names in ((early, ["Delta"]), (late, ["Charlie", "Alpha"])):
        services.attendance_record(
            actor=actor, session=session, attendance={participants[name].pk: Attendance.PRESENT for name in names}
        )
    # The earlier session first, then by participant (Alpha was invited before Charlie); Bravo was not present.
    assert [p.person.last_name for p in decisions_to_take(actor=actor, limit=8)] == ["Delta", "Alpha", "Charlie"]
    assert [p.person.last_name for p in decisions_to_take(actor=actor, limit=2)] == ["Delta", "Alpha"]
    # Someone the officer no longer sees (merged into another file) is left out, whichever batch they fall in.
    Person.objects.filter(pk=participants["Alpha"].person_id).update(merged_into=participants["Bravo"].person)
    for batch_size in (1, 2, 50):
        found = decisions_to_take(actor=actor, limit=2, batch_size=batch_size)
        assert [p.person.last_name for p in found] == ["Delta", "Charlie"]


def test_the_navigation_marks_only_the_sessions_entry_on_a_session_page(login_as, officer):
    page = login_as(officer).get(reverse("orientation:sessions")).content.decode()
    assert f'href="{reverse("orientation:sessions")}" aria-current="page"' in page
    assert f'href="{reverse("orientation:queue")}" aria-current="page"' not in page


def test_editing_a_session_keeps_its_date_in_the_date_picker(login_as, officer):
    session = new_session(officer)
    page = login_as(officer).get(reverse("orientation:session_edit", args=[session.pk])).content.decode()
    # The browser's date picker reads ISO only: a French date would show an empty field and every save would fail.
    assert 'value="2026-11-20"' in page
    assert "20/11/2026" not in page.split('name="day"')[1].split(">")[0]


def test_a_session_that_has_started_offers_no_invitation(login_as, officer, frozen):
    session = new_session(officer, starts=at(20, 9))
    invite = f"?seance={session.pk}"
    client = login_as(officer)
    assert invite in client.get(reverse("orientation:session_detail", args=[session.pk])).content.decode()
    # The same day, after its start: the queue would not list it, so the page does not offer it.
    frozen.move_to(at(20, 9, 30))
    assert invite not in client.get(reverse("orientation:session_detail", args=[session.pk])).content.decode()
