"""Reads of the users' participation bodies, scoped to the actor (see `access`). Every read that shows members by
name writes its audit event: the members are people served."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.participation import access
from jalon.participation.enums import TAKEN_UP, AttendanceStatus, BodyKind, ExpenseNature, ProposalStatus
from jalon.participation.models import Attendance, Body, EplAttendance, Expense, Meeting, Member, Proposal
from jalon.people.selectors import persons_view_record


def bodies_for(actor: Actor) -> QuerySet:
    if not access.may_read_bodies(actor):
        return Body.objects.none()
    bodies = Body.objects.select_related("organisation", "territory")
    if actor.is_platform_admin:
        return bodies
    bodies = bodies.filter(departement_id=actor.departement_code)
    return bodies if access.reads_everything(actor) else bodies.filter(organisation_id=actor.organisation_id)


def body_for(*, actor: Actor, pk) -> Body:
    try:
        return bodies_for(actor).get(pk=pk)
    except (Body.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND_MESSAGE) from exc


def committee_for(*, actor: Actor, pk) -> Body:
    body = body_for(actor=actor, pk=pk)
    if not body.is_committee:
        raise Http404(NOT_FOUND_MESSAGE)
    return body


def meeting_for(*, body: Body, pk) -> Meeting:
    try:
        return body.meetings.get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND_MESSAGE) from exc


def proposal_for(*, body: Body, pk) -> Proposal:
    try:
        return body.proposals.select_related("made_at", "shown_back_at").get(pk=pk)
    except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND_MESSAGE) from exc


def member_for(*, actor: Actor, body: Body, pk) -> Member:
    """One member, named on the screen that asks for them: audited."""
    try:
        member = body.members.select_related("person").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND_MESSAGE) from exc
    persons_view_record(
        actor=actor,
        screen="participation:member",
        person_ids=[member.person_id],
        subject=member,
        code=AuditCode.PARTICIPATION_MEMBERS_VIEWED,
    )
    return member


def present_members(*, actor: Actor, meeting: Meeting) -> QuerySet:
    """The members present at a meeting, offered by name to receive expenses: audited."""
    members = meeting.body.members.filter(
        attendances__meeting=meeting, attendances__status=AttendanceStatus.PRESENT
    ).select_related("person")
    persons_view_record(
        actor=actor,
        screen="participation:expense_add",
        person_ids=[m.person_id for m in members],
        subject=meeting,
        code=AuditCode.PARTICIPATION_MEMBERS_VIEWED,
    )
    return members


def bodies_listing(*, actor: Actor, today: date) -> list[Body]:
    """The bodies with their counts of members in office, meetings held this year, proposals waiting."""
    return list(
        bodies_for(actor).annotate(
            members_in_office=Count(
                "members",
                filter=Q(members__starts_on__lte=today, members__ends_on__gte=today)
                & (Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)),
                distinct=True,
            ),
            meetings_this_year=Count("meetings", filter=Q(meetings__held_at__year=today.year), distinct=True),
            proposals_waiting=Count("proposals", filter=Q(proposals__status=ProposalStatus.STUDY), distinct=True),
        )
    )


def meetings_with_counts(body: Body) -> QuerySet:
    return body.meetings.annotate(
        present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
        excused=Count("attendances", filter=Q(attendances__status=AttendanceStatus.EXCUSED), distinct=True),
        absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT), distinct=True),
        expenses_total=Sum("expenses__amount"),
    )


@dataclass(frozen=True)
class YearExpenses:
    year: int
    by_nature: dict  # label -> amount
    total: object
    paid: object


def expenses_by_year(body: Body) -> list[YearExpenses]:
    rows = (
        Expense.objects.filter(meeting__body=body)
        .values("meeting__held_at__year", "nature")
        .annotate(total=Sum("amount"), paid=Sum("amount", filter=Q(paid_on__isnull=False)))
        .order_by("-meeting__held_at__year", "nature")
    )
    years: dict[int, dict] = {}
    labels = dict(ExpenseNature.choices)
    for row in rows:
        year = years.setdefault(row["meeting__held_at__year"], {"by_nature": {}, "total": 0, "paid": 0})
        year["by_nature"][labels[row["nature"]]] = row["total"]
        year["total"] += row["total"]
        year["paid"] += row["paid"] or 0
    return [YearExpenses(year=y, **values) for y, values in years.items()]


def body_page(*, actor: Actor, body: Body, now: datetime) -> dict:
    """A body's page: its members (named: audited), its meetings, its proposals and its expenses by year."""
    today = timezone.localtime(now).date()
    members = list(body.members.select_related("person").order_by("-ends_on", "seat", "person__last_name"))
    persons_view_record(
        actor=actor,
        screen="participation:body",
        person_ids=[m.person_id for m in members],
        subject=body,
        code=AuditCode.PARTICIPATION_MEMBERS_VIEWED,
    )
    current = [m for m in members if m.in_office_on(today)]
    page = {
        "members": current,
        "former_members": [m for m in members if not m.in_office_on(today) and m.starts_on <= today],
        "future_members": [m for m in members if m.starts_on > today],
        "titulars": sum(1 for m in current if m.seat == "titulaire"),
        "substitutes": sum(1 for m in current if m.seat == "suppleant"),
    }
    if body.is_committee:
        meetings = list(meetings_with_counts(body))
        page.update(
            upcoming=sorted((m for m in meetings if m.held_at >= now), key=lambda m: m.held_at),
            past=[m for m in meetings if m.held_at < now],
            proposals=list(body.proposals.select_related("made_at", "shown_back_at")),
            expenses=expenses_by_year(body),
        )
    else:
        page.update(epl=epl_rows(body=body, members=current, now=now))
    return page


