"""Orientation sessions: planning, invitations and convocations, responses, attendance, stages, reminders."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import ensure_departement_staff
from jalon.core.services import audit_event_record
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.letters import CONVOCATION_LEGAL_NOTICE
from jalon.messaging.rendering import render_message
from jalon.messaging.services import message_send
from jalon.organisations.models import Membership
from jalon.orientation.delays.closing import delay_alerts_close_done
from jalon.orientation.enums import (
    AbsenceFollowUp,
    Attendance,
    DelayStep,
    InvitationKind,
    InvitationResponse,
    SessionStage,
)
from jalon.orientation.models import (
    DelayThresholds,
    Orientation,
    OrientationSession,
    SessionParticipant,
    SessionStageChange,
)
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent


# Who plans and runs the Département's sessions (professionals mobilised on one take part, they do not plan).
SESSION_PLANNERS = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)


def _local(value) -> str:
    return date_format(timezone.localtime(value), "l j F Y à H\\hi")


def _check_professionals(*, departement_id, professionals, starts_at, ends_at, exclude_session=None) -> None:
    for user in professionals:
        if not Membership.objects.active().filter(user=user, organisation__departement_id=departement_id).exists():
            raise ValidationError(
                {"professionals": f"{user.get_full_name()} n'est membre d'aucune structure du département."}
            )
        clashes = OrientationSession.objects.overlapping(starts_at, ends_at).filter(professionals=user)
        if exclude_session is not None:
            clashes = clashes.exclude(pk=exclude_session.pk)
        clash = clashes.order_by("starts_at").first()
        if clash is not None:
            raise ValidationError(
                {
                    "professionals": f"{user.get_full_name()} est déjà mobilisé(e) sur la séance du "
                    f"{_local(clash.starts_at)} ({clash.place or clash.get_mode_display()}) : les horaires se "
                    "chevauchent."
                }
            )


def _check_times(*, starts_at, ends_at, capacity) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "La fin de la séance doit être après son début."})
    if capacity is None or capacity < 1:
        raise ValidationError({"capacity": "Indiquez un nombre de places d'au moins 1."})


def _stage_record(*, session, stage, user, note="") -> None:
    SessionStageChange.objects.create(session=session, stage=stage, reached_by=user, note=note)


@transaction.atomic
def session_create(
    *,
    actor,
    kind: str,
    mode: str,
    starts_at,
    ends_at,
    capacity: int,
    place: str = "",
    territory=None,
    professionals=(),
) -> OrientationSession:
    ensure_departement_staff(actor, *SESSION_PLANNERS)
    _check_times(starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    departement_id = actor.organisation.departement_id
    if territory is not None and territory.departement_id != departement_id:
        raise ValidationError({"territory": "Ce territoire n'appartient pas à votre département."})
    _check_professionals(
        departement_id=departement_id, professionals=professionals, starts_at=starts_at, ends_at=ends_at
    )
    session = OrientationSession.objects.create(
        departement_id=departement_id,
        organisation=actor.organisation,
        territory=territory,
        kind=kind,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        capacity=capacity,
        created_by=actor.user,
    )
    session.professionals.set(professionals)
    _stage_record(session=session, stage=SessionStage.PREPARATION, user=actor.user)
    audit_event_record(
        code=AuditCode.SESSION_CREATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"starts_at": starts_at, "capacity": capacity, "professionals": [u.pk for u in professionals]},
    )
    return session


def _check_open(session) -> None:
    if session.is_cancelled:
        raise ValidationError("Cette séance est annulée.")
    if session.is_closed:
        raise ValidationError("Cette séance est clôturée.")


@transaction.atomic
def session_update(
    *, actor, session, starts_at, ends_at, capacity: int, place: str = "", territory=None, professionals=()
) -> OrientationSession:
    ensure_departement_staff(actor, *SESSION_PLANNERS)
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    _check_times(starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    invited = session.participants.count()
    if capacity < invited:
        raise ValidationError(
            {"capacity": f"{invited} personnes sont déjà invitées : la séance ne peut pas avoir moins de places."}
        )
    _check_professionals(
        departement_id=session.departement_id,
        professionals=professionals,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_session=session,
    )
    session.starts_at, session.ends_at, session.capacity = starts_at, ends_at, capacity
    session.place, session.territory = place, territory
    session.save()
    session.professionals.set(professionals)
    audit_event_record(
        code=AuditCode.SESSION_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"starts_at": starts_at, "capacity": capacity, "professionals": [u.pk for u in professionals]},
    )
    return session


@dataclass
class InvitationOutcome:
    participants: list = field(default_factory=list)
    # (person, channel label, reason) for each message that could not be produced
    undelivered: list = field(default_factory=list)


def _invitation_message(*, session, person, kind: str) -> tuple[str, str]:
    template = (
        "orientation/sessions/messages/convocation.txt"
        if kind == InvitationKind.CONVOCATION
        else ("orientation/sessions/messages/invitation.txt")
    )
    subject, body = render_message(
        template, {"session": session, "person": person, "starts": _local(session.starts_at)}
    )
    if kind == InvitationKind.CONVOCATION:
        body = f"{body}\n\n{CONVOCATION_LEGAL_NOTICE}"
    return subject, body


def _send(*, actor, person, channels, kind, subject, body, about, outcome) -> None:
    for channel in channels:
        try:
            message_send(
                actor=actor, person=person, channel=channel, kind=kind, subject=subject, body=body, about=about
            )
        except ValidationError as error:
            outcome.undelivered.append((person, MessageChannel(channel).label, " ".join(error.messages)))


@transaction.atomic
def session_invite(
    *, actor, session, persons, channels=(MessageChannel.EMAIL,), kind: str = InvitationKind.INVITATION
) -> InvitationOutcome:
    """Invite people to a session and send the invitation (or the convocation, with its legal wording) on each
    channel. The whole batch is refused when it does not fit or when someone cannot be invited; a message that
    cannot be produced (no e-mail, no address…) is reported, and the invitation is kept."""
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    if session.starts_at <= timezone.now():
        raise ValidationError("Cette séance a déjà commencé : invitez les personnes à une séance à venir.")
    persons = list(persons)
    if not persons:
        raise ValidationError("Choisissez au moins une personne à inviter.")
    if not channels:
        raise ValidationError("Choisissez au moins un moyen d'envoi (e-mail, SMS ou courrier).")
    free = session.capacity - session.participants.count()
    if len(persons) > free:
        raise ValidationError(
            f"La séance n'a plus que {free} place{'s' if free > 1 else ''} : vous invitez {len(persons)} personnes."
        )
    ids = [person.pk for person in persons]
    oriented = Orientation.objects.current().filter(person_id__in=ids).select_related("person")
    if oriented:
        names = ", ".join(str(o.person) for o in oriented)
        raise ValidationError(f"Déjà orienté(e)s, à retirer de l'invitation : {names}.")
    already = SessionParticipant.objects.filter(session=session, person_id__in=ids).select_related("person")
    if already:
        raise ValidationError(f"Déjà invité(e)s à cette séance : {', '.join(str(p.person) for p in already)}.")
    if any(person.departement_id != session.departement_id for person in persons):
        raise ValidationError("Une personne choisie ne relève pas du département de la séance.")
    outcome = InvitationOutcome()
    message_kind = MessageKind.CONVOCATION if kind == InvitationKind.CONVOCATION else MessageKind.INVITATION
    for person in persons:
        participant = SessionParticipant.objects.create(
            session=session, person=person, invitation_kind=kind, invited_by=actor.user
        )
        subject, body = _invitation_message(session=session, person=person, kind=kind)
        _send(
            actor=actor,
            person=person,
            channels=channels,
            kind=message_kind,
            subject=subject,
            body=body,
            about=participant,
            outcome=outcome,
        )
        outcome.participants.append(participant)
    delay_alerts_close_done(person_ids=[person.pk for person in persons], step=DelayStep.INVITATION)
    ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(
                kind=ChangeKind.INVITED,
                person=person,
                actor=actor.user,
                data={"session": session.pk, "kind": kind, "starts_at": session.starts_at.isoformat()},
            )
            for person in persons
        ]
    )
    audit_event_record(
        code=AuditCode.SESSION_INVITED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"persons": ids, "kind": kind, "channels": list(channels)},
    )
    return outcome


@transaction.atomic
def participant_respond(*, actor, participant, response: str, note: str = "") -> SessionParticipant:
    """The person's answer to the invitation, as they gave it (phone, reply, desk)."""
    _check_open(participant.session)
    if response not in InvitationResponse.values:
        raise ValidationError({"response": "Réponse inconnue."})
    participant.response, participant.response_note = response, note
    participant.responded_at = timezone.now()
    participant.save(update_fields=["response", "response_note", "responded_at", "updated_at"])
    audit_event_record(
        code=AuditCode.RESPONSE_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=participant,
        person_id=participant.person_id,
        new={"response": response, "note": note},
    )
    return participant


