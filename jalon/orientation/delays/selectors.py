"""Reads of the delays area: thresholds, a person's delays, the people over threshold (computed live), the alerts,
and the observatory's figures. Set-based: a constant number of queries whatever the size of the Département."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, DateField, Exists, F, FilteredRelation, Min, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from jalon.core.aggregates import CountedPaginator, actor_scope, kept
from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, Actor, get_visible_or_404
from jalon.core.sorting import SortState
from jalon.organisations.enums import OrganisationKind
from jalon.organisations.models import Membership
from jalon.orientation.enums import DelayStep, OrientationType
from jalon.orientation.models import (
    DelayAlert,
    DelayThresholds,
    Orientation,
    SessionParticipant,
)
from jalon.people.enums import RightState
from jalon.people.models import HouseholdMember, Person
from jalon.people.selectors import person_view_record, persons_view_record
from jalon.territories.models import Territory
from jalon.territories.selectors import territory_communes


PAGE_SIZE = 25
STEPS: tuple[DelayStep, ...] = tuple(DelayStep)
# The steps counted from the request of the right, addressed to the Département's orientation team; the others are
# counted from the orientation decision and addressed to the organisation in charge and its référent.
TEAM_STEPS = (DelayStep.INVITATION, DelayStep.ORIENTATION)
REFERENT_STEPS = (
    DelayStep.FIRST_APPOINTMENT,
    DelayStep.CONTRACT,
    DelayStep.JOINT_DIAGNOSTIC,
    DelayStep.TRANSITION,
)
# Loi n° 2023-1196 pour le plein emploi, in force on 1 January 2025: the joint diagnostic watches the social
# orientations decided since; the orientations decided before have two years from that day for a contrat
# d'engagement (décret n° 2024-1244).
PLEIN_EMPLOI_IN_FORCE_ON = date(2025, 1, 1)
TRANSITION_PENDING = "transition_pending"


# -- thresholds -------------------------------------------------------------------------------------------------


def thresholds_for(departement_id) -> DelayThresholds:
    """The Département's thresholds, or the defaults (not saved) when it has not set any."""
    return DelayThresholds.objects.filter(departement_id=departement_id).first() or DelayThresholds(
        departement_id=departement_id
    )


def actor_departement_id(actor: Actor):
    # A platform superuser without a membership works on the instance's Département.
    return actor.departement_code or settings.JALON_DEPARTEMENT_CODE


# -- one person's delays -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepDelay:
    step: DelayStep
    start_label: str
    start_on: date | None
    done_on: date | None
    threshold: int
    today: date

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def due_on(self) -> date | None:
        return self.start_on + timedelta(days=self.threshold) if self.start_on else None

    @property
    def days(self) -> int | None:
        """Days taken (step done) or elapsed so far (step pending)."""
        if self.start_on is None:
            return None
        return ((self.done_on or self.today) - self.start_on).days

    @property
    def exceeded(self) -> bool:
        return self.days is not None and self.days > self.threshold

    @property
    def pending(self) -> bool:
        return self.done_on is None


@dataclass(frozen=True)
class PersonDelays:
    right_requested_on: date | None
    right_opened_on: date | None
    first_invited_on: date | None
    first_oriented_on: date | None
    current_oriented_on: date | None
    first_appointment_on: date | None
    contract_signed_on: date | None
    steps: list[StepDelay] = field(default_factory=list)

    @property
    def exceeded(self) -> list[StepDelay]:
        return [step for step in self.steps if step.exceeded]