def attendance_rows(meeting: Meeting) -> list[tuple[Member, str]]:
    """The members expected at the meeting (in office that day) with their recorded attendance, if any."""
    recorded = {a.member_id: a.status for a in meeting.attendances.all()}
    members = list(meeting.body.members.in_office(meeting.day).select_related("person"))
    extra = meeting.body.members.filter(pk__in=set(recorded) - {m.pk for m in members}).select_related("person")
    return [(member, recorded.get(member.pk, "")) for member in [*members, *extra]]


def meeting_page(*, actor: Actor, meeting: Meeting, now: datetime) -> dict:
    rows = attendance_rows(meeting)
    expenses = list(meeting.expenses.select_related("member__person").order_by("member__person__last_name", "pk"))
    persons_view_record(
        actor=actor,
        screen="participation:meeting",
        person_ids=[member.person_id for member, _status in rows] + [e.member.person_id for e in expenses],
        subject=meeting,
        code=AuditCode.PARTICIPATION_MEMBERS_VIEWED,
    )
    counts = {status: sum(1 for _m, s in rows if s == status) for status in AttendanceStatus.values}
    return {
        "rows": rows,
        "counts": counts,
        "recorded": any(status for _m, status in rows),
        "is_past": meeting.held_at <= now,
        "expenses": expenses,
        "expenses_total": sum((e.amount for e in expenses), 0),
        "present_members": [member for member, status in rows if status == AttendanceStatus.PRESENT],
        "proposals_made": list(meeting.proposals_made.all()),
        "proposals_shown": list(meeting.proposals_shown.all()),
    }


def epl_rows(*, body: Body, members: list, now: datetime, limit: int = 8) -> dict:
    """The EPL's last and next meetings with the users' attendance at each."""
    from jalon.participation.services import epl_meetings

    meetings = list(epl_meetings(body).filter(held_at__lte=now).order_by("-held_at")[:limit])
    upcoming = epl_meetings(body).filter(held_at__gt=now).order_by("held_at").first()
    statuses = {
        (a.epl_meeting_id, a.member_id): a.status
        for a in EplAttendance.objects.filter(member__body=body, epl_meeting__in=meetings)
    }
    return {
        "meetings": [
            {
                "meeting": meeting,
                "present": sum(1 for (mid, _), s in statuses.items() if mid == meeting.pk and s == "present"),
                "recorded": any(mid == meeting.pk for mid, _ in statuses),
            }
            for meeting in meetings
        ],
        "upcoming": upcoming,
    }


