"""Writes of the professionals' network: events, registrations (capacity enforced under a lock), attendance, and
the document bank's documents and versions. Each checks who acts, refuses bad input in French with nothing written,
and writes its audit event."""

from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.core.uploads import check_upload
from jalon.programme.models import ActionSheet, Programme
from jalon.programme.network import access
from jalon.programme.network.enums import DocumentKind, EventKind
from jalon.programme.network.models import BankDocument, BankDocumentVersion, EventRegistration, NetworkEvent


NOT_ALLOWED_EVENT = "Seuls le pilote du programme et les pilotes de la fiche action organisent ses événements."
NOT_ALLOWED_DOCUMENT = (
    "Seuls le pilote du programme et l'administrateur du Département alimentent la banque documentaire."
)


def _check_action(programme: Programme, action: ActionSheet | None, errors: dict) -> None:
    if action is not None and action.programme_id != programme.pk:
        errors["action"] = "Choisissez une fiche action de ce programme."


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    programme: Programme,
    title: str,
    kind: str,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
    place: str = "",
    online: bool = False,
    action: ActionSheet | None = None,
    capacity: int | None = None,
    description: str = "",
) -> NetworkEvent:
    if not access.may_run_events(actor, programme, action):
        raise ValidationError(NOT_ALLOWED_EVENT)
    errors: dict = {}
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        errors["title"] = "Donnez un intitulé à l'événement."
    if kind not in EventKind.values:
        errors["kind"] = "Choisissez le format de l'événement."
    if starts_at is None:
        errors["starts_at"] = "Indiquez la date et l'heure de début."
    elif not programme.start <= timezone.localtime(starts_at).date() <= programme.end:
        errors["starts_at"] = (
            f"L'événement doit se tenir pendant le programme ({programme.start:%d/%m/%Y} – {programme.end:%d/%m/%Y})."
        )
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "La fin doit suivre le début."
    if not place and not online:
        errors["place"] = "Indiquez le lieu, ou cochez « à distance »."
    if capacity is not None and capacity < 1:
        errors["capacity"] = "Le nombre de places est d'au moins 1 (laissez vide s'il n'est pas limité)."
    _check_action(programme, action, errors)
    if not errors and NetworkEvent.objects.filter(programme=programme, title=title, starts_at=starts_at).exists():
        errors["title"] = "Cet événement existe déjà à cette date."
    if errors:
        raise ValidationError(errors)
    event = NetworkEvent.objects.create(
        programme=programme,
        action=action,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online=online,
        capacity=capacity,
        description=(description or "").strip(),
        created_by=actor.user,
    )
    audit_event_record(
        code=AuditCode.NETWORK_EVENT_CREATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=event,
        new={"title": title, "kind": kind, "starts_at": starts_at, "capacity": capacity},
    )
    return event


@transaction.atomic
def event_register(*, actor: Actor, event: NetworkEvent) -> EventRegistration:
    """The actor registers himself, with his current organisation. The event's row is locked while the places are
    counted, so two last registrations cannot both take the last place."""
    event = NetworkEvent.objects.select_for_update().get(pk=event.pk)
    if actor.organisation_id is None:
        raise ValidationError("Choisissez d'abord l'organisation pour laquelle vous vous inscrivez.")
    if event.starts_at <= timezone.now():
        raise ValidationError("L'événement a commencé : les inscriptions sont closes.")
    if event.registrations.filter(user=actor.user).exists():
        raise ValidationError("Vous êtes déjà inscrit(e) à cet événement.")
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError(
            f"L'événement est complet : ses {event.capacity} places sont prises. Contactez le pilote du programme "
            "pour une éventuelle liste d'attente."
        )
    registration = EventRegistration.objects.create(event=event, user=actor.user, organisation=actor.organisation)
    audit_event_record(
        code=AuditCode.NETWORK_EVENT_REGISTERED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=event,
        new={"organisation": actor.organisation_id},
    )
    return registration


@transaction.atomic
def event_unregister(*, actor: Actor, event: NetworkEvent) -> None:
    registration = EventRegistration.objects.select_for_update().filter(event=event, user=actor.user).first()
    if registration is None:
        raise ValidationError("Vous n'êtes pas inscrit(e) à cet événement.")
    if event.starts_at <= timezone.now():
        raise ValidationError("L'événement a commencé : l'inscription ne peut plus être annulée.")
    registration.delete()
    audit_event_record(
        code=AuditCode.NETWORK_EVENT_UNREGISTERED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=event,
        old={"organisation": registration.organisation_id},
    )


@transaction.atomic
def event_attendance_record(*, actor: Actor, event: NetworkEvent, present_ids) -> dict:
    """After the event: who came among the registered (the others are marked absent)."""
    if not access.may_run_events(actor, event.programme, event.action):
        raise ValidationError(NOT_ALLOWED_EVENT)
    if event.starts_at > timezone.now():
        raise ValidationError("Les présences se relèvent une fois l'événement commencé.")
    registrations = event.registrations.select_for_update()
    known = set(registrations.values_list("pk", flat=True))
    present = {int(pk) for pk in present_ids or []}
    if present - known:
        raise ValidationError("Une des personnes cochées n'est pas inscrite à cet événement.")
    registrations.filter(pk__in=present).update(attended=True)
    registrations.exclude(pk__in=present).update(attended=False)
    counts = {"present": len(present), "absent": len(known - present)}
    audit_event_record(
        code=AuditCode.NETWORK_ATTENDANCE_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=event,
        new=counts,
    )
    return counts


def check_file(file: UploadedFile | None) -> None:
    """The document bank takes the files the observatory takes as evidence: same formats, same size, content
    matching the extension."""
    if file is None:
        raise ValidationError({"file": "Déposez le fichier du document."})
    check_upload(file, field="file")