@transaction.atomic
def attendance_record(*, actor, session, attendance: dict[int, str]) -> int:
    """Record who came ({participant id: présent/excusé/absent}). Each attendance is recorded once: a second
    recording is refused and nothing of the batch is saved."""
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("Cette séance est annulée : il n'y a pas de présence à saisir.")
    if session.starts_at > timezone.now():
        raise ValidationError("La séance n'a pas encore commencé : la présence se saisit le jour même.")
    participants = {p.pk: p for p in session.participants.select_related("person").select_for_update(of=("self",))}
    unknown = set(attendance) - set(participants)
    if unknown:
        raise ValidationError("Une des personnes n'est pas invitée à cette séance.")
    if any(value not in Attendance.values for value in attendance.values()):
        raise ValidationError("Présence inconnue : choisissez présent, excusé ou absent.")
    twice = [str(participants[pk].person) for pk in attendance if participants[pk].attendance]
    if twice:
        raise ValidationError(f"Présence déjà enregistrée pour : {', '.join(twice)}.")
    now = timezone.now()
    for pk, value in attendance.items():
        participant = participants[pk]
        participant.attendance, participant.attendance_recorded_at = value, now
        participant.attendance_recorded_by = actor.user
    SessionParticipant.objects.bulk_update(
        [participants[pk] for pk in attendance], ["attendance", "attendance_recorded_at", "attendance_recorded_by"]
    )
    ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(
                kind=ChangeKind.ATTENDANCE,
                person_id=participants[pk].person_id,
                actor=actor.user,
                data={"session": session.pk, "attendance": value},
            )
            for pk, value in attendance.items()
        ]
    )
    audit_event_record(
        code=AuditCode.ATTENDANCE_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={str(pk): value for pk, value in attendance.items()},
    )
    return len(attendance)


