"""Demo sessions: a year of weekly orientation cells per territory with their attendance and interviews, linked to
the demo orientations, and the next three weeks of cells with people invited from the queue.

Past sessions are written set-based (thousands of rows); upcoming invitations go through the services so that
their messages exist as a professional would have sent them."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jalon.core.bulk import bulk_insert, bulk_insert_rows
from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.messaging.enums import MessageChannel
from jalon.organisations.models import Membership
from jalon.orientation.enums import (
    AbsenceFollowUp,
    Attendance,
    InvitationKind,
    InvitationResponse,
    SessionKind,
    SessionMode,
    SessionStage,
)
from jalon.orientation.models import Orientation, OrientationSession, SessionParticipant, SessionStageChange
from jalon.orientation.selectors import orientation_queue
from jalon.orientation.sessions.services import session_create, session_invite
from jalon.people.models import Person
from jalon.territories.models import Territory


WEEKS_OF_HISTORY = 52
HALF_HOUR = timedelta(minutes=30)
UPCOMING_WEEKS = 3
INVITED_PER_UPCOMING_SESSION = 8
# Share of oriented people who had missed an earlier session (absent, or excused) before the one that oriented them.
EARLIER_ABSENCE = 0.18
STRENGTHS = [
    "motivé(e) pour reprendre un emploi",
    "expérience dans la vente",
    "permis B et véhicule",
    "bonne connaissance du territoire",
    "expérience d'aide à domicile",
    "savoir-faire en bâtiment",
    "à l'aise avec l'ordinateur",
]
NEEDS = [
    "trouver une solution de garde",
    "se soigner avant de reprendre",
    "un logement stable",
    "une formation qualifiante",
    "de l'aide pour les démarches",
    "passer le permis",
    "retrouver confiance",
]
REASONS = {
    "professionnel": "proposé car : en recherche d'emploi, sans frein majeur identifié",
    "socio_professionnel": "proposé car : freins périphériques (mobilité, garde d'enfants) à lever avec l'emploi",
    "social": "proposé car : freins sociaux à traiter d'abord (santé, logement)",
}


def _session_day(territory_index: int, week_start: date) -> date:
    return week_start + timedelta(days=territory_index % 5)


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _professionals(ctx) -> tuple[list, list]:
    officers = [
        m.user
        for m in Membership.objects.filter(
            organisation__departement=ctx.departement, role=Role.ORIENTATION_OFFICER, is_active=True
        ).select_related("user")
    ]
    advisers = [
        m.user
        for m in Membership.objects.filter(
            organisation__departement=ctx.departement, organisation__kind="france_travail", role=Role.REFERENT
        ).select_related("user")
    ]
    return officers, advisers


def build(ctx) -> None:
    if OrientationSession.objects.filter(departement=ctx.departement).exists():
        ctx.log("  séances déjà présentes")
        return
    rng = random.Random(int(ctx.config.code) * 7)
    territories = list(ctx.territories.values())
    if not territories:
        return
    officers, advisers = _professionals(ctx)
    organiser = ctx.organisations["cd"]
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())

    # Which territory each person belongs to (first territory of their commune).
    by_pk = {territory.pk: territory for territory in territories}
    territory_of: dict[int, Territory] = {}
    for person_id, territory_id in Person.objects.filter(
        departement=ctx.departement, commune__territories__in=territories
    ).values_list("pk", "commune__territories"):
        territory_of.setdefault(person_id, by_pk[territory_id])

    orientations = list(
        Orientation.objects.filter(
            person__departement=ctx.departement, decided_on__lt=today, session=None
        ).values_list("pk", "person_id", "decided_on", "orientation_type")
    )
    # Sessions are weekly per territory: (territory pk, monday) -> session
    sessions: dict[tuple[int, date], OrientationSession] = {}

    def session_for(territory_index: int, territory, day: date) -> OrientationSession:
        monday = day - timedelta(days=day.weekday())
        if _session_day(territory_index, monday) > day:
            monday -= timedelta(days=7)
        key = (territory.pk, monday)
        if key not in sessions:
            session_day = _session_day(territory_index, monday)
            sessions[key] = OrientationSession(
                departement=ctx.departement,
                organisation=organiser,
                territory=territory,
                kind=SessionKind.CELL,
                mode=SessionMode.IN_PERSON,
                starts_at=_aware(session_day, 9),
                ends_at=_aware(session_day, 12),
                place=f"Maison départementale de la solidarité — {territory.name.removeprefix('Territoire ')}",
                capacity=15,
                stage=SessionStage.CLOSED,
            )
        return sessions[key]

    index_of = {territory.pk: index for index, territory in enumerate(territories)}
    attendance_rows = []  # (session, person_id, attendance, orientation id | None)
    oldest = this_monday - timedelta(weeks=WEEKS_OF_HISTORY)
    for orientation_id, person_id, decided_on, _ in orientations:
        territory = territory_of.get(person_id, territories[person_id % len(territories)])
        if decided_on < oldest:
            continue
        index = index_of[territory.pk]
        session = session_for(index, territory, decided_on)
        attendance_rows.append((session, person_id, Attendance.PRESENT, orientation_id))
        if rng.random() < EARLIER_ABSENCE and session.starts_at.date() - timedelta(days=14) > oldest:
            earlier = session_for(index, territory, session.starts_at.date() - timedelta(days=14))
            earlier_attendance = Attendance.ABSENT if rng.random() < 0.75 else Attendance.EXCUSED
            attendance_rows.append((earlier, person_id, earlier_attendance, None))
    # People still waiting who missed a past session: the ones the delays screen and the signals are about.
    admin = Membership.objects.filter(user=ctx.users["admin"], organisation=organiser).first()
    actor = Actor(user=ctx.users["admin"], membership=admin)
    waiting = list(orientation_queue(actor=actor).values_list("pk", "right_requested_on"))
    rng.shuffle(waiting)
    no_shows = waiting[: len(waiting) // 4]
    for person_id, requested_on in no_shows:
        day = max(requested_on or today, oldest) + timedelta(days=rng.randint(10, 40))
        if day >= this_monday:
            continue
        territory = territory_of.get(person_id, territories[person_id % len(territories)])
        attendance_rows.append(
            (session_for(index_of[territory.pk], territory, day), person_id, Attendance.ABSENT, None)
        )

    # Sessions are not saved yet (no pk): count their rows by identity.
    invited: defaultdict[int, int] = defaultdict(int)
    for row in attendance_rows:
        invited[id(row[0])] += 1
    held = [session for session in sessions.values() if invited[id(session)]]
    for session in held:
        session.capacity = max(15, invited[id(session)] + 2)
    bulk_insert(OrientationSession, held)
    through = OrientationSession.professionals.through
    links = []
    for session in held:
        team = [rng.choice(officers)] if officers else []
        if advisers:
            team.append(rng.choice(advisers))
        links += [through(orientationsession_id=session.pk, user_id=user.pk) for user in team]
    through.objects.bulk_create(links, ignore_conflicts=True)
    stage_rows = []
    for session in held:
        for offset, stage in enumerate(SessionStage):
            stage_rows.append(
                {
                    "session_id": session.pk,
                    "stage": stage,
                    "reached_at": session.starts_at
                    + timedelta(minutes=(-7 * 24 * 60 if offset == 0 else 30 * offset)),
                    "reached_by_id": None,
                    "note": "",
                }
            )
    bulk_insert_rows(SessionStageChange, stage_rows)

    participants, linked = [], []
    seen = set()
    for session, person_id, attendance, orientation_id in attendance_rows:
        if (session.pk, person_id) in seen:
            continue
        seen.add((session.pk, person_id))
        missed = attendance != Attendance.PRESENT
        participants.append(
            SessionParticipant(
                session=session,
                person_id=person_id,
                invitation_kind=InvitationKind.CONVOCATION if rng.random() < 0.15 else InvitationKind.INVITATION,
                invited_at=session.starts_at - timedelta(days=rng.randint(8, 20)),
                reminder_sent_at=session.starts_at - timedelta(days=2),
                response=(
                    InvitationResponse.DECLINED
                    if attendance == Attendance.EXCUSED
                    else InvitationResponse.CONFIRMED
                    if not missed and rng.random() < 0.6
                    else InvitationResponse.NONE
                ),
                attendance=attendance,
                attendance_recorded_at=session.starts_at + timedelta(hours=1),
                absence_follow_up=(
                    rng.choice([AbsenceFollowUp.NEW_INVITATION, AbsenceFollowUp.CONVOCATION, AbsenceFollowUp.SIGNAL])
                    if missed
                    else ""
                ),
            )
        )
        if orientation_id:
            linked.append((orientation_id, session.pk, participants[-1]))
    bulk_insert(SessionParticipant, participants)
    Orientation.objects.bulk_update(
        [Orientation(pk=orientation_id, session_id=session_id) for orientation_id, session_id, _ in linked],
        ["session"],
        batch_size=2000,
    )
    _interviews(ctx, rng, linked, {o[0]: o for o in orientations}, officers)
    upcoming = _upcoming(ctx, rng, actor, territories, territory_of, officers, advisers, this_monday)
    ctx.log(f"  {len(held)} séances passées ({len(participants)} invitations), {upcoming} séances à venir")


def _interviews(ctx, rng, linked, orientations, officers) -> None:
    from jalon.intake.models import SocioProfessionalData
    from jalon.orientation.interviews.demo import interviews_bulk_create

    obstacles = dict(
        SocioProfessionalData.objects.filter(person__departement=ctx.departement).values_list(
            "person_id", "declared_obstacles"
        )
    )
    rows = []
    for orientation_id, _session_id, participant in linked:
        _, person_id, _decided_on, orientation_type = orientations[orientation_id]
        rows.append(
            {
                "person_id": person_id,
                "participant_id": participant.pk,
                "strengths": rng.choice(STRENGTHS),
                "needs": rng.choice(NEEDS),
                "obstacles": obstacles.get(person_id) or [],
                "proposed_type": orientation_type,
                "proposed_dispositif_id": None,
                "proposal_reasons": [REASONS[orientation_type]],
                "conducted_on": participant.attendance_recorded_at.date(),
                "conducted_by_id": rng.choice(officers).pk if officers else None,
                "orientation_id": orientation_id,
            }
        )
    interviews_bulk_create(rows)


def _upcoming(ctx, rng, actor, territories, territory_of, officers, advisers, this_monday) -> int:
    """The next weeks' cells, created and filled through the services (with their SMS invitations)."""
    queue = list(orientation_queue(actor=actor).exclude(session_participations__isnull=False)[:3000])
    rng.shuffle(queue)
    by_territory = defaultdict(list)
    for person in queue:
        if person.pk in territory_of:
            by_territory[territory_of[person.pk].pk].append(person)
    created = 0
    for week in range(1, UPCOMING_WEEKS + 1):
        monday = this_monday + timedelta(weeks=week)
        for index, territory in enumerate(territories):
            day = _session_day(index, monday)
            team = [officers[index % len(officers)]] if officers else []
            if advisers:
                team.append(advisers[(index + week) % len(advisers)])
            # Morning or afternoon, so that a professional on two territories the same weekday is never twice booked.
            morning = (index // 5 + week) % 2 == 0
            session = session_create(
                actor=actor,
                kind=SessionKind.CELL if index % 3 else SessionKind.COLLECTIVE_INFORMATION,
                mode=SessionMode.IN_PERSON,
                starts_at=_aware(day, 9 if morning else 14),
                ends_at=_aware(day, 12 if morning else 17),
                capacity=15,
                place=f"Maison départementale de la solidarité — {territory.name.removeprefix('Territoire ')}",
                territory=territory,
                professionals=team,
            )
            invited = by_territory[territory.pk][:INVITED_PER_UPCOMING_SESSION]
            del by_territory[territory.pk][:INVITED_PER_UPCOMING_SESSION]
            if invited:
                session_invite(actor=actor, session=session, persons=invited, channels=[MessageChannel.SMS])
            created += 1
    return created