def person_delays(*, person: Person, today: date | None = None) -> PersonDelays:
    """The dates of the person's path (right requested and opened, first invitation, first orientation, first
    appointment and contract of the current orientation) and, for each watched step, the days it took or has
    taken so far against the Département's threshold. The caller has already checked the person is visible."""
    today = today or timezone.localdate()
    thresholds = thresholds_for(person.departement_id)
    link = (
        HouseholdMember.objects.current()
        .filter(person=person)
        .select_related("household__right")
        .order_by("-subject_to_rights_and_duties", "-joined_on")
        .first()
    )
    right = getattr(link.household, "right", None) if link else None
    requested_on = right.request_date if right else None
    # The first invitation and orientation of this request of the right (a former RSA period does not count).
    invitations = SessionParticipant.objects.filter(person=person)
    orientations = Orientation.objects.filter(person=person)
    if requested_on:
        invitations = invitations.filter(invited_at__date__gte=requested_on)
        orientations = orientations.filter(decided_on__gte=requested_on)
    first_invited_at = invitations.aggregate(first=Min("invited_at"))["first"]
    current = Orientation.objects.current().filter(person=person).first()
    # Still oriented from before the request: the step is done, in no time.
    first_oriented_on = orientations.aggregate(first=Min("decided_on"))["first"] or (
        max(current.decided_on, requested_on) if current and requested_on else None
    )
    first_invited_on = timezone.localdate(first_invited_at) if first_invited_at else None
    steps = [
        StepDelay(
            DelayStep.INVITATION,
            "demande du droit",
            requested_on,
            # Oriented without an invitation recorded here (invited before Jalon, or received directly): the
            # orientation closes the step, as it does for the alerts, rather than a wait « en cours » for years.
            first_invited_on or first_oriented_on,
            thresholds.invitation_days,
            today,
        ),
        StepDelay(
            DelayStep.ORIENTATION,
            "demande du droit",
            requested_on,
            first_oriented_on,
            thresholds.orientation_days,
            today,
        ),
    ]
    if current is not None:
        steps += [
            StepDelay(
                DelayStep.FIRST_APPOINTMENT,
                "orientation",
                current.decided_on,
                current.first_appointment_on,
                thresholds.first_appointment_days,
                today,
            ),
            StepDelay(
                DelayStep.CONTRACT,
                "orientation",
                current.decided_on,
                current.contract_signed_on,
                thresholds.contract_days,
                today,
            ),
        ]
        if current.orientation_type == OrientationType.SOCIAL and current.decided_on >= PLEIN_EMPLOI_IN_FORCE_ON:
            steps.append(
                StepDelay(
                    DelayStep.JOINT_DIAGNOSTIC,
                    "orientation sociale",
                    current.decided_on,
                    current.joint_diagnostic_on,
                    step_days(DelayStep.JOINT_DIAGNOSTIC, thresholds, current.joint_diagnostic_extension),
                    today,
                )
            )
        if current.decided_on < PLEIN_EMPLOI_IN_FORCE_ON:
            steps.append(
                StepDelay(
                    DelayStep.TRANSITION,
                    "entrée en vigueur de la loi pour le plein emploi",
                    PLEIN_EMPLOI_IN_FORCE_ON,
                    current.engagement_signed_on,
                    thresholds.transition_days,
                    today,
                )
            )
    return PersonDelays(
        right_requested_on=requested_on,
        right_opened_on=right.opening_date if right else None,
        first_invited_on=first_invited_on,
        first_oriented_on=first_oriented_on,
        current_oriented_on=current.decided_on if current else None,
        first_appointment_on=current.first_appointment_on if current else None,
        contract_signed_on=current.contract_signed_on if current else None,
        steps=steps,
    )


# -- people over threshold, computed live ------------------------------------------------------------------------


def in_path(persons: QuerySet) -> QuerySet:
    """Persons whose delays are watched: subject to rights and duties in their current household, whose right is
    open; annotated with the date the right was requested and joined to their current orientation (`current`)."""
    return persons.filter(
        household_links__left_on=None,
        household_links__subject_to_rights_and_duties=True,
        household_links__household__right__state__in=RightState.open_states(),
    ).annotate(
        right_requested_on=F("household_links__household__right__request_date"),
        current=FilteredRelation("orientations", condition=Q(orientations__ended_on=None)),
    )


def _cutoff(today: date, days: int) -> date:
    # Over threshold once more than `days` days have passed: on day N nothing, on day N + 1 the alert.
    return today - timedelta(days=days)


