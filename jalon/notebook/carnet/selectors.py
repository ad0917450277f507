"""Reads of the carnet's core: the header and sections, objectives at a glance, the timeline.

Each reader gets a `NotebookAccess` already checked by `notebook_access` (404 for anyone else); every section is
one query whatever the carnet's size."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.notebook.access import NotebookAccess, notes_visible_to
from jalon.notebook.enums import FreinStatus, WorkStatus
from jalon.notebook.models import (
    Action,
    Appointment,
    Contact,
    Contract,
    FreinCategory,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    TeamMember,
)
from jalon.orientation.models import ReferentAssignment, SessionParticipant
from jalon.orientation.selectors import current_orientation
from jalon.people.models import ChangeEvent, HouseholdMember


@dataclass
class Completeness:
    explored: int
    categories: int
    has_project: bool
    has_objective: bool
    has_contract: bool

    @property
    def explored_share(self) -> float:
        return self.explored / self.categories if self.categories else 1.0

    @property
    def percent(self) -> int:
        parts = [self.explored_share, self.has_project, self.has_objective, self.has_contract]
        return round(100 * sum(float(part) for part in parts) / len(parts))


@dataclass
class CarnetPage:
    access: NotebookAccess
    right: object | None
    orientation: object | None
    referent: object | None
    team: list
    freins: list
    projects: list
    objectives: list
    completeness: Completeness
    # Referrals to the offer still waiting for an answer or under way, and how many are closed.
    open_referrals: list = field(default_factory=list)
    closed_referrals: int = 0
    today: date = field(default_factory=timezone.localdate)

    @property
    def notebook(self) -> Notebook:
        return self.access.notebook


def current_right(*, person):
    """The RSA right of the person's current household (the importer keeps one current household per person)."""
    link = (
        HouseholdMember.objects.current()
        .filter(person=person)
        .select_related("household__right")
        .order_by("-joined_on")
        .first()
    )
    return getattr(link.household, "right", None) if link is not None else None


def objectives_with_actions(*, notebook: Notebook):
    actions = Action.objects.select_related("carried_by", "carried_by_organisation").order_by("due_on", "id")
    return (
        Objective.objects.filter(notebook=notebook)
        .select_related("frein__category", "project__appellation", "carried_by")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("due_on", "id")
    )


def carnet_page(*, access: NotebookAccess) -> CarnetPage:
    notebook = access.notebook
    person = notebook.person
    today = timezone.localdate()
    freins = list(
        NotebookFrein.objects.filter(notebook=notebook, category__is_active=True)
        .select_related("category", "updated_by")
        .order_by("category__position", "category__label")
    )
    projects = list(ProfessionalProject.objects.filter(notebook=notebook).select_related("appellation__rome", "rome"))
    objectives = list(objectives_with_actions(notebook=notebook))
    has_contract = Contract.objects.filter(notebook=notebook, starts_on__lte=today, ends_on__gte=today).exists()
    referrals = _referrals(notebook)
    completeness = Completeness(
        explored=sum(1 for frein in freins if frein.status != FreinStatus.NOT_EXPLORED),
        categories=FreinCategory.objects.filter(is_active=True).count(),
        has_project=bool(projects),
        has_objective=bool(objectives),
        has_contract=has_contract,
    )
    return CarnetPage(
        access=access,
        right=current_right(person=person),
        orientation=current_orientation(person=person),
        referent=ReferentAssignment.objects.current()
        .filter(person=person)
        .select_related("referent", "organisation")
        .first(),
        team=list(TeamMember.objects.filter(notebook=notebook, ended_on=None).select_related("user", "organisation")),
        freins=[frein for frein in freins if frein.status != FreinStatus.NOT_EXPLORED],
        projects=projects,
        objectives=objectives,
        completeness=completeness,
        open_referrals=[referral for referral in referrals if referral.is_open],
        closed_referrals=sum(1 for referral in referrals if not referral.is_open),
        today=today,
    )


