"""Reads for réorientation: EPL meetings and their agenda, pending requests, delays, long-term beneficiaries."""

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean, median

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.orientation.delays.selectors import PLEIN_EMPLOI_IN_FORCE_ON, step_days, thresholds_for
from jalon.orientation.enums import (
    DelayStep,
    LongTermConsequence,
    LongTermTypology,
    OrientationType,
    ReorientationStatus,
)
from jalon.orientation.models import EplMeeting, LongTermReview, Orientation, ReorientationRequest
from jalon.orientation.selectors import _years_ago
from jalon.people.enums import RightState
from jalon.people.models import Person
from jalon.people.selectors import person_view_record, persons_view_record


PENDING = (ReorientationStatus.REQUESTED, ReorientationStatus.SCHEDULED)
DECIDED = (ReorientationStatus.ACCEPTED, ReorientationStatus.REFUSED)
EPL_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
REQUEST_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
LONG_TERM_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.REFERENT)
REVIEW_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.REFERENT)


# --- Delays ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDelays:
    """Days between the steps of one request; None while a step is not reached."""

    requested_to_scheduled: int | None
    scheduled_to_decided: int | None
    requested_to_decided: int | None
    waiting: int | None  # days since the request, while it is pending


def request_delays(request: ReorientationRequest, *, today: date | None = None) -> RequestDelays:
    today = today or timezone.localdate()
    decided = request.decided_on if request.status in DECIDED else None

    def days(start, end):
        return (end - start).days if start and end else None

    return RequestDelays(
        requested_to_scheduled=days(request.requested_on, request.scheduled_on),
        scheduled_to_decided=days(request.scheduled_on, decided),
        requested_to_decided=days(request.requested_on, decided),
        waiting=days(request.requested_on, today) if request.status in PENDING else None,
    )


def _summary(values: list[int]) -> dict:
    return {
        "count": len(values),
        "mean": round(mean(values), 1) if values else None,
        "median": median(values) if values else None,
    }


def reorientation_delays(*, departement_id, start: date, end: date, territory_id=None) -> dict:
    """Réorientations of a département over a period (both dates included), for the observatory: how many were
    requested, decided (accepted, refused), withdrawn, and the mean and median days of each step of those decided
    in the period. One query for the counts, one for the dates, whatever the size."""
    requests = ReorientationRequest.objects.filter(person__departement_id=departement_id)
    if territory_id:
        requests = requests.filter(person__commune__territories=territory_id)
    in_period = Q(decided_on__gte=start, decided_on__lte=end)
    counts = requests.aggregate(
        requested=Count("pk", filter=Q(requested_on__gte=start, requested_on__lte=end)),
        accepted=Count("pk", filter=in_period & Q(status=ReorientationStatus.ACCEPTED)),
        refused=Count("pk", filter=in_period & Q(status=ReorientationStatus.REFUSED)),
        withdrawn=Count("pk", filter=in_period & Q(status=ReorientationStatus.WITHDRAWN)),
    )
    rows = requests.filter(in_period, status__in=DECIDED).values_list("requested_on", "scheduled_on", "decided_on")
    to_schedule, to_decide, overall = [], [], []
    for requested_on, scheduled_on, decided_on in rows:
        if requested_on is None or decided_on is None:
            continue
        overall.append((decided_on - requested_on).days)
        if scheduled_on:
            to_schedule.append((scheduled_on - requested_on).days)
            to_decide.append((decided_on - scheduled_on).days)
    return {
        "departement_id": departement_id,
        "start": start,
        "end": end,
        "requested": counts["requested"],
        "decided": counts["accepted"] + counts["refused"],
        "accepted": counts["accepted"],
        "refused": counts["refused"],
        "withdrawn": counts["withdrawn"],
        "requested_to_scheduled": _summary(to_schedule),
        "scheduled_to_decided": _summary(to_decide),
        "requested_to_decided": _summary(overall),
    }


# --- Requests -------------------------------------------------------------------------------------------------


def _current_orientations():
    return Orientation.objects.current().select_related("organisation", "dispositif", "referent")