def step_condition(step: str, thresholds: DelayThresholds, today: date, *, aggregate: bool = False) -> Q:
    """The condition, on `in_path(...)`, of being over the step's threshold. In an aggregate (one pass counting the
    four steps) "not oriented" reads the joined current orientation; in a filter it is an anti-join (NOT EXISTS),
    which PostgreSQL estimates right, where the outer join's "IS NULL" is taken for one row and planned badly."""
    cutoff = _cutoff(today, thresholds.days_for(step))
    if step in TEAM_STEPS:
        not_oriented = (
            Q(current=None)
            if aggregate
            else ~Q(Exists(Orientation.objects.current().filter(person_id=OuterRef("pk"))))
        )
        condition = not_oriented & Q(right_requested_on__lt=cutoff)
        if step == DelayStep.INVITATION:
            # Never invited. In the aggregate, an uncorrelated IN (one hashed lookup on PostgreSQL rather than a
            # probe per person); in a filter, an anti-join like the one above.
            invited = SessionParticipant.objects.values("person_id")
            condition &= ~Q(pk__in=invited) if aggregate else ~Q(Exists(invited.filter(person_id=OuterRef("pk"))))
        return condition
    if step == DelayStep.FIRST_APPOINTMENT:
        return Q(current__first_appointment_on=None, current__decided_on__lt=cutoff)
    if step == DelayStep.JOINT_DIAGNOSTIC:
        extended_cutoff = _cutoff(today, thresholds.days_for(step, extended=True))
        return Q(
            current__orientation_type=OrientationType.SOCIAL,
            current__joint_diagnostic_on=None,
            current__decided_on__gte=PLEIN_EMPLOI_IN_FORCE_ON,
        ) & (
            Q(current__joint_diagnostic_extension="", current__decided_on__lt=cutoff)
            | (~Q(current__joint_diagnostic_extension="") & Q(current__decided_on__lt=extended_cutoff))
        )
    if step == DelayStep.TRANSITION:
        if PLEIN_EMPLOI_IN_FORCE_ON >= cutoff:
            return Q(pk__isnull=True)  # the two years have not run out: nobody
        return Q(current__decided_on__lt=PLEIN_EMPLOI_IN_FORCE_ON, current__engagement_signed_on=None)
    return Q(current__contract_signed_on=None, current__decided_on__lt=cutoff)


def step_start(step: str):
    """The date the step's delay runs from, on `in_path(...)`, as an expression to annotate."""
    if step == DelayStep.TRANSITION:
        return Value(PLEIN_EMPLOI_IN_FORCE_ON, output_field=DateField())
    return F("right_requested_on" if step in TEAM_STEPS else "current__decided_on")


def step_days(step: str, thresholds: DelayThresholds, extension: str = "") -> int:
    """The step's delay for one person: a joint diagnostic brought to twelve months has the longer one."""
    return thresholds.days_for(step, extended=bool(extension))


def step_done(step: str) -> Q:
    """On DelayAlert: the step has been done since the alert was raised."""
    if step == DelayStep.INVITATION:
        return Q(person__in=SessionParticipant.objects.values("person_id"))
    current = Orientation.objects.current()
    if step == DelayStep.ORIENTATION:
        return Q(person__in=current.values("person_id"))
    if step == DelayStep.FIRST_APPOINTMENT:
        return Q(person__in=current.exclude(first_appointment_on=None).values("person_id"))
    if step == DelayStep.JOINT_DIAGNOSTIC:
        return Q(person__in=current.exclude(joint_diagnostic_on=None).values("person_id"))
    if step == DelayStep.TRANSITION:
        return Q(person__in=current.exclude(engagement_signed_on=None).values("person_id"))
    return Q(person__in=current.exclude(contract_signed_on=None).values("person_id"))


def _scoped_persons(actor: Actor) -> QuerySet:
    visible = Person.objects.visible_to(actor)
    organisation = actor.organisation
    if actor.is_platform_admin:
        return visible.filter(departement_id=actor_departement_id(actor))
    if organisation is not None and organisation.kind in DEPARTEMENT_STAFF_KINDS:
        return visible  # already the Département's people (in the membership's territories)
    # Other organisations' rule joins orientations and référents (DISTINCT): keep it out of the aggregates' joins.
    return Person.objects.filter(pk__in=visible.values("pk"))