def _referrals(notebook: Notebook) -> list:
    from jalon.offer.models import Referral

    return list(
        Referral.objects.filter(notebook=notebook).select_related("service", "structure").order_by("-sent_at", "-id")
    )


def freins_rows(*, notebook: Notebook) -> list[tuple[FreinCategory, NotebookFrein | None]]:
    """Every active entry of the référentiel with the person's situation on it (None when never recorded)."""
    existing = {frein.category_id: frein for frein in NotebookFrein.objects.filter(notebook=notebook)}
    return [(category, existing.get(category.pk)) for category in FreinCategory.objects.filter(is_active=True)]


def carriers_for(*, actor: Actor, notebook: Notebook):
    """Who may carry an objective or action: the professionals of the actor's organisation and the carnet's team."""
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__organisation_id=actor.organisation_id, memberships__is_active=True)
            | Q(notebook_teams__notebook=notebook, notebook_teams__ended_on=None),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- timeline ---------------------------------------------------------------------------------------------------

TIMELINE_KINDS = {
    "droits": "droit RSA et foyer",
    "orientation": "orientation",
    "referent": "référent",
    "invitations": "invitations et convocations",
    "freins": "situation et freins",
    "objectifs": "objectifs",
    "actions": "actions",
    "contrats": "contrats",
    "rendez_vous": "rendez-vous",
    "contacts": "contacts",
    "notes": "notes",
    "orientations_offre": "orientations vers l'offre",
}


# Apps above the carnet add their own kinds of events (`timeline_source_contribute`, from their `ready()`): the
# carnet never imports them. Each source is called as `source(actor=, notebook=, event=)` and returns events.
_TIMELINE_SOURCES: dict = {}


def timeline_source_contribute(kind: str, label: str, source) -> None:
    TIMELINE_KINDS[kind] = label
    _TIMELINE_SOURCES[kind] = source