def person_for_request(*, actor: Actor, pk) -> tuple[Person, Orientation | None]:
    """The person a réorientation is asked for, and their current orientation. A référent asks only for the
    people whose current orientation is their organisation's; anyone else gets the same 404."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune"), pk=pk)
    current = _current_orientations().filter(person=person).first()
    if actor.has_role(Role.REFERENT) and not actor.is_platform_admin:
        if current is None or current.organisation_id != actor.organisation_id:
            raise Http404(NOT_FOUND_MESSAGE)
    person_view_record(actor=actor, person=person, screen="demande de réorientation")
    return person, current


def request_for_actor(*, actor: Actor, pk) -> ReorientationRequest:
    """A request the actor may act on (withdraw): its person is visible, and for a référent it concerns their
    organisation's orientation."""
    qs = ReorientationRequest.objects.filter(person__in=Person.objects.visible_to(actor)).select_related(
        "person", "from_orientation__organisation"
    )
    if actor.has_role(Role.REFERENT) and not actor.is_platform_admin:
        qs = qs.filter(from_orientation__organisation_id=actor.organisation_id or 0)
    request = get_visible_or_404(qs, pk=pk)
    person_view_record(actor=actor, person=request.person, screen="retrait d'une demande de réorientation")
    return request


def _with_context(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "person",
        "person__commune",
        "requested_dispositif",
        "requested_by",
        "from_orientation__organisation",
        "from_orientation__dispositif",
        "from_orientation__referent",
    )


def pending_requests(*, actor: Actor, meeting: EplMeeting | None = None) -> QuerySet:
    """Requests waiting for an EPL (not yet on an agenda), oldest first, for the people the actor sees. For a
    given meeting, only those it may take: its département, and its territory when it has one."""
    qs = ReorientationRequest.objects.filter(
        status=ReorientationStatus.REQUESTED, person__in=Person.objects.visible_to(actor)
    )
    if meeting is not None:
        qs = qs.filter(person__departement_id=meeting.departement_id)
        if meeting.territory_id:
            qs = qs.filter(Q(person__commune=None) | Q(person__commune__territories=meeting.territory_id))
    return _with_context(qs).order_by("requested_on", "pk")


def requests_list(*, actor: Actor, status: str = "") -> QuerySet:
    """Réorientation requests of the people the actor sees (a référent: those of their organisation)."""
    qs = ReorientationRequest.objects.filter(person__in=Person.objects.visible_to(actor))
    if actor.has_role(Role.REFERENT) and not actor.is_platform_admin:
        qs = qs.filter(from_orientation__organisation_id=actor.organisation_id or 0)
    if status:
        qs = qs.filter(status=status)
    return _with_context(qs).select_related("epl_meeting").order_by("-requested_on", "-pk")


# --- EPL meetings ---------------------------------------------------------------------------------------------


def epl_meetings(*, actor: Actor) -> QuerySet:
    """EPL meetings of the actor's département; a membership limited to territories sees those territories'
    meetings and the département-wide ones."""
    qs = EplMeeting.objects.all()
    if not actor.acts_for_departement(*EPL_ROLES):
        return qs.none()
    if not actor.is_platform_admin:
        qs = qs.filter(departement_id=actor.organisation.departement_id)
        if actor.territory_ids:
            qs = qs.filter(Q(territory=None) | Q(territory__in=actor.territory_ids))
    return qs.select_related("territory", "organisation").annotate(
        agenda_count=Count("agenda", distinct=True),
        undecided_count=Count("agenda", filter=Q(agenda__status=ReorientationStatus.SCHEDULED), distinct=True),
    )


def epl_meeting_lists(*, actor: Actor, now=None) -> tuple[QuerySet, QuerySet]:
    """(upcoming, past): upcoming from today on, soonest first; past ones most recent first."""
    now = now or timezone.now()
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = epl_meetings(actor=actor)
    return (
        meetings.filter(held_at__gte=today_start).order_by("held_at", "pk"),
        meetings.filter(held_at__lt=today_start).order_by("-held_at", "-pk"),
    )


def epl_meeting_get(*, actor: Actor, pk) -> EplMeeting:
    return get_visible_or_404(epl_meetings(actor=actor), pk=pk)


def epl_meeting_members(*, meeting: EplMeeting) -> list:
    return list(meeting.members.order_by("last_name", "first_name"))