def visible_territories(actor: Actor) -> QuerySet:
    qs = Territory.objects.in_departement(actor_departement_id(actor))
    if actor.territory_ids:
        qs = qs.filter(pk__in=actor.territory_ids)
    return qs.order_by("name")


@dataclass
class SummaryRow:
    label: str
    territory_id: int | None
    counts: dict[str, int]

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(step.value, self.counts[step]) for step in STEPS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DelaysSummary:
    thresholds: DelayThresholds
    today: date
    territories: list[SummaryRow]
    without_territory: SummaryRow
    total: SummaryRow
    # People oriented before 2025 still without a contrat d'engagement, late or not yet (the transition's deadline).
    transition_pending: int = 0

    @property
    def transition_due_on(self) -> date:
        return PLEIN_EMPLOI_IN_FORCE_ON + timedelta(days=self.thresholds.transition_days)

    def count(self, *, step: str, territory_id=None) -> int:
        if territory_id is None:
            return self.total.counts[step]
        return next((row.counts[step] for row in self.territories if row.territory_id == territory_id), 0)


def delays_summary(*, actor: Actor, today: date | None = None) -> DelaysSummary:
    """How many people are over each step's threshold, per territory (counted at most every few minutes per scope:
    `jalon.core.aggregates`)."""
    today = today or timezone.localdate()
    return kept("delays_summary", (actor_scope(actor), today), lambda: _delays_summary(actor, today))


def _delays_summary(actor: Actor, today: date) -> DelaysSummary:
    """One aggregate grouped by commune (a commune may belong to several territories, a person to one commune),
    spread over the territories in Python."""
    thresholds = thresholds_for(actor_departement_id(actor))
    # One pass for the four steps.
    counts = {
        step.value: Count("pk", filter=step_condition(step, thresholds, today, aggregate=True)) for step in STEPS
    }
    counts[TRANSITION_PENDING] = Count(
        "pk", filter=Q(current__decided_on__lt=PLEIN_EMPLOI_IN_FORCE_ON, current__engagement_signed_on=None)
    )
    by_commune = list(in_path(_scoped_persons(actor)).values("commune_id").annotate(**counts).order_by())
    territories = list(visible_territories(actor).values_list("pk", "name"))
    communes = territory_communes([pk for pk, _ in territories])
    empty = {step.value: 0 for step in STEPS}
    rows = {pk: SummaryRow(name, pk, dict(empty)) for pk, name in territories}
    total, without = SummaryRow("Ensemble", None, dict(empty)), SummaryRow("Hors territoire", None, dict(empty))
    for line in by_commune:
        placed = False
        for pk, _ in territories:
            if line["commune_id"] in communes[pk]:
                placed = True
                for step in STEPS:
                    rows[pk].counts[step] += line[step]
        for step in STEPS:
            total.counts[step] += line[step]
            if not placed:
                without.counts[step] += line[step]
    pending = sum(line[TRANSITION_PENDING] for line in by_commune)
    return DelaysSummary(thresholds, today, list(rows.values()), without, total, transition_pending=pending)


