"""Every read of a person's data goes through here, scoped to the actor; opening a file is audited."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404

from jalon.core.aggregates import CountedPaginator
from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.core.services import audit_event_record
from jalon.people.crypto import nir_format, nir_hash, nir_mask
from jalon.people.enums import ChangeKind
from jalon.people.file_panels import panels_for
from jalon.people.models import NIR_READER_ROLES, ChangeEvent, Household, HouseholdMember, Person


def can_read_nir(actor: Actor) -> bool:
    return actor.is_platform_admin or actor.has_role(*NIR_READER_ROLES)


def nir_for(actor: Actor, person: Person) -> str:
    """The NIR as this actor may see it: in full for roles that need it, masked for the others."""
    nir = person.nir
    return nir_format(nir) if can_read_nir(actor) else nir_mask(nir)


# A NIR typed in a free-text field (13 characters, or 15 with its key; spaces allowed, Corsica's 2A/2B).
_NIR_IN_TEXT = re.compile(r"\b[1-478](?:\s?\d){4}\s?(?:\d\s?\d|2\s?[AB])(?:\s?\d){6}(?:\s?\d{2})?\b", re.IGNORECASE)
NIR_REDACTED = "[NIR]"


def person_search(
    *,
    actor: Actor,
    screen: str,
    name: str = "",
    birth_date=None,
    nir: str = "",
    matricule: str = "",
    internal_id: str = "",
    identifier: str = "",
):
    """The persons the actor may see that match every criterion. The search is recorded in the audit log with the
    criteria as entered (a NIR only as « used », never its value) and the number of results."""
    nir = "".join(nir.split())[:13]
    qs = Person.objects.visible_to(actor).search(
        name=name,
        birth_date=birth_date,
        nir_hash=nir_hash(nir) if nir else "",
        matricule=matricule,
        internal_id=internal_id,
        identifier=identifier,
    )
    criteria = {
        "name": _NIR_IN_TEXT.sub(NIR_REDACTED, name),
        "birth_date": birth_date,
        "nir": bool(nir),
        "matricule": _NIR_IN_TEXT.sub(NIR_REDACTED, matricule),
        "internal_id": _NIR_IN_TEXT.sub(NIR_REDACTED, internal_id),
        "identifier": _NIR_IN_TEXT.sub(NIR_REDACTED, identifier),
    }
    audit_event_record(
        code=AuditCode.PERSON_SEARCHED,
        actor=actor.user,
        organisation=actor.organisation,
        extra={
            "screen": screen,
            "criteria": {key: value for key, value in criteria.items() if value},
            "results": qs.count(),
        },
    )
    current = HouseholdMember.objects.current().select_related("household__right")
    return qs.select_related("commune").prefetch_related(
        Prefetch("household_links", queryset=current, to_attr="current_links")
    )


@dataclass(frozen=True)
class PersonFile:
    person: Person
    nir_display: str
    memberships: list[HouseholdMember]
    events: QuerySet[ChangeEvent]
    rectifications: list
    panels: dict  # what the apps above contribute (people.file_panels)


def person_view_record(*, actor: Actor, person: Person, screen: str) -> None:
    """Trace that the actor looked at the person's data on a screen (CNIL: traceability of access)."""
    audit_event_record(
        code=AuditCode.PERSON_VIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
        extra={"screen": screen},
    )


def persons_view_record(
    *,
    actor: Actor,
    screen: str,
    person_ids: Iterable[int],
    subject: Model | None = None,
    code: AuditCode = AuditCode.PERSON_VIEWED,
    extra: dict | None = None,
) -> None:
    """Trace that the actor saw several persons together (a page of a work list, an agenda): one event naming each
    of them, once. A list that shows nobody writes nothing."""
    persons = list(dict.fromkeys(person_ids))
    if persons:
        audit_event_record(
            code=code,
            actor=actor.user,
            organisation=actor.organisation,
            subject=subject,
            extra={"screen": screen, **(extra or {}), "persons": persons},
        )


