"""The demo's professionals' network, dated around today. Pyrénées-Atlantiques: two webinaires and a séminaire-action
on fiche 5 (one past with its attendance, the others upcoming with registrations), a café partenaires; the
référentiel d'accompagnement in two versions (2024, 2026) and a guide. Landes: the annual forum 2025 (action C.34)
with its attendance, and its minutes in the document bank. Idempotent: what is there is left as it is.

Registrations to an event already past are the demo's history: written as rows (the service refuses to register to
a past event), then the attendance goes through the service like any other write."""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.programme.commitments.demo import programme_pilot
from jalon.programme.network import services
from jalon.programme.network.models import EventRegistration


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _members(programme, limit: int):
    """The Département's demo professionals, each with one membership (the first), to register."""
    seen, members = set(), []
    for membership in (
        Membership.objects.filter(organisation__departement_id=programme.departement_id)
        .select_related("user", "organisation")
        .order_by("user__email", "pk")
    ):
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            members.append(membership)
    return members[:limit]


def _event(actor, programme, *, title, action_code, registered: int, present: int | None, **fields):
    event = programme.events.filter(title=title).first()
    if event is not None:
        return None
    action = programme.actions.filter(code=action_code).first() if action_code else None
    event = services.event_create(actor=actor, programme=programme, action=action, title=title, **fields)
    members = _members(programme, registered)
    if event.starts_at <= timezone.now():
        EventRegistration.objects.bulk_create(
            EventRegistration(event=event, user=m.user, organisation=m.organisation) for m in members
        )
        if present is not None:
            ids = list(event.registrations.order_by("pk").values_list("pk", flat=True)[:present])
            services.event_attendance_record(actor=actor, event=event, present_ids=ids)
    else:
        for membership in members:
            member = Actor(user=membership.user, membership=membership, memberships=(membership,))
            services.event_register(actor=member, event=event)
    return event


def _pdf(title: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + f"% {title}\n".encode("latin-1", "replace")
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _document(actor, programme, *, title, kind, action_code, versions, visible_roles=(), description=""):
    today = timezone.localdate()
    document = programme.documents.filter(title=title).first()
    action = programme.actions.filter(code=action_code).first() if action_code else None
    for version, dated, note in versions:
        dated = min(dated, today)
        file = ContentFile(_pdf(f"{title} {version}"), name=f"{title[:40]} {version}.pdf")
        if document is None:
            document = services.document_create(
                actor=actor,
                programme=programme,
                title=title,
                kind=kind,
                action=action,
                visible_roles=visible_roles,
                description=description,
                version=version,
                dated=dated,
                file=file,
                note=note,
            )
        elif not document.versions.filter(version=version).exists():
            services.document_version_add(
                actor=actor, document=document, version=version, dated=dated, file=file, note=note
            )


def build_pyrenees_atlantiques(actor, programme) -> int:
    today = timezone.localdate()
    created = [
        _event(
            actor,
            programme,
            title="Séminaire-action : l'accompagnement pluridisciplinaire en pratique",
            action_code="Fiche 5",
            kind="seminaire_action",
            starts_at=_at(today - timedelta(days=38), 9),
            ends_at=_at(today - timedelta(days=38), 17),
            place="Pau, Hôtel du Département",
            capacity=40,
            registered=9,
            present=7,
        ),
        _event(
            actor,
            programme,
            title="Webinaire : présenter le référentiel de l'accompagnement",
            action_code="Fiche 2",
            kind="webinaire",
            starts_at=_at(today + timedelta(days=12), 11),
            online=True,
            capacity=100,
            registered=5,
            present=None,
        ),
        _event(
            actor,
            programme,
            title="Webinaire : santé et insertion, repérer et orienter",
            action_code="Fiche 5",
            kind="webinaire",
            starts_at=_at(today + timedelta(days=26), 14),
            online=True,
            capacity=8,
            registered=6,
            present=None,
        ),
        _event(
            actor,
            programme,
            title="Café partenaires du SDSEI Adour BAB",
            action_code="T1.4",
            kind="cafe_partenaires",
            starts_at=_at(today + timedelta(days=45), 9),
            place="Bayonne, SDSEI Adour BAB",
            capacity=25,
            registered=3,
            present=None,
        ),
    ]
    _document(
        actor,
        programme,
        title="Référentiel de l'accompagnement",
        kind="referentiel",
        action_code="Fiche 2",
        description="Le référentiel commun de l'accompagnement des allocataires du RSA (fiche 2).",
        versions=[
            ("v1", date(2024, 10, 1), "Première version, adoptée par le COPIL."),
            ("v2", date(2026, 9, 15), "Ajout du volet santé et des modalités de l'accompagnement global."),
        ],
    )
    _document(
        actor,
        programme,
        title="Guide de l'accompagnement pluridisciplinaire",
        kind="guide",
        action_code="Fiche 5",
        versions=[("2025", date(2025, 6, 2), "")],
    )
    _document(
        actor,
        programme,
        title="Support du séminaire-action sur l'accompagnement pluridisciplinaire",
        kind="support",
        action_code="Fiche 5",
        visible_roles=[Role.REFERENT, Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT],
        versions=[("v1", today - timedelta(days=37), "")],
    )
    return sum(1 for event in created if event)


def build_landes(actor, programme) -> int:
    forum = _event(
        actor,
        programme,
        title="Forum de l'insertion et de l'emploi 2025",
        action_code="C.34",
        kind="forum",
        starts_at=_at(date(2025, 11, 20), 9),
        ends_at=_at(date(2025, 11, 20), 17),
        place="Mont-de-Marsan, Espace François Mitterrand",
        capacity=300,
        registered=10,
        present=8,
    )
    _document(
        actor,
        programme,
        title="Compte rendu du forum de l'insertion et de l'emploi 2025",
        kind="compte_rendu",
        action_code="C.34",
        versions=[("v1", date(2025, 12, 10), "")],
    )
    return 1 if forum else 0


def build(ctx, programme) -> None:
    actor = programme_pilot(programme)
    if actor is None or timezone.localdate() < programme.start:
        return
    builder = {"40": build_landes, "64": build_pyrenees_atlantiques}.get(programme.departement_id)
    if builder and (count := builder(actor, programme)):
        ctx.log(f"  {count} événement(s) des professionnels")
