"""Reads of the plan's governance, inside a programme the actor already reads (`programme.selectors.programme_for`):
the bodies with their last and next meeting and their lateness, a meeting's page, the decisions to follow."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Min, Q

from jalon.core.scoping import get_visible_or_404
from jalon.programme.enums import FREQUENCY_DAYS
from jalon.programme.governance.models import AgendaItem, Decision, Meeting, MeetingDocument
from jalon.programme.models import Body, Programme


PAGE_SIZE = 25
YEAR_DAYS = 365
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Lateness:
    body: Body
    reason: str


def lateness(
    *, body: Body, programme: Programme, today: date, last_held: date | None, held_last_year: int
) -> str | None:
    """Why the body is late today, or None. Only a programme in force has late bodies. A body is late when its
    longest interval (`FREQUENCY_DAYS`) has passed since its last meeting (since the programme's start when it never
    met), or when it met fewer times than its minimum in the last twelve months (once the programme has run a
    year)."""
    if not programme.start <= today <= programme.end:
        return None
    interval = FREQUENCY_DAYS.get(body.frequency)
    if interval is not None:
        since = last_held or programme.start
        if (today - since).days > interval:
            if last_held:
                return f"aucune réunion depuis le {last_held:%d/%m/%Y} (se réunit {body.get_frequency_display()})"
            return f"aucune réunion depuis le début du plan (se réunit {body.get_frequency_display()})"
    minimum = body.min_meetings_per_year
    if minimum and (today - programme.start).days >= YEAR_DAYS and held_last_year < minimum:
        return (
            f"{held_last_year} réunion{'s' if held_last_year > 1 else ''} sur les douze derniers mois, "
            f"{minimum} au moins attendue{'s' if minimum > 1 else ''}"
        )
    return None


def bodies_with_meetings(*, programme: Programme, today: date):
    """The programme's bodies, each with its last and next meeting, its count of meetings in the last twelve months
    and, when late, why."""
    year_ago = today - timedelta(days=YEAR_DAYS)
    bodies = list(
        programme.bodies.prefetch_related("chairs", "members").annotate(
            last_held=Max("meetings__held_on", filter=Q(meetings__held_on__lte=today)),
            next_meeting=Min("meetings__held_on", filter=Q(meetings__held_on__gt=today)),
            held_last_year=Count(
                "meetings", filter=Q(meetings__held_on__gt=year_ago, meetings__held_on__lte=today), distinct=True
            ),
        )
    )
    for body in bodies:
        body.late_reason = lateness(
            body=body,
            programme=programme,
            today=today,
            last_held=body.last_held,
            held_last_year=body.held_last_year,
        )
    return bodies


def late_bodies(*, programme: Programme, today: date) -> list[Lateness]:
    return [
        Lateness(body=body, reason=body.late_reason)
        for body in bodies_with_meetings(programme=programme, today=today)
        if body.late_reason
    ]


def body_for(*, programme: Programme, pk) -> Body:
    return get_visible_or_404(programme.bodies.prefetch_related("chairs", "members"), pk=pk)


def body_page(*, programme: Programme, pk, today: date) -> Body:
    """The body with its last and next meeting and its lateness, as the bodies' page shows it."""
    body = body_for(programme=programme, pk=pk)
    return next(b for b in bodies_with_meetings(programme=programme, today=today) if b.pk == body.pk)


def meeting_for(*, programme: Programme, pk) -> Meeting:
    return get_visible_or_404(Meeting.objects.of_programme(programme).select_related("body__programme"), pk=pk)


def decision_for(*, programme: Programme, pk) -> Decision:
    return get_visible_or_404(
        Decision.objects.of_programme(programme).select_related(
            "meeting__body__programme", "owner_user", "owner_organisation"
        ),
        pk=pk,
    )


def document_for(*, programme: Programme, pk) -> MeetingDocument:
    return get_visible_or_404(MeetingDocument.objects.filter(meeting__body__programme=programme), pk=pk)


def meeting_page(*, meeting: Meeting, today: date) -> dict:
    decisions = list(meeting.decisions.select_related("owner_user", "owner_organisation"))
    for decision in decisions:
        decision.late = decision.is_late(today)
    return {
        "agenda": list(meeting.agenda.select_related("action")),
        "attendance": list(meeting.attendance.select_related("organisation")),
        "documents": list(meeting.documents.all()),
        "decisions": decisions,
    }


def decisions_of(*, programme: Programme, today: date, status: str = "", body: Body | None = None, late: bool = False):
    decisions = Decision.objects.of_programme(programme).select_related(
        "meeting__body", "owner_user", "owner_organisation"
    )
    if status:
        decisions = decisions.filter(status=status)
    if body is not None:
        decisions = decisions.filter(meeting__body=body)
    if late:
        decisions = decisions.late(today)
    return decisions.order_by("status", "due_on", "pk")


def decisions_export_rows(*, decisions, today: date):
    yield ["Instance", "Réunion du", "Décision", "Porteur", "Échéance", "État", "En retard", "Suivi", "Suivi daté du"]
    for decision in decisions:
        yield [
            decision.meeting.body.name,
            decision.meeting.held_on,
            decision.text,
            decision.owners,
            decision.due_on,
            decision.get_status_display(),
            "oui" if decision.is_late(today) else "non",
            decision.follow_up,
            decision.follow_up_on or "",
        ]


def action_governance(*, action) -> dict:
    """What the governance says of a fiche: the agenda items that dealt with it, the decisions taken there."""
    items = list(
        AgendaItem.objects.filter(action=action).select_related("meeting__body").order_by("-meeting__held_on")
    )
    decisions = list(
        Decision.objects.filter(meeting__agenda__action=action)
        .select_related("meeting__body", "owner_user", "owner_organisation")
        .distinct()
        .order_by("-meeting__held_on", "pk")
    )
    return {"agenda_items": items, "decisions": decisions}


def home_summary(*, programme: Programme, today: date) -> dict:
    """The pilot's first view of the governance: the next meetings, the open decisions due within 30 days or late,
    the late bodies."""
    upcoming = Meeting.objects.of_programme(programme).upcoming(today).select_related("body").order_by("held_on")
    due = (
        Decision.objects.of_programme(programme)
        .due_within(today, DUE_SOON_DAYS)
        .select_related("meeting__body", "owner_user", "owner_organisation")
        .order_by("due_on", "pk")
    )
    decisions = list(due[:8])
    for decision in decisions:
        decision.late = decision.is_late(today)
    return {
        "programme": programme,
        "next_meetings": list(upcoming[:5]),
        "decisions": decisions,
        "decisions_count": due.count(),
        "late_bodies": late_bodies(programme=programme, today=today),
    }