class OverduePaginator(CountedPaginator):
    """Pages of the people over threshold. Told its count (the summary's), it sorts and slices the narrow ids, then
    fetches the page's 25 rows in full: sorting the full rows of tens of thousands of people would spill to disk."""

    def __init__(self, ids, per_page, *, count: int, fetch, **kwargs):
        super().__init__(ids, per_page, count=count, **kwargs)
        self._fetch = fetch

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list)
        rows = {row.pk: row for row in self._fetch(ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, paginator)


def _overdue(actor: Actor, step: str, territory_id, thresholds: DelayThresholds, today: date) -> QuerySet:
    qs = in_path(_scoped_persons(actor)).filter(step_condition(step, thresholds, today))
    if territory_id:
        qs = qs.filter(
            commune_id__in=Territory.communes.through.objects.filter(territory_id=territory_id).values("commune_id")
        )
    return qs.annotate(start_on=step_start(step), extension=F("current__joint_diagnostic_extension"))


def _in_order(qs: QuerySet, sort: SortState | None) -> QuerySet:
    """The list's order as the screen asks for it; by default the longest overdue first."""
    return sort.apply(qs) if sort is not None else qs.order_by("start_on", "pk")


def _with_referent(qs: QuerySet) -> QuerySet:
    """The organisation in charge and the référent who follows the person now."""
    return qs.annotate(
        referent_now=FilteredRelation("referent_assignments", condition=Q(referent_assignments__ended_on=None)),
        organisation_name=F("current__organisation__name"),
        referent_first_name=F("referent_now__referent__first_name"),
        referent_last_name=F("referent_now__referent__last_name"),
    )


def overdue_page(
    *,
    actor: Actor,
    step: str,
    summary: DelaysSummary,
    territory_id=None,
    page_number=None,
    sort: SortState | None = None,
) -> Page:
    """One page of the people over the step's threshold, the longest overdue first (or in the `sort` asked), with
    their due date, days over, and who answers for them (the orientation team, or the organisation in charge and the
    référent). Reading the page is recorded in the audit log with the persons it shows."""
    thresholds, today = summary.thresholds, summary.today
    ids = _in_order(_overdue(actor, step, territory_id, thresholds, today), sort).values_list("pk", flat=True)

    def fetch(page_ids):
        qs = in_path(Person.objects.filter(pk__in=page_ids)).annotate(
            start_on=step_start(step), extension=F("current__joint_diagnostic_extension")
        )
        if step in REFERENT_STEPS:
            qs = _with_referent(qs)
        return qs.select_related("commune")

    paginator = OverduePaginator(
        ids, PAGE_SIZE, count=summary.count(step=step, territory_id=territory_id), fetch=fetch
    )
    page = paginator.get_page(page_number)
    pick = _team_name_picker(step, thresholds.departement_id)
    for row in page:
        row.due_on = row.start_on + timedelta(days=step_days(step, thresholds, row.extension))
        row.days_over = (today - row.due_on).days
        if step in TEAM_STEPS:
            row.organisation_name, row.referent_first_name, row.referent_last_name = pick(row.commune_id), "", ""
    persons_view_record(
        actor=actor, screen="personnes en retard", person_ids=[row.pk for row in page], extra={"step": step}
    )
    return page


def _team_name_picker(step: str, departement_id):
    if step not in TEAM_STEPS:
        return lambda commune_id: ""
    pick, _ = team_organisation_picker(departement_id=departement_id)
    return lambda commune_id: getattr(pick(commune_id), "name", "équipe d'orientation du Département")


EXPORT_HEADER = [
    "Nom",
    "Prénom",
    "Né(e) le",
    "Commune",
    "Étape",
    "Point de départ",
    "Échéance",
    "Jours de retard",
    "Structure",
    "Référent",
]


def overdue_export(
    *, actor: Actor, step: str, territory_id=None, today: date | None = None, sort: SortState | None = None
):
    """Every person over the step's threshold, as CSV rows (header first) in the screen's order. Exporting names
    leaves a trace naming every person exported."""
    today = today or timezone.localdate()
    thresholds = thresholds_for(actor_departement_id(actor))
    qs = _overdue(actor, step, territory_id, thresholds, today)
    if step in REFERENT_STEPS:
        qs = _with_referent(qs)
        names = ["organisation_name", "referent_first_name", "referent_last_name"]
    else:
        names = []
    # Recorded now, not when the rows are streamed (a download cut short has still shown its first rows).
    persons_view_record(
        actor=actor,
        screen="export des personnes en retard",
        person_ids=_in_order(qs, sort).values_list("pk", flat=True),
        code=AuditCode.PERSON_SEARCHED,
        extra={"export": "personnes en retard", "step": step, "territory": territory_id},
    )
    pick = _team_name_picker(step, thresholds.departement_id)
    label = DelayStep(step).label
    values = _in_order(qs, sort).values_list(
        "last_name", "first_name", "birth_date", "commune_id", "commune__name", "start_on", "extension", *names
    )

    def rows():
        yield EXPORT_HEADER
        for row in values.iterator(chunk_size=2000):
            last_name, first_name, birth_date, commune_id, commune, start_on, extension, *who = row
            due_on = start_on + timedelta(days=step_days(step, thresholds, extension))
            if who:
                organisation, referent = who[0] or "", f"{who[1] or ''} {who[2] or ''}".strip()
            else:
                organisation, referent = pick(commune_id), ""
            yield [
                last_name.upper(),
                first_name,
                f"{birth_date:%d/%m/%Y}",
                commune or "",
                label,
                f"{start_on:%d/%m/%Y}",
                f"{due_on:%d/%m/%Y}",
                (today - due_on).days,
                organisation,
                referent,
            ]

    return rows()


# -- alerts ------------------------------------------------------------------------------------------------------

ALERTS_MANAGER_ROLES = (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT)


def alerts_for(*, actor: Actor, scope: str = "", step: str = "", territory_id=None) -> QuerySet:
    """Open alerts the actor answers for: a référent sees those addressed to them; an orientation officer those of
    their organisation (or to them); the Département's managers every alert of the people they see. `scope`
    "moi" narrows to the actor, "structure" to their organisation."""
    qs = DelayAlert.objects.open().filter(person__in=_scoped_persons(actor))
    organisation = actor.organisation
    staff_manager = actor.is_platform_admin or (
        actor.has_role(*ALERTS_MANAGER_ROLES)
        and organisation is not None
        and organisation.kind in DEPARTEMENT_STAFF_KINDS
    )
    if actor.has_role(Role.REFERENT) or scope == "moi":
        qs = qs.filter(recipient=actor.user)
    elif not staff_manager or scope == "structure":
        qs = qs.filter(Q(organisation_id=actor.organisation_id) | Q(recipient=actor.user))
    if step:
        qs = qs.filter(step=step)
    if territory_id:
        qs = qs.filter(
            person__commune_id__in=Territory.communes.through.objects.filter(territory_id=territory_id).values(
                "commune_id"
            )
        )
    return qs.select_related("person__commune", "organisation", "recipient").order_by("due_on", "pk")


def alert_for(*, actor: Actor, pk) -> DelayAlert:
    """One alert, to close it; opening it is recorded in the audit log."""
    alert = get_visible_or_404(alerts_for(actor=actor), pk=pk)
    person_view_record(actor=actor, person=alert.person, screen="traitement d'une alerte de délai")
    return alert


def orientation_organisations(*, departement_id) -> list:
    """The Département's orientation organisations (Conseil départemental or SDSEI with chargés d'orientation),
    each with the communes its chargés are limited to (empty: the whole Département), in a stable order."""
    memberships = (
        Membership.objects.active()
        .with_role(Role.ORIENTATION_OFFICER)
        .filter(
            organisation__departement_id=departement_id,
            organisation__kind__in=(OrganisationKind.CONSEIL_DEPARTEMENTAL, OrganisationKind.TERRITORIAL_SERVICE),
        )
        .select_related("organisation")
        .prefetch_related("territories__communes")
        .order_by("organisation_id", "pk")
    )
    organisations: dict[int, dict] = {}
    for membership in memberships:
        entry = organisations.setdefault(
            membership.organisation_id,
            {"organisation": membership.organisation, "communes": set(), "unlimited": False},
        )
        territories = list(membership.territories.all())
        if not territories:
            entry["unlimited"] = True
        for territory in territories:
            entry["communes"].update(commune.code for commune in territory.communes.all())
    return list(organisations.values())


def team_organisation_picker(*, departement_id):
    """Which orientation organisation answers for a commune (invitation and orientation steps): the one whose
    chargés d'orientation are limited to a territory covering it, else the first with chargés for the whole
    Département, else the first. Returns the picker (commune code -> organisation or None) and the organisations."""
    organisations = orientation_organisations(departement_id=departement_id)
    by_commune: dict[str, object] = {}
    for entry in organisations:
        for commune_id in entry["communes"]:
            by_commune.setdefault(commune_id, entry["organisation"])
    default = next((entry["organisation"] for entry in organisations if entry["unlimited"]), None)
    if default is None and organisations:
        default = organisations[0]["organisation"]
    return (lambda commune_id: by_commune.get(commune_id, default)), organisations