def epl_attendance_rows(*, actor: Actor, body: Body, epl_meeting) -> list[tuple[Member, str]]:
    """The users seated at the EPL that day, with their recorded attendance (named: audited)."""
    day = timezone.localtime(epl_meeting.held_at).date()
    recorded = {
        a.member_id: a.status for a in EplAttendance.objects.filter(member__body=body, epl_meeting=epl_meeting)
    }
    rows = [(m, recorded.get(m.pk, "")) for m in body.members.in_office(day).select_related("person")]
    persons_view_record(
        actor=actor,
        screen="participation:epl_attendance",
        person_ids=[m.person_id for m, _status in rows],
        subject=body,
        code=AuditCode.PARTICIPATION_MEMBERS_VIEWED,
    )
    return rows


# -- the proposals' follow-up -------------------------------------------------------------------------------------


def proposals_followup(*, actor: Actor, status: str = "", body_id=None, year=None) -> QuerySet:
    proposals = Proposal.objects.filter(body__in=bodies_for(actor)).select_related("body", "made_at", "shown_back_at")
    if status:
        proposals = proposals.filter(status=status)
    if body_id:
        proposals = proposals.filter(body_id=body_id)
    if year:
        proposals = proposals.filter(made_on__year=year)
    return proposals.order_by("status", "-made_on", "-pk")


def proposals_export_rows(proposals):
    yield [
        "Comité",
        "Proposition",
        "Formulée le",
        "Suite donnée",
        "Réponse apportée",
        "Motif du refus",
        "Réponse le",
        "Présentée au comité le",
    ]
    for p in proposals:
        yield [
            p.body.name,
            p.title,
            p.made_on,
            p.get_status_display(),
            p.answer,
            p.refusal_reason,
            p.answered_on or "",
            p.shown_back_at.day if p.shown_back_at else "",
        ]


# -- counts (observatory, home, API) --------------------------------------------------------------------------


def participation_counts(*, departement_id: str, year: int) -> dict:
    """The year's counts of the Département's users' participation, as the observatory's J50–J53 define them."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    seated = Member.objects.filter(
        body__departement_id=departement_id, starts_on__lte=end, ends_on__gte=start
    ).exclude(left_on__lt=start)
    now = timezone.now()
    return {
        "year": year,
        "committee_members": seated.filter(body__kind=BodyKind.COMMITTEE).values("person").distinct().count(),
        "committee_meetings": Meeting.objects.filter(
            body__departement_id=departement_id, held_at__year=year, held_at__lte=now
        ).count(),
        "proposals_made": Proposal.objects.filter(body__departement_id=departement_id, made_on__year=year).count(),
        "proposals_taken_up": Proposal.objects.filter(
            body__departement_id=departement_id, made_on__year=year, status__in=TAKEN_UP
        ).count(),
        "epl_users": seated.filter(body__kind=BodyKind.EPL).values("person").distinct().count(),
        "attendances": Attendance.objects.filter(
            meeting__body__departement_id=departement_id, meeting__held_at__year=year, status="present"
        ).count(),
    }


def home_items(*, actor: Actor, now: datetime, limit: int = 5) -> dict:
    bodies = bodies_for(actor)
    return {
        "waiting": list(
            Proposal.objects.filter(body__in=bodies, status=ProposalStatus.STUDY)
            .select_related("body")
            .order_by("made_on")[:limit]
        ),
        "waiting_count": Proposal.objects.filter(body__in=bodies, status=ProposalStatus.STUDY).count(),
        "next_meetings": list(
            Meeting.objects.filter(body__in=bodies, held_at__gte=now)
            .select_related("body")
            .order_by("held_at")[:limit]
        ),
    }


def member_next_meetings(*, person, now: datetime, limit: int = 3) -> list[Meeting]:
    """The next meetings of the committees where the person sits (for their own space)."""
    today = timezone.localtime(now).date()
    bodies = Member.objects.filter(person=person).in_office(today).values("body")
    return list(
        Meeting.objects.filter(body__in=bodies, held_at__gte=now).select_related("body").order_by("held_at")[:limit]
    )