def persons_page_open(
    *,
    actor: Actor,
    rows: QuerySet,
    screen: str,
    page_number,
    per_page: int = 25,
    persons_of: Callable[[Any], Iterable[int]] = lambda row: (row.pk,),
    count: int | None = None,
) -> Page:
    """One page of a work list whose rows show persons (`persons_of` gives the persons a row shows), its reading
    recorded with the persons of that page only: the page's rows are read once, the event is one more query. A
    `count` already known (a queue's kept size) spares the paginator its COUNT over the whole list."""
    paginator = Paginator(rows, per_page) if count is None else CountedPaginator(rows, per_page, count=count)
    page = paginator.get_page(page_number)
    persons_view_record(actor=actor, screen=screen, person_ids=(pk for row in page for pk in persons_of(row)))
    return page


def person_file_open(*, actor: Actor, pk, with_panels: bool = True, screen: str = "") -> PersonFile:
    """The person's file header and history, and the other apps' panels. Records who opened it (CNIL:
    traceability of access), and on which screen when it is not the file's own (its printing, for one)."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune", "departement"), pk=pk)
    memberships = list(
        HouseholdMember.objects.filter(person=person)
        .select_related("household__right", "household__commune")
        .order_by("left_on", "-joined_on")
    )
    # The whole history, paginated by the screen (a long path holds hundreds of events).
    events = ChangeEvent.objects.for_person(person).select_related("actor").order_by("-occurred_at", "-id")
    audit_event_record(
        code=AuditCode.PERSON_VIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
        extra={"nir_shown": can_read_nir(actor), **({"screen": screen} if screen else {})},
    )
    return PersonFile(
        person=person,
        nir_display=nir_for(actor, person),
        memberships=memberships,
        events=events,
        rectifications=rectifications(person=person),
        panels=panels_for(actor=actor, person=person) if with_panels else {},
    )


def household_open(*, actor: Actor, pk) -> tuple[Household, list[HouseholdMember], list[ChangeEvent]]:
    household = get_visible_or_404(Household.objects.visible_to(actor).select_related("right", "commune"), pk=pk)
    members = list(household.members.select_related("person").order_by("left_on", "role", "person__birth_date"))
    events = list(household.events.filter(person=None).order_by("-occurred_at", "-id")[:100])
    audit_event_record(
        code=AuditCode.HOUSEHOLD_VIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=household,
        extra={"persons": [member.person_id for member in members]},
    )
    return household, members, events


def can_rectify(actor: Actor) -> bool:
    """The Département's administrators and orientation officers correct identities (RGPD art. 16)."""
    return actor.acts_for_departement(Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER)


def person_for_rectification(*, actor: Actor, pk) -> Person:
    if not can_rectify(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    person = get_visible_or_404(Person.objects.visible_to(actor), pk=pk)
    person_view_record(actor=actor, person=person, screen="rectification")
    return person


def rectifications(*, person: Person) -> list[ChangeEvent]:
    """The rectification log: every correction of identity or contact details (imports, professionals, the
    person in their own space), newest first."""
    return list(
        ChangeEvent.objects.filter(person=person, kind=ChangeKind.IDENTITY_UPDATED)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:50]
    )


PERSON_SEARCH_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER)


def duplicate_list(*, actor: Actor):
    from jalon.intake.models import DuplicateCandidate

    return (
        DuplicateCandidate.objects.visible_to(actor)
        .pending()
        .select_related("person", "other")
        .order_by("-score", "pk")
    )


def duplicate_get(*, actor: Actor, pk):
    from jalon.intake.models import DuplicateCandidate

    candidate = get_visible_or_404(
        DuplicateCandidate.objects.visible_to(actor).select_related("person__commune", "other__commune"), pk=pk
    )
    sides = []
    for person in (candidate.person, candidate.other):
        memberships = list(HouseholdMember.objects.filter(person=person).select_related("household__right"))
        sides.append({"person": person, "nir": nir_for(actor, person), "memberships": memberships})
    for side in sides:
        person_view_record(actor=actor, person=side["person"], screen="examen d'un doublon")
    return candidate, sides