@transaction.atomic
def absence_follow_up(
    *, actor, participant, follow_up: str, new_session=None, channels=(MessageChannel.LETTER,)
) -> InvitationOutcome | None:
    """What follows an absence: a new invitation or a convocation to another session, a signal to the équipe
    pluridisciplinaire, or nothing — recorded on the participation."""
    participant = (
        SessionParticipant.objects.select_for_update().select_related("session", "person").get(pk=participant.pk)
    )
    if participant.attendance not in (Attendance.ABSENT, Attendance.EXCUSED):
        raise ValidationError("Une suite ne se donne qu'à une absence enregistrée.")
    if participant.absence_follow_up:
        raise ValidationError("Une suite a déjà été donnée à cette absence.")
    if follow_up not in AbsenceFollowUp.values:
        raise ValidationError({"follow_up": "Suite inconnue."})
    outcome = None
    if follow_up in (AbsenceFollowUp.NEW_INVITATION, AbsenceFollowUp.CONVOCATION):
        if new_session is None:
            raise ValidationError({"new_session": "Choisissez la séance à laquelle inviter la personne."})
        kind = InvitationKind.CONVOCATION if follow_up == AbsenceFollowUp.CONVOCATION else InvitationKind.INVITATION
        outcome = session_invite(
            actor=actor, session=new_session, persons=[participant.person], channels=channels, kind=kind
        )
    participant.absence_follow_up = follow_up
    participant.save(update_fields=["absence_follow_up", "updated_at"])
    if follow_up == AbsenceFollowUp.SIGNAL:
        ChangeEvent.objects.create(
            kind=ChangeKind.SIGNALLED,
            person=participant.person,
            actor=actor.user,
            data={"session": participant.session_id, "attendance": participant.attendance},
        )
    audit_event_record(
        code=AuditCode.SESSION_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=participant,
        person_id=participant.person_id,
        new={"absence_follow_up": follow_up, "new_session": new_session.pk if new_session else None},
    )
    return outcome


