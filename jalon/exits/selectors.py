"""Reads of the exits and of the follow-up in employment, and the rates the observatory computes from them.

Set-based filters (QuerySet methods, composable, one SQL query each; see `models.py`):

- `Exit.objects.in_period(start, end)`: exits dated within [start, end] (`exited_on`), either bound open;
- `.in_force()`: not undone by a reopening (the figures count these);
- `.positive()`: positive under the rule version that classified each exit when it was recorded (so last year's
  figure stays as published); `.positive_under(rule)` recounts them under another version;
- `.to_employment()`, `.of_category(IaeCategory.DURABLE)`, `.for_departement("40")`;
- `Checkpoint.objects.due_between(start, end)`, `.pending()`, `.done()`, `.overdue(today)`, `.at_risk()`,
  `.of_exits_in_force()`.

The figures (number of exits, positive share, retention at 6 months, rupture) are defined once, in the
observatory's catalogue (`jalon/observatory/indicators/exits.py`).
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, Actor, get_visible_or_404
from jalon.core.sorting import SortState
from jalon.exits.enums import ProposalStatus
from jalon.exits.models import Checkpoint, Exit, ExitProposal, ExitType, exit_reach
from jalon.orientation.models import ReferentAssignment
from jalon.people.models import Person
from jalon.people.selectors import persons_view_record


DUE_SOON_DAYS = 30
MANAGER_ROLES = (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR)


# --- one person -------------------------------------------------------------------------------------------------


def exit_types_for(*, departement_id):
    return ExitType.objects.filter(departement_id=departement_id, is_active=True).order_by("position", "label")


def exits_of(*, person_id):
    """The person's exits, the one in force first, with their points of follow-up (history of reopenings)."""
    return (
        Exit.objects.filter(person_id=person_id)
        .select_related("exit_type", "rule", "organisation", "recorded_by", "followed_by", "reopened_by")
        .prefetch_related("checkpoints", "employer_feedback__recorded_by")
        .order_by("-exited_on", "-id")
    )


def exit_in_force(*, person_id) -> Exit | None:
    return exits_of(person_id=person_id).filter(reopened_on=None).first()


def exit_for(*, actor: Actor, pk) -> Exit:
    return get_visible_or_404(
        Exit.objects.visible_to(actor).select_related("person", "exit_type", "organisation", "rule"), pk=pk
    )


def pending_proposal(*, person_id) -> ExitProposal | None:
    return (
        ExitProposal.objects.filter(person_id=person_id, status=ProposalStatus.PROPOSED)
        .order_by("-closure_date")
        .first()
    )


# --- the follow-up list -----------------------------------------------------------------------------------------


def _followed_points(actor: Actor):
    """The points of the exits whose follow-up the actor carries: a référent's own; a manager's or administrator's
    organisation's (the whole département's for the Département's staff). Filtered through the exit in one join
    (see `exit_reach`): the page and its count stay a few milliseconds whatever the number of exits."""
    points = Checkpoint.objects.filter(exit__reopened_on=None, exit__exit_type__to_employment=True).filter(
        exit_reach(actor, prefix="exit__")
    )
    if actor.is_platform_admin:
        return points
    if actor.has_role(*MANAGER_ROLES) and actor.organisation is not None:
        if actor.organisation.kind in DEPARTEMENT_STAFF_KINDS:
            # The reach is already the people of the Département's staff's département (and territories).
            return points
        return points.filter(exit__organisation_id=actor.organisation_id)
    return points.filter(exit__followed_by=actor.user)


FILTERS = {
    "due": "à faire (en retard ou dans les 30 jours)",
    "at_risk": "situations à risque",
    "all": "tous les points à venir",
}


def follow_up_points(
    *, actor: Actor, which: str = "due", today: datetime.date | None = None, sort: SortState | None = None
):
    """The points of follow-up of the actor's exits: due (overdue or within 30 days), at risk, or all pending; the
    earliest due first, or in the `sort` the screen asks for."""
    today = today or timezone.localdate()
    points = _followed_points(actor)
    if which == "at_risk":
        points = points.at_risk()
    elif which == "all":
        points = points.pending()
    else:
        points = points.pending().filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    points = points.select_related("exit__person", "exit__exit_type", "exit__followed_by")
    return sort.apply(points) if sort is not None else points.order_by("due_on", "pk")


def follow_up_page(*, actor: Actor, which: str, page_number, today=None, sort: SortState | None = None):
    """One page of the list, its reading recorded with the persons it names (decision 0003)."""
    page = Paginator(follow_up_points(actor=actor, which=which, today=today, sort=sort), 50).get_page(page_number)
    persons_view_record(
        actor=actor, screen="suivi en emploi", person_ids=[point.exit.person_id for point in page.object_list]
    )
    return page


def follow_up_counts(*, actor: Actor, today: datetime.date | None = None) -> dict:
    """For the home panel: points overdue, due within 30 days, at risk; exits proposed after a CAF closure."""
    today = today or timezone.localdate()
    points = _followed_points(actor)
    counts = points.aggregate(
        overdue=Count("pk", filter=Q(done_on=None, due_on__lt=today)),
        soon=Count(
            "pk", filter=Q(done_on=None, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        ),
        at_risk=Count("pk", filter=~Q(risk_reason="")),
    )
    counts["proposals"] = proposals_for(actor=actor).count()
    return counts


def proposals_for(*, actor: Actor):
    """Exits proposed after a CAF closure, for the people whose référent the actor is (a manager: their
    organisation's people; the Département's staff: those they see)."""
    proposals = ExitProposal.objects.filter(
        status=ProposalStatus.PROPOSED, person__in=Person.objects.visible_to(actor)
    )
    if actor.is_platform_admin or (actor.has_role(*MANAGER_ROLES) and actor.is_departement_staff):
        return proposals
    assignments = ReferentAssignment.objects.current().filter(person=OuterRef("person_id"))
    if actor.has_role(*MANAGER_ROLES):
        return proposals.filter(Exists(assignments.filter(organisation_id=actor.organisation_id)))
    return proposals.filter(Exists(assignments.filter(referent=actor.user)))


def follow_up_csv_rows(*, actor: Actor, which: str, today=None, sort: SortState | None = None):
    """The list as CSV rows in the screen's order, its reading recorded (at once, not when the download streams) with
    every person it names."""
    points = list(follow_up_points(actor=actor, which=which, today=today, sort=sort))
    persons_view_record(
        actor=actor, screen="suivi en emploi (export CSV)", person_ids=[point.exit.person_id for point in points]
    )
    return _csv_rows(points)


def _csv_rows(points):
    yield [
        "personne",
        "type de sortie",
        "date de sortie",
        "employeur",
        "point (mois)",
        "prévu le",
        "fait le",
        "toujours en emploi",
        "situation à risque",
        "suivi par",
    ]
    for point in points:
        exit = point.exit
        yield [
            str(exit.person),
            exit.exit_type.label,
            exit.exited_on,
            exit.employer_name,
            point.months,
            point.due_on,
            point.done_on,
            "" if point.still_employed is None else ("oui" if point.still_employed else "non"),
            point.get_risk_reason_display() if point.risk_reason else "",
            exit.followed_by.get_full_name() if exit.followed_by else "",
        ]