def epl_agenda(*, actor: Actor, meeting: EplMeeting, today: date | None = None) -> list[ReorientationRequest]:
    """The meeting's agenda: the requests with the person, their current orientation, the reason, the requested
    type and the days waiting (or the delays once decided). Only the people the actor sees; reading it is
    recorded in the audit log with their ids."""
    items = list(
        _with_context(meeting.agenda.filter(person__in=Person.objects.visible_to(actor)))
        .select_related("new_orientation__organisation", "new_orientation__dispositif", "decided_by")
        .order_by("scheduled_on", "requested_on", "pk")
    )
    today = today or timezone.localdate()
    for item in items:
        item.delays = request_delays(item, today=today)  # type: ignore[attr-defined]
    persons_view_record(
        actor=actor, screen="ordre du jour de l'EPL", person_ids=[item.person_id for item in items], subject=meeting
    )
    return items


def agenda_item_get(*, actor: Actor, meeting: EplMeeting, pk) -> ReorientationRequest:
    """One request of the meeting's agenda, to decide or postpone it; opening it is recorded in the audit log."""
    qs = _with_context(meeting.agenda.filter(person__in=Person.objects.visible_to(actor)))
    item = get_visible_or_404(qs, pk=pk)
    person_view_record(actor=actor, person=item.person, screen="décision de l'EPL sur une demande")
    return item


# --- The person's file ----------------------------------------------------------------------------------------


@dataclass
class PersonReorientations:
    requests: list
    reviews: list
    can_request: bool
    can_review: bool
    can_withdraw: bool
    pending: ReorientationRequest | None
    # The social orientation under the plein-emploi law whose joint diagnostic is watched, if any.
    joint_diagnostic: Orientation | None = None
    joint_diagnostic_due_on: date | None = None
    can_record_joint_diagnostic: bool = False


def person_reorientations(*, actor: Actor, person: Person) -> PersonReorientations:
    """Réorientation requests (with their EPL, decision and delays) and long-term reviews, for the person page
    (opening the page is already audited by the people app). Three queries."""
    requests = list(
        ReorientationRequest.objects.filter(person=person)
        .select_related(
            "epl_meeting",
            "requested_dispositif",
            "requested_by",
            "from_orientation__organisation",
            "new_orientation__organisation",
            "new_orientation__dispositif",
        )
        .order_by("-requested_on", "-pk")
    )
    today = timezone.localdate()
    for request in requests:
        request.delays = request_delays(request, today=today)  # type: ignore[attr-defined]
    reviews = list(
        LongTermReview.objects.filter(person=person)
        .select_related("reviewed_by", "reorientation_request")
        .order_by("-reviewed_on", "-pk")
    )
    orientation = Orientation.objects.current().filter(person=person).first()
    current = orientation.organisation_id if orientation else None
    pending = next((request for request in requests if request.status in PENDING), None)
    if actor.is_platform_admin or actor.has_role(Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR):
        allowed = True
    else:
        allowed = actor.has_role(Role.REFERENT) and current is not None and current == actor.organisation_id
    joint = joint_diagnostic_orientation(orientation)
    return PersonReorientations(
        requests=requests,
        reviews=reviews,
        can_request=allowed and current is not None and pending is None,
        can_review=actor.is_platform_admin or actor.has_role(*REVIEW_ROLES),
        can_withdraw=allowed and pending is not None,
        pending=pending,
        joint_diagnostic=joint,
        joint_diagnostic_due_on=joint_diagnostic_due_on(joint) if joint else None,
        can_record_joint_diagnostic=allowed and joint is not None and joint.joint_diagnostic_on is None,
    )


def joint_diagnostic_orientation(orientation: Orientation | None) -> Orientation | None:
    """The orientation, when it is a social one decided under the plein-emploi law (its joint diagnostic is due)."""
    if orientation is None or orientation.orientation_type != OrientationType.SOCIAL:
        return None
    return orientation if orientation.decided_on >= PLEIN_EMPLOI_IN_FORCE_ON else None


def joint_diagnostic_due_on(orientation: Orientation) -> date:
    thresholds = thresholds_for(orientation.person.departement_id)
    days = step_days(DelayStep.JOINT_DIAGNOSTIC, thresholds, orientation.joint_diagnostic_extension)
    return orientation.decided_on + timedelta(days=days)


