import itertools

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.core.sorting import SortState
from jalon.orientation.enums import Attendance, SessionStage
from jalon.orientation.models import Orientation, OrientationSession, SessionParticipant, SessionStageChange
from jalon.people.models import Person
from jalon.people.selectors import persons_view_record


def _visible_sessions(actor: Actor):
    qs = OrientationSession.objects.visible_to(actor)
    if actor.territory_ids:
        qs = qs.filter(Q(territory_id__in=actor.territory_ids) | Q(territory=None))
    return qs


def _with_counts(qs):
    return qs.annotate(
        invited=Count("participants", distinct=True),
        present=Count("participants", filter=Q(participants__attendance=Attendance.PRESENT), distinct=True),
    )


def sessions_agenda(*, actor: Actor, past: bool = False, mine: bool = False, kind: str = ""):
    now = timezone.now()
    qs = _visible_sessions(actor)
    qs = qs.filter(ends_at__lt=now) if past else qs.filter(ends_at__gte=now)
    if mine:
        qs = qs.filter(professionals=actor.user)
    if kind:
        qs = qs.filter(kind=kind)
    return (
        _with_counts(qs)
        .select_related("territory", "organisation")
        .prefetch_related("professionals")
        .order_by("-starts_at" if past else "starts_at")
    )


AGENDA_EXPORT_HEADER = [
    "Date",
    "Début",
    "Fin",
    "Type",
    "Modalité",
    "Lieu",
    "Territoire",
    "Structure organisatrice",
    "Professionnels",
    "Statut",
    "Places",
    "Invités",
    "Présents",
]


def sessions_agenda_export(
    *, actor: Actor, past: bool = False, mine: bool = False, kind: str = "", sort: SortState | None = None
):
    """The agenda as the screen filters and sorts it, every page at once: one row per session, header first. Like
    the screen, no person's name (the professionals mobilised are named, the persons only counted): no audit event."""
    sessions = sessions_agenda(actor=actor, past=past, mine=mine, kind=kind)
    if sort is not None:
        sessions = sort.apply(sessions)

    def rows():
        yield AGENDA_EXPORT_HEADER
        # In chunks, each with its professionals' prefetch: a fixed number of queries per chunk, none per session.
        for session in sessions.iterator(chunk_size=500):
            starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
            yield [
                f"{starts:%d/%m/%Y}",
                f"{starts:%H:%M}",
                f"{ends:%H:%M}",
                session.get_kind_display(),
                session.get_mode_display(),
                session.place,
                session.territory.name if session.territory else "",
                session.organisation.name,
                ", ".join(user.get_full_name() for user in _by_name(session.professionals.all())),
                "annulée" if session.is_cancelled else session.get_stage_display(),
                session.capacity,
                session.invited,
                session.present,
            ]

    return rows()


def _by_name(users):
    return sorted(users, key=lambda user: (user.last_name, user.first_name))


def session_for(*, actor: Actor, pk) -> OrientationSession:
    qs = _visible_sessions(actor).select_related("territory", "organisation", "created_by")
    return get_visible_or_404(qs.prefetch_related("professionals"), pk=pk)


def sessions_of_professional(*, actor: Actor, professional_id: int, starts, ends):
    """The sessions of the actor's département a professional organises (created) or is mobilised on that start
    between `starts` (included) and `ends` (excluded), cancelled ones included (a calendar shows the slot was
    freed). Each carries `opens`: whether the actor may open its page. No person is named. One query."""
    mobilised = OrientationSession.professionals.through.objects.filter(
        orientationsession_id=OuterRef("pk"), user_id=professional_id
    )
    qs = OrientationSession.objects.filter(starts_at__gte=starts, starts_at__lt=ends).filter(
        Exists(mobilised) | Q(created_by_id=professional_id)
    )
    if not actor.is_platform_admin:
        qs = qs.filter(departement_id=actor.departement_code)
    return (
        qs.annotate(opens=Exists(_visible_sessions(actor).filter(pk=OuterRef("pk"))))
        .select_related("organisation", "territory")
        .order_by("starts_at", "pk")
    )


