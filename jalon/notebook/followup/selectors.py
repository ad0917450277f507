"""Reads of the follow-up: a carnet's contracts, appointments and contacts, and the caseload views (perdus de vue,
contracts to renew, dashboard). Every list is a constant number of queries whatever the caseload's size."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.notebook.access import notebooks_visible_to
from jalon.notebook.enums import WorkStatus
from jalon.notebook.models import AccompanimentRule, Appointment, Contact, Contract, ContractType, Notebook, Objective
from jalon.organisations.enums import OrganisationKind
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.models import Person
from jalon.people.selectors import persons_view_record


DEFAULT_MAX_WEEKS = 8
UPCOMING_DAYS = 14
NEW_PEOPLE_DAYS = 30
# Dashboard lists are capped: the screen says how many are shown.
DASHBOARD_LIMIT = 100

MANAGER_ROLES = (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR)
DASHBOARD_ROLES = (Role.REFERENT, *MANAGER_ROLES)
DEPARTEMENT_WIDE_KINDS = (OrganisationKind.CONSEIL_DEPARTEMENTAL, OrganisationKind.TERRITORIAL_SERVICE)


# --- one carnet -------------------------------------------------------------------------------------------------


def contracts_for(*, notebook: Notebook):
    return (
        Contract.objects.filter(notebook=notebook)
        .select_related("contract_type", "organisation", "signed_by", "hours_decided_by")
        .prefetch_related("objectives", "actions", "amendments", "renewals")
        .order_by("-starts_on")
    )


def contract_for(*, notebook: Notebook, pk) -> Contract:
    """One contract of the carnet, with what its PDF prints (404 when not of this carnet)."""
    return get_visible_or_404(
        Contract.objects.filter(notebook=notebook)
        .select_related("contract_type", "organisation__commune", "signed_by", "notebook__person__commune")
        .prefetch_related("objectives__actions"),
        pk=pk,
    )


def contract_types_for(*, notebook: Notebook):
    return ContractType.objects.filter(departement_id=notebook.person.departement_id, is_active=True).order_by("name")


def appointments_for(*, notebook: Notebook):
    return (
        Appointment.objects.filter(notebook=notebook)
        .select_related("professional", "organisation")
        .order_by("-starts_at")
    )


def appointments_of_professional(
    *, actor: Actor, professional_id: int, starts, ends, organisation_id: int | None = None
):
    """The appointments a professional holds that start between `starts` (included) and `ends` (excluded), only
    those held for `organisation_id` when given, cancelled ones included, for a calendar. Each carries
    `person_visible`: whether the actor may open the person's carnet — a screen names the person only then. One
    query."""
    qs = Appointment.objects.filter(professional_id=professional_id, starts_at__gte=starts, starts_at__lt=ends)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return (
        qs.annotate(person_visible=Exists(notebooks_visible_to(actor).filter(pk=OuterRef("notebook_id"))))
        .select_related("notebook__person", "organisation")
        .order_by("starts_at", "pk")
    )


def contacts_for(*, notebook: Notebook):
    return (
        Contact.objects.filter(notebook=notebook)
        .select_related("professional", "organisation", "appointment")
        .order_by("-occurred_on", "-id")
    )


def current_orientation(*, person_id):
    return Orientation.objects.current().filter(person_id=person_id).select_related("referent", "organisation").first()


# --- the caseload -----------------------------------------------------------------------------------------------


def caseload(actor: Actor):
    """The current référent assignments the actor follows: their own for a référent; for a manager or an
    administrator, their organisation's (the whole département's for the Département's staff). Always within the
    people the actor may see."""
    assignments = ReferentAssignment.objects.current()
    if actor.is_platform_admin:
        return assignments
    if actor.organisation is None:
        return assignments.none()
    if actor.has_role(*MANAGER_ROLES):
        if actor.organisation.kind in DEPARTEMENT_WIDE_KINDS:
            assignments = assignments.filter(organisation__departement_id=actor.organisation.departement_id)
        else:
            assignments = assignments.filter(organisation_id=actor.organisation_id)
    elif actor.has_role(Role.REFERENT):
        assignments = assignments.filter(referent=actor.user)
    else:
        return assignments.none()
    return assignments.filter(person__in=Person.objects.visible_to(actor).values("pk"))


@dataclass(frozen=True)
class LostFromView:
    person: Person
    referent: object
    last_contact_on: datetime.date | None
    since: datetime.date
    max_weeks: int
    days_over: int


def lost_from_view(*, actor: Actor, today: datetime.date | None = None) -> list[LostFromView]:
    """The people followed whose last contact (or, without one, their orientation) is older than the référentiel
    d'accompagnement of their dispositif (a contact every `DEFAULT_MAX_WEEKS` weeks when it has none). A contact
    older than the current orientation does not count: the new référent has to meet the person. Two queries."""
    today = today or timezone.localdate()
    rules = dict(AccompanimentRule.objects.values_list("dispositif_id", "max_weeks_between_contacts"))
    current = Orientation.objects.current().filter(person_id=OuterRef("person_id"))
    rows = (
        caseload(actor)
        .select_related("person", "referent")
        .annotate(
            decided_on=Subquery(current.values("decided_on")[:1], output_field=DateField()),
            dispositif_id=Subquery(current.values("dispositif_id")[:1], output_field=IntegerField()),
            last_contact=F("person__notebook__last_contact_on"),
            since=Coalesce(F("decided_on"), F("started_on"), output_field=DateField()),
            reference=Greatest(Coalesce(F("last_contact"), F("since")), F("since"), output_field=DateField()),
            max_weeks=Case(
                *(When(dispositif_id=pk, then=Value(weeks)) for pk, weeks in rules.items()),
                default=Value(DEFAULT_MAX_WEEKS),
                output_field=IntegerField(),
            ),
            cutoff=Case(
                *(
                    When(dispositif_id=pk, then=Value(today - datetime.timedelta(weeks=weeks)))
                    for pk, weeks in rules.items()
                ),
                default=Value(today - datetime.timedelta(weeks=DEFAULT_MAX_WEEKS)),
                output_field=DateField(),
            ),
        )
        .filter(reference__lt=F("cutoff"))
        .order_by("reference", "person__normalized_last_name", "pk")
    )
    return [
        LostFromView(
            person=row.person,
            referent=row.referent,
            last_contact_on=row.last_contact,
            since=row.since,
            max_weeks=row.max_weeks,
            days_over=(today - row.reference).days - row.max_weeks * 7,
        )
        for row in rows
    ]


def contracts_to_renew(*, actor: Actor, today: datetime.date | None = None):
    """Contracts of the caseload in force that end within their type's renewal notice, not yet renewed."""
    today = today or timezone.localdate()
    return (
        Contract.objects.to_renew(today)
        .filter(notebook__person_id__in=caseload(actor).values("person_id"))
        .select_related("contract_type", "notebook__person")
        .order_by("ends_on", "pk")
    )