def person_for_joint_diagnostic(*, actor: Actor, pk) -> tuple[Person, Orientation]:
    """A person whose joint diagnostic the actor may record: the référent's organisation is in charge, or the actor
    is the Département's orientation officer or administrator. Anything else is not found."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune"), pk=pk)
    orientation = joint_diagnostic_orientation(
        Orientation.objects.current().filter(person=person).select_related("organisation", "referent").first()
    )
    staff = actor.is_platform_admin or actor.has_role(Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
    if orientation is None or not (
        staff or (actor.has_role(Role.REFERENT) and orientation.organisation_id == actor.organisation_id)
    ):
        raise Http404(NOT_FOUND_MESSAGE)
    person_view_record(actor=actor, person=person, screen="diagnostic conjoint du parcours social")
    return person, orientation


# --- Long-term beneficiaries ----------------------------------------------------------------------------------


def _right_started():
    # The right started when it was opened; the request date stands in when the flux gave no opening date.
    return Coalesce(
        F("household_links__household__right__opening_date"), F("household_links__household__right__request_date")
    )


def _long_term_base(*, actor: Actor, years: int, territory_id, today: date) -> QuerySet:
    cutoff = _years_ago(today, years)
    qs = (
        Person.objects.visible_to(actor)
        .filter(
            household_links__left_on=None,
            household_links__subject_to_rights_and_duties=True,
            household_links__household__right__state__in=RightState.open_states(),
        )
        .annotate(right_started_on=_right_started())
        .filter(right_started_on__lte=cutoff)
    )
    if territory_id:
        qs = qs.filter(commune__territories=territory_id)
    last = LongTermReview.objects.filter(person=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return qs.annotate(
        last_review_on=Subquery(last.values("reviewed_on")[:1]),
        last_typology=Subquery(last.values("typology")[:1]),
        last_consequence=Subquery(last.values("consequence")[:1]),
    )


def long_term_beneficiaries(
    *,
    actor: Actor,
    years: int = 4,
    territory_id=None,
    reviewed: bool | None = None,
    typology: str = "",
    today: date | None = None,
) -> QuerySet:
    """People subject to rights and duties, with an open right that started at least `years` years ago, with their
    last long-term review (date, typology, consequence) and their current orientation; longest first. A constant
    number of queries: joins, three subqueries, one prefetch."""
    today = today or timezone.localdate()
    qs = _long_term_base(actor=actor, years=years, territory_id=territory_id, today=today)
    if reviewed is True:
        qs = qs.filter(Exists(LongTermReview.objects.filter(person=OuterRef("pk"))))
    elif reviewed is False:
        qs = qs.exclude(Exists(LongTermReview.objects.filter(person=OuterRef("pk"))))
    if typology:
        qs = qs.filter(last_typology=typology)
    return (
        qs.select_related("commune")
        .prefetch_related(Prefetch("orientations", queryset=_current_orientations(), to_attr="current_orientations"))
        .order_by("right_started_on", "pk")
    )


def long_term_counts(*, actor: Actor, years: int = 4, territory_id=None, today: date | None = None) -> dict:
    """The header of the long-term screen: how many people, how many reviewed, and the last reviews' split by
    typology and by consequence. Two queries."""
    today = today or timezone.localdate()
    base = _long_term_base(actor=actor, years=years, territory_id=territory_id, today=today)
    by_typology = dict(base.order_by().values_list("last_typology").annotate(n=Count("pk", distinct=True)))
    by_consequence = dict(
        base.order_by()
        .exclude(last_consequence=None)
        .values_list("last_consequence")
        .annotate(n=Count("pk", distinct=True))
    )
    total = sum(by_typology.values())
    not_reviewed = by_typology.pop(None, 0)
    return {
        "total": total,
        "reviewed": total - not_reviewed,
        "not_reviewed": not_reviewed,
        "by_typology": [(label, by_typology.get(value, 0)) for value, label in LongTermTypology.choices],
        "by_consequence": [(label, by_consequence.get(value, 0)) for value, label in LongTermConsequence.choices],
    }


def person_for_review(*, actor: Actor, pk) -> Person:
    """A person the actor may review, with their current orientation and their previous reviews."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune"), pk=pk)
    person_view_record(actor=actor, person=person, screen="diagnostic longue durée")
    return person


def person_reviews(*, person: Person) -> list[LongTermReview]:
    return list(LongTermReview.objects.filter(person=person).select_related("reviewed_by").order_by("-reviewed_on"))


def current_orientation(*, person: Person) -> Orientation | None:
    return _current_orientations().filter(person=person).first()