def session_participants(*, actor: Actor, session: OrientationSession):
    """The session's participants the actor may see: professionals mobilised on the session see them all (they
    receive them); the Département's overseers, through the person scoping as a second line of defence (a
    territory manager sees the participants of their territories only)."""
    current = Orientation.objects.current().select_related("organisation", "referent", "dispositif")
    participants = session.participants.all()
    if not session.professionals.filter(pk=actor.user.pk).exists():
        participants = participants.filter(person__in=Person.objects.visible_to(actor).values("pk"))
    return (
        participants.select_related("person__commune", "interview")
        .prefetch_related(Prefetch("person__orientations", queryset=current, to_attr="current_orientations"))
        .order_by("person__normalized_last_name", "person__normalized_first_name")
    )


def session_participants_open(*, actor: Actor, session: OrientationSession, screen: str) -> list[SessionParticipant]:
    """The participants a screen or endpoint lists, as a list; reading their names is recorded in the audit log
    (one event naming the session and every person listed)."""
    participants = list(session_participants(actor=actor, session=session))
    persons_view_record(
        actor=actor, screen=screen, person_ids=[participant.person_id for participant in participants], subject=session
    )
    return participants


def session_stage_history(*, session: OrientationSession):
    return SessionStageChange.objects.filter(session=session).select_related("reached_by")


def sessions_open_for_invitation(*, actor: Actor):
    """Upcoming sessions that still take invitations, with their free places."""
    return (
        _with_counts(
            _visible_sessions(actor).active().exclude(stage=SessionStage.CLOSED).filter(starts_at__gt=timezone.now())
        )
        .select_related("territory")
        .order_by("starts_at")
    )


def person_participations(*, person):
    return (
        SessionParticipant.objects.filter(person=person)
        .select_related("session__organisation", "session__territory")
        .annotate(has_interview=Exists(SessionParticipant.objects.filter(pk=OuterRef("pk"), interview__isnull=False)))
        .order_by("-session__starts_at")
    )


def participant_for(*, actor: Actor, pk) -> SessionParticipant:
    """A participant of a session the actor sees: any of them for a professional mobilised on the session,
    otherwise only a person the actor may see."""
    mobilised = OrientationSession.professionals.through.objects.filter(
        orientationsession_id=OuterRef("session_id"), user_id=actor.user.pk
    )
    qs = SessionParticipant.objects.filter(session__in=_visible_sessions(actor)).filter(
        Exists(mobilised) | Q(person__in=Person.objects.visible_to(actor).values("pk"))
    )
    return get_visible_or_404(qs.select_related("session", "person"), pk=pk)


def decisions_to_take(*, actor: Actor, limit: int, batch_size: int = 50) -> list[SessionParticipant]:
    """The first `limit` people who came to a session and are not oriented yet: the orientation officer's next
    decisions. The candidates are read in order without the persons, a batch at a time, and the persons of a batch
    checked visible by their keys: with the visibility rule inside, PostgreSQL hashed the whole person table for
    every home (85–180 ms at Nord scale, 11 000 people present and not yet oriented); this way, 15–20 ms."""
    candidates = (
        SessionParticipant.objects.filter(session__in=_visible_sessions(actor).active(), attendance=Attendance.PRESENT)
        # An uncorrelated NOT IN (one hashed lookup), not NOT EXISTS: PostgreSQL estimates an anti-join against the
        # far larger set of current orientations at one row, and then joined the sessions by a nested loop over every
        # participant (1 s on the officer's home at Nord scale).
        .exclude(person_id__in=Orientation.objects.current().values("person_id"))
        .order_by("session__starts_at", "pk")
        .values_list("pk", "person_id")
    )
    ids: list[int] = []
    for offset in itertools.count(0, batch_size):
        batch = list(candidates[offset : offset + batch_size])
        visible = set(
            Person.objects.visible_to(actor)
            .filter(pk__in=[person for _, person in batch])
            .values_list("pk", flat=True)
        )
        ids += [pk for pk, person in batch if person in visible][: limit - len(ids)]
        if len(ids) == limit or len(batch) < batch_size:
            break
    rows = SessionParticipant.objects.filter(pk__in=ids).select_related("person", "session", "interview")
    return sorted(rows, key=lambda row: ids.index(row.pk))