@dataclass
class CaseloadDashboard:
    upcoming: list
    overdue_objectives: list
    lost: list
    to_renew: list
    new_people: list
    scope_label: str

    @property
    def person_ids(self) -> list[int]:
        """Every person the dashboard names, in the order of its lists."""
        return [
            *(item.notebook.person_id for item in (*self.upcoming, *self.overdue_objectives, *self.to_renew)),
            *(item.person.pk for item in self.lost),
            *(item.person_id for item in self.new_people),
        ]


def caseload_dashboard(*, actor: Actor, now: datetime.datetime | None = None) -> CaseloadDashboard:
    """The référent's (or manager's) dashboard; reading it is recorded in the audit log with the persons it names."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = caseload(actor).values("person_id")
    upcoming = (
        Appointment.objects.filter(
            notebook__person_id__in=people,
            cancelled_at=None,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("notebook__person", "professional")
        .order_by("starts_at", "pk")[:DASHBOARD_LIMIT]
    )
    overdue = (
        Objective.objects.filter(notebook__person_id__in=people, status__in=WorkStatus.open_values(), due_on__lt=today)
        .select_related("notebook__person")
        .order_by("due_on", "pk")[:DASHBOARD_LIMIT]
    )
    new_people = (
        caseload(actor)
        .filter(started_on__gte=today - datetime.timedelta(days=NEW_PEOPLE_DAYS))
        .select_related("person", "referent")
        .order_by("-started_on", "pk")[:DASHBOARD_LIMIT]
    )
    if actor.has_role(Role.REFERENT):
        scope_label = "les personnes dont vous êtes le référent"
    elif actor.organisation is not None and actor.organisation.kind in DEPARTEMENT_WIDE_KINDS:
        scope_label = "les personnes suivies dans le département"
    else:
        scope_label = f"les personnes suivies par {actor.organisation}"
    dashboard = CaseloadDashboard(
        upcoming=list(upcoming),
        overdue_objectives=list(overdue),
        lost=lost_from_view(actor=actor, today=today)[:DASHBOARD_LIMIT],
        to_renew=list(contracts_to_renew(actor=actor, today=today)[:DASHBOARD_LIMIT]),
        new_people=list(new_people),
        scope_label=scope_label,
    )
    persons_view_record(
        actor=actor,
        screen="tableau de bord du portefeuille",
        person_ids=dashboard.person_ids,
        code=AuditCode.CASELOAD_VIEWED,
        extra={"lost": len(dashboard.lost), "upcoming": len(dashboard.upcoming), "to_renew": len(dashboard.to_renew)},
    )
    return dashboard