def session_loose_ends(session) -> list[str]:
    """Who a closing would leave without a next step: present without an orientation decided at this session,
    absent without a follow-up of the absence. One sentence each, for the confirmation."""
    decided = Orientation.objects.filter(session=session).values("person_id")
    present = session.participants.filter(attendance=Attendance.PRESENT).exclude(person_id__in=decided)
    absent = session.participants.filter(attendance=Attendance.ABSENT, absence_follow_up="")
    return [f"{p.person} : présent(e), sans décision d'orientation" for p in present.select_related("person")] + [
        f"{p.person} : absent(e), sans suite donnée à l'absence" for p in absent.select_related("person")
    ]


@transaction.atomic
def session_advance(*, actor, session, note: str = "", confirm_loose_ends: bool = False) -> OrientationSession:
    """Move the session to its next stage; closing needs every attendance recorded, and asks for a confirmation
    when people would be left without a next step."""
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    following = SessionStage.following(session.stage)
    assert following is not None  # a session that is not closed has a next stage
    if following != SessionStage.PREPARATION and session.stage == SessionStage.PREPARATION:
        if not session.participants.exists():
            raise ValidationError("Personne n'est invité à cette séance : invitez avant de l'ouvrir.")
    if following == SessionStage.CLOSED:
        missing = session.participants.filter(attendance="").count()
        if missing:
            raise ValidationError(
                f"Présence à saisir pour {missing} personne{'s' if missing > 1 else ''} avant de clôturer la séance."
            )
        loose_ends = session_loose_ends(session)
        if loose_ends and not confirm_loose_ends:
            raise ValidationError(
                "Clôturer laisserait sans suite : "
                + " ; ".join(loose_ends)
                + ". Donnez-leur une suite, ou cochez « Clôturer quand même » pour confirmer."
            )
    session.stage = following
    session.save(update_fields=["stage", "updated_at"])
    _stage_record(session=session, stage=following, user=actor.user, note=note)
    audit_event_record(
        code=AuditCode.SESSION_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"stage": following},
    )
    return session


@transaction.atomic
def session_cancel(*, actor, session, reason: str, channels=(MessageChannel.EMAIL, MessageChannel.SMS)):
    """Cancel a session and tell every invited person who has not declined."""
    ensure_departement_staff(actor, *SESSION_PLANNERS)
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    if session.participants.exclude(attendance="").exists():
        raise ValidationError("Des présences sont déjà saisies : une séance qui a eu lieu ne s'annule pas.")
    session.cancelled_at, session.cancel_reason = timezone.now(), reason
    session.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    outcome = InvitationOutcome()
    participants = session.participants.exclude(response=InvitationResponse.DECLINED).select_related("person")
    for participant in participants:
        subject, body = render_message(
            "orientation/sessions/messages/cancellation.txt",
            {"session": session, "person": participant.person, "starts": _local(session.starts_at)},
        )
        _send(
            actor=actor,
            person=participant.person,
            channels=channels,
            kind=MessageKind.NOTIFICATION,
            subject=subject,
            body=body,
            about=participant,
            outcome=outcome,
        )
    audit_event_record(
        code=AuditCode.SESSION_CANCELLED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"reason": reason},
    )
    return outcome