def _at(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _event(kind: str, at, title: str, detail: str = "", by: str = "") -> dict:
    return {
        "kind": kind,
        "kind_label": TIMELINE_KINDS[kind],
        "at": _at(at),
        "title": title,
        "detail": detail,
        "by": by,
    }


def notebook_timeline(*, actor: Actor, notebook: Notebook, kinds: list[str] | None = None) -> list[dict]:
    """Everything that happened to the person, newest first, as plain dicts (kind, at, title, detail, by): one
    query per kind asked for, whatever the length of the history. Private notes of another organisation never
    appear (`notes_visible_to`)."""
    from jalon.orientation.models import Orientation

    wanted = set(kinds or TIMELINE_KINDS) & set(TIMELINE_KINDS)
    person = notebook.person
    events: list[dict] = []
    if "droits" in wanted:
        for change in ChangeEvent.objects.for_person(person).select_related("actor"):
            by = change.actor.get_full_name() if change.actor else "flux CAF/MSA" if change.import_run_id else ""
            events.append(_event("droits", change.occurred_at, change.get_kind_display(), by=by))
    if "orientation" in wanted:
        for orientation in Orientation.objects.filter(person=person).select_related(
            "organisation", "dispositif", "decided_by"
        ):
            detail = str(orientation.dispositif or orientation.organisation)
            by = orientation.decided_by.get_full_name() if orientation.decided_by else ""
            title = f"Orientation {orientation.get_orientation_type_display()}"
            events.append(_event("orientation", orientation.decided_on, title, detail, by))
    if "referent" in wanted:
        for assignment in ReferentAssignment.objects.filter(person=person).select_related("referent", "organisation"):
            title = f"Référent : {assignment.referent.get_full_name()}"
            events.append(_event("referent", assignment.started_on, title, str(assignment.organisation)))
    if "invitations" in wanted:
        for participant in SessionParticipant.objects.filter(person=person).select_related("session", "invited_by"):
            by = participant.invited_by.get_full_name() if participant.invited_by else ""
            title = f"{participant.get_invitation_kind_display().capitalize()} : {participant.session}"
            detail = participant.get_attendance_display() if participant.attendance else ""
            events.append(_event("invitations", participant.invited_at, title, detail, by))
    if "freins" in wanted:
        for frein in NotebookFrein.objects.filter(notebook=notebook).select_related("category", "updated_by"):
            by = frein.updated_by.get_full_name() if frein.updated_by else ""
            title = f"{frein.category.label} : {frein.get_status_display()}"
            events.append(_event("freins", frein.updated_at, title, frein.comment, by))
            if frein.resolved_on:
                events.append(_event("freins", frein.resolved_on, f"{frein.category.label} : frein levé"))
    if "objectifs" in wanted:
        for objective in Objective.objects.filter(notebook=notebook).select_related("carried_by"):
            by = objective.carried_by.get_full_name() if objective.carried_by else ""
            title = f"Objectif : {objective.title}"
            events.append(_event("objectifs", objective.created_at, title, objective.get_status_display(), by))
    if "actions" in wanted:
        for action in Action.objects.filter(objective__notebook=notebook).select_related("objective", "carried_by"):
            by = action.carried_by.get_full_name() if action.carried_by else ""
            detail = f"{action.get_status_display()} — objectif « {action.objective.title} »"
            events.append(_event("actions", action.created_at, f"Action : {action.title}", detail, by))
    if "contrats" in wanted:
        contracts = Contract.objects.filter(notebook=notebook).select_related("contract_type", "organisation")
        events.extend(
            _event("contrats", contract.starts_on, str(contract), str(contract.organisation)) for contract in contracts
        )
    if "rendez_vous" in wanted:
        for appointment in Appointment.objects.filter(notebook=notebook).select_related("professional"):
            detail = appointment.purpose
            if appointment.cancelled_at:
                detail = f"annulé — {detail}"
            elif appointment.attendance:
                detail = f"{appointment.get_attendance_display()} — {detail}"
            by = appointment.professional.get_full_name()
            events.append(_event("rendez_vous", appointment.starts_at, "Rendez-vous", detail, by))
    if "contacts" in wanted:
        for contact in Contact.objects.filter(notebook=notebook).select_related("professional"):
            by = contact.professional.get_full_name() if contact.professional else ""
            events.append(_event("contacts", contact.occurred_on, contact.get_kind_display(), contact.summary, by))
    if "notes" in wanted:
        for note in notes_visible_to(actor=actor, notebook=notebook).select_related("author"):
            by = note.author.get_full_name() if note.author else ""
            events.append(_event("notes", note.created_at, f"Note {note.get_visibility_display()}", note.text, by))
    if "orientations_offre" in wanted:
        from jalon.offer.models import ReferralEvent

        steps = ReferralEvent.objects.filter(referral__notebook=notebook).select_related(
            "referral__service", "by_user", "by_organisation"
        )
        for step in steps:
            title = f"Orientation vers « {step.referral.service.name} » : {step.get_to_status_display()}"
            detail = step.get_reason_display() if step.reason else ""
            if step.reason_details:
                detail = f"{detail} — {step.reason_details}" if detail else step.reason_details
            events.append(_event("orientations_offre", step.occurred_at, title, detail, step.author))
    for kind, source in _TIMELINE_SOURCES.items():
        if kind in wanted:
            events.extend(source(actor=actor, notebook=notebook, event=_event))
    events.sort(key=lambda event: event["at"], reverse=True)
    return events


def objectives_overview(*, notebook: Notebook) -> list[Objective]:
    """Objectives with their actions; open ones past their due date are flagged `overdue`."""
    today = timezone.localdate()
    objectives = list(objectives_with_actions(notebook=notebook))
    for objective in objectives:
        objective.overdue = _overdue(objective, today)  # type: ignore[attr-defined]
        for action in objective.actions.all():
            action.overdue = _overdue(action, today)
    return objectives


def _overdue(item, today: date) -> bool:
    return bool(item.due_on and item.due_on < today and item.status in WorkStatus.open_values())