def _check_version(document: BankDocument | None, version: str, dated: date | None, errors: dict) -> str:
    version = (version or "").strip()
    if not version:
        errors["version"] = "Indiquez la version (v1, 2026…)."
    elif document is not None and document.versions.filter(version=version).exists():
        errors["version"] = f"La version « {version} » de ce document existe déjà : donnez un autre numéro."
    if dated is None:
        errors["dated"] = "Indiquez la date du document."
    elif dated > timezone.localdate():
        errors["dated"] = "La date du document ne peut pas être dans le futur."
    return version


def _store(document, version, dated, file, note, actor) -> BankDocumentVersion:
    item = BankDocumentVersion(
        document=document,
        version=version,
        dated=dated,
        file_name=Path(file.name or "document").name[:255],
        note=(note or "").strip(),
        uploaded_by=actor.user,
    )
    item.file.save(f"{document.pk}-{version}{Path(file.name or '').suffix.lower()}", file, save=False)
    item.save()
    return item


@transaction.atomic
def document_create(
    *,
    actor: Actor,
    programme: Programme,
    title: str,
    kind: str,
    version: str,
    dated: date | None,
    file: UploadedFile | None,
    action: ActionSheet | None = None,
    visible_roles=(),
    description: str = "",
    note: str = "",
) -> BankDocument:
    if not access.may_manage_documents(actor, programme):
        raise ValidationError(NOT_ALLOWED_DOCUMENT)
    errors: dict = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Donnez un titre au document."
    elif programme.documents.filter(title=title).exists():
        errors["title"] = "Un document porte déjà ce titre : ajoutez-lui plutôt une nouvelle version."
    if kind not in DocumentKind.values:
        errors["kind"] = "Choisissez la nature du document."
    roles = sorted(set(visible_roles or []))
    if any(role not in Role.values for role in roles):
        errors["visible_roles"] = "Choisissez des rôles de la liste."
    _check_action(programme, action, errors)
    version = _check_version(None, version, dated, errors)
    try:
        check_file(file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    document = BankDocument.objects.create(
        programme=programme,
        action=action,
        title=title,
        kind=kind,
        visible_roles=roles,
        description=(description or "").strip(),
    )
    item = _store(document, version, dated, file, note, actor)
    audit_event_record(
        code=AuditCode.NETWORK_DOCUMENT_CREATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=document,
        new={"title": title, "kind": kind, "version": version, "visible_roles": roles, "file": item.file_name},
    )
    return document


@transaction.atomic
def document_version_add(
    *,
    actor: Actor,
    document: BankDocument,
    version: str,
    dated: date | None,
    file: UploadedFile | None,
    note: str = "",
) -> BankDocumentVersion:
    """A new version of the document; the earlier ones stay readable."""
    if not access.may_manage_documents(actor, document.programme):
        raise ValidationError(NOT_ALLOWED_DOCUMENT)
    document = BankDocument.objects.select_for_update().get(pk=document.pk)
    errors: dict = {}
    version = _check_version(document, version, dated, errors)
    try:
        check_file(file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    item = _store(document, version, dated, file, note, actor)
    audit_event_record(
        code=AuditCode.NETWORK_DOCUMENT_VERSION_ADDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=document,
        new={"version": version, "dated": dated, "file": item.file_name},
    )
    return item


# The catalogue's indicators of a fiche that its events and its document bank count (Pyrénées-Atlantiques fiche 5:
# « nombre de formats organisés et animés », « nombre de participants mobilisés », « contenus diffusés (banque
# documentaire) »), with what fills each.
COUNTED_INDICATORS = {
    "P38": ("événements tenus", lambda counts, documents: counts["events"]),
    "P39": ("présents aux événements", lambda counts, documents: counts["attendees"]),
    "P40": ("documents de la banque", lambda counts, documents: documents),
}


def counted_indicators(action: ActionSheet):
    return action.indicators.filter(indicator__code__in=COUNTED_INDICATORS).select_related("indicator")


def network_counts_report(*, actor: Actor, action: ActionSheet, year: int, today: date):
    """Writes the year's counts of the fiche's events and documents into the observatory as drafts of its entered
    indicators: the observatory's own rules apply (who enters, which periods, validation by a pilot), and nothing
    is written when one of them refuses."""
    from jalon.observatory.entered.services import entered_value_save
    from jalon.observatory.enums import PeriodKind, TerritoryLevel
    from jalon.observatory.periods import period_of
    from jalon.programme.network.selectors import network_counts

    links = list(counted_indicators(action))
    if not links:
        raise ValidationError("Les indicateurs de cette fiche ne se comptent pas à partir des événements.")
    if not action.programme.start.year <= year < today.year:
        raise ValidationError(
            f"Choisissez une année du plan déjà terminée ({action.programme.start.year}–{today.year - 1}) : "
            "l'observatoire reçoit la valeur d'une année close."
        )
    counts = network_counts(programme=action.programme, year=year, action_id=action.pk)
    documents = action.documents.filter(created_at__year__lte=year).count()
    period = period_of(PeriodKind.YEAR, date(year, 1, 1))
    with transaction.atomic():
        return [
            entered_value_save(
                actor=actor,
                indicator=link.indicator,
                period=period,
                territory_level=TerritoryLevel.DEPARTEMENT,
                territory_code=action.programme.departement_id,
                value=float(fill(counts, documents)),
                comment=f"Compté dans le plan d'action ({label}, fiche {action.code}, {year}).",
                submit=False,
                today=today,
            )
            for link in links
            for label, fill in [COUNTED_INDICATORS[link.indicator.code]]
        ]
