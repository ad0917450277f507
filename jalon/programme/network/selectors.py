"""Reads of the professionals' network: events (upcoming / past), an event's registrations and attendance by
organisation, the yearly counts that feed the fiches' indicators, and the document bank as the actor may see it.
The programme is fetched through `programme.selectors.programme_for`, so another Département's is a 404."""

from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.programme.models import Programme
from jalon.programme.network import access
from jalon.programme.network.enums import EventKind
from jalon.programme.network.models import BankDocument, EventRegistration, NetworkEvent


def events(*, programme: Programme, when: str = "a_venir", kind: str = "", action_id: int | None = None):
    now = timezone.now()
    items = programme.events.select_related("action").annotate(
        registered=Count("registrations"),
        attendees=Count("registrations", filter=Q(registrations__attended=True)),
    )
    if kind:
        items = items.filter(kind=kind)
    if action_id:
        items = items.filter(action_id=action_id)
    return items.past(now) if when == "passes" else items.upcoming(now)


def event_for(*, programme: Programme, pk) -> NetworkEvent:
    return get_visible_or_404(programme.events.select_related("action", "programme"), pk=pk)


def event_page(*, event: NetworkEvent, actor: Actor) -> dict:
    registrations = list(
        event.registrations.select_related("user", "organisation").order_by(
            "organisation__name", "user__last_name", "user__first_name"
        )
    )
    by_organisation = Counter(r.organisation.name for r in registrations)
    present = Counter(r.organisation.name for r in registrations if r.attended)
    recorded = any(r.attended is not None for r in registrations)
    now = timezone.now()
    return {
        "registrations": registrations,
        "by_organisation": [(name, count, present.get(name, 0)) for name, count in sorted(by_organisation.items())],
        "attendance_recorded": recorded,
        "attendees": sum(present.values()),
        "mine": next((r for r in registrations if r.user_id == actor.user.pk), None),
        "places_left": None if event.capacity is None else max(event.capacity - len(registrations), 0),
        "is_past": event.starts_at <= now,
    }


def events_export_rows(*, items):
    yield ["Intitulé", "Format", "Début", "Lieu", "À distance", "Fiche action", "Places", "Inscrits", "Présents"]
    for event in items:
        yield [
            event.title,
            event.get_kind_display(),
            timezone.localtime(event.starts_at).strftime("%d/%m/%Y %H:%M"),
            event.place,
            "oui" if event.online else "non",
            event.action.code if event.action else "",
            event.capacity or "",
            event.registered,
            event.attendees,
        ]


def network_counts(*, programme: Programme, year: int, action_id: int | None = None) -> dict:
    """What the indicators of a fiche count for a year (fiche 5 of the Pyrénées-Atlantiques: formats organised,
    participants in all and per format): events held by kind, registrations, attendees, organisations represented
    among the attendees. Only events already started count as held."""
    held = programme.events.filter(starts_at__year=year, starts_at__lte=timezone.now())
    if action_id:
        held = held.filter(action_id=action_id)
    by_kind = Counter(held.values_list("kind", flat=True))
    registrations = EventRegistration.objects.filter(event__in=held)
    attended = registrations.filter(attended=True)
    events_count = sum(by_kind.values())
    attendees = attended.count()
    return {
        "year": year,
        "events": events_count,
        "by_kind": [(label, by_kind[value]) for value, label in EventKind.choices if by_kind.get(value)],
        "registrations": registrations.count(),
        "attendees": attendees,
        "average_attendees": round(attendees / events_count, 1) if events_count else None,
        "organisations": attended.values("organisation").distinct().count(),
    }


def action_network(*, action) -> dict:
    """The block of a fiche page: its events' counts year by year (years with an event), its next events and its
    documents' count."""
    programme = action.programme
    years = sorted({d.year for d in action.events.values_list("starts_at", flat=True)})
    now = timezone.now()
    return {
        "counts": [network_counts(programme=programme, year=year, action_id=action.pk) for year in years],
        "upcoming": list(action.events.upcoming(now)[:3]),
        "documents": action.documents.count(),
    }


def documents_for(*, actor: Actor, programme: Programme, kind: str = "", action_id: int | None = None):
    documents = programme.documents.select_related("action").annotate(version_count=Count("versions"))
    if not access.may_manage_documents(actor, programme):
        # Chosen in Python: a bank holds tens of documents, and a JSON `contains` lookup is PostgreSQL's only (the
        # embedded SQLite of `make run` has none).
        role = actor.role or ""
        visible = [
            pk for pk, roles in programme.documents.values_list("pk", "visible_roles") if not roles or role in roles
        ]
        documents = documents.filter(pk__in=visible)
    if kind:
        documents = documents.filter(kind=kind)
    if action_id:
        documents = documents.filter(action_id=action_id)
    return documents.order_by("title")


def document_for(*, actor: Actor, programme: Programme, pk) -> BankDocument:
    return get_visible_or_404(documents_for(actor=actor, programme=programme), pk=pk)