def _reminder_channels(person) -> list[str]:
    return [MessageChannel.SMS] if person.phone else [MessageChannel.EMAIL] if person.email else []


def _remind(*, actor, actor_label, participants, session) -> InvitationOutcome:
    outcome = InvitationOutcome()
    now = timezone.now()
    for participant in participants:
        subject, body = render_message(
            "orientation/sessions/messages/reminder.txt",
            {"session": session, "person": participant.person, "starts": _local(session.starts_at)},
        )
        channels = _reminder_channels(participant.person)
        if not channels:
            outcome.undelivered.append((participant.person, "relance", "ni téléphone ni e-mail connus"))
            continue
        for channel in channels:
            try:
                message_send(
                    actor=actor,
                    actor_label=actor_label,
                    person=participant.person,
                    channel=channel,
                    kind=MessageKind.REMINDER,
                    subject=subject,
                    body=body,
                    about=participant,
                )
            except ValidationError as error:
                outcome.undelivered.append((participant.person, MessageChannel(channel).label, error.messages[0]))
        participant.reminder_sent_at = now
        outcome.participants.append(participant)
    SessionParticipant.objects.bulk_update(outcome.participants, ["reminder_sent_at"])
    return outcome


def _to_remind(session):
    return session.participants.filter(reminder_sent_at=None).exclude(response=InvitationResponse.DECLINED)


@transaction.atomic
def session_reminders_send_now(*, actor, session) -> InvitationOutcome:
    """A reminder sent by hand to everyone not yet reminded who has not declined."""
    ensure_departement_staff(actor, *SESSION_PLANNERS)
    session = OrientationSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("Cette séance est annulée : aucune relance ne peut être envoyée.")
    _check_open(session)
    if session.starts_at <= timezone.now():
        raise ValidationError("La séance a déjà commencé : la relance n'a plus d'objet.")
    participants = list(_to_remind(session).select_related("person"))
    if not participants:
        raise ValidationError("Toutes les personnes invitées ont déjà été relancées (ou ont décliné).")
    outcome = _remind(actor=actor, actor_label="", participants=participants, session=session)
    audit_event_record(
        code=AuditCode.SESSION_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=session,
        new={"reminders": len(outcome.participants)},
    )
    return outcome


def session_reminders_send(*, now=None) -> int:
    """The daily reminders: for each session held within its Département's reminder delay (in calendar days: "two
    days before" a Friday session is Wednesday), every invited person not yet reminded and who has not declined.
    Cancelled and closed sessions are never reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    delays = dict(DelayThresholds.objects.values_list("departement_id", "reminder_days_before"))
    default = DelayThresholds._meta.get_field("reminder_days_before").get_default()

    def last_day(departement_id):
        return today + timedelta(days=delays.get(departement_id, default))

    horizon = datetime.combine(today + timedelta(days=max([default, *delays.values()]) + 1), time.min)
    sessions = (
        OrientationSession.objects.active()
        .exclude(stage=SessionStage.CLOSED)
        .filter(starts_at__gt=now, starts_at__lt=timezone.make_aware(horizon))
    )
    sent = 0
    for session in sessions:
        if timezone.localdate(session.starts_at) > last_day(session.departement_id):
            continue
        with transaction.atomic():
            participants = list(_to_remind(session).select_related("person").select_for_update(of=("self",)))
            if participants:
                outcome = _remind(
                    actor=None, actor_label="relances automatiques", participants=participants, session=session
                )
                sent += len(outcome.participants)
    if sent:
        audit_event_record(
            code=AuditCode.SESSION_UPDATED, actor_label="relances automatiques", extra={"reminders": sent}
        )
    return sent
