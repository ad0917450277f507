"""Writes of the plan's governance: meetings (agenda, attendance, documents, minutes), decisions and their
follow-up, and the daily reminder of late bodies. Each write checks who acts, refuses bad input in French with
nothing written, and records its audit event."""

from datetime import date, time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, Actor
from jalon.core.services import audit_event_record
from jalon.core.uploads import check_upload
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify_many
from jalon.organisations.models import Membership, Organisation
from jalon.programme.governance import access, selectors
from jalon.programme.governance.enums import AttendanceStatus, DecisionStatus, DocumentKind
from jalon.programme.governance.models import (
    AgendaItem,
    Attendance,
    BodyReminder,
    Decision,
    Meeting,
    MeetingDocument,
)
from jalon.programme.models import ActionSheet, Body, Programme


NOT_ALLOWED = "Vous ne pouvez pas modifier les instances de ce plan."
NO_OWNER = "Une décision a un porteur : choisissez un agent du Département ou une organisation (ou les deux)."


def _period_error(programme: Programme) -> str:
    return (
        f"La réunion doit se tenir pendant la période du plan ({programme.start:%d/%m/%Y} – {programme.end:%d/%m/%Y})."
    )


# -- who may be named ----------------------------------------------------------------------------------------------


def invitable_organisations(*, programme: Programme):
    """Organisations a meeting may invite: those of the programme's Département and those the plan names."""
    return Organisation.objects.filter(
        Q(is_active=True, departement_id=programme.departement_id)
        | Q(pk__in=programme.signatories.values("organisation"))
    ).order_by("name")


def owner_organisations(*, programme: Programme):
    return invitable_organisations(programme=programme)


def owner_users(*, programme: Programme):
    """The Département's own professionals (its central directions and territorial services)."""
    memberships = Membership.objects.active().filter(
        organisation__departement_id=programme.departement_id, organisation__kind__in=DEPARTEMENT_STAFF_KINDS
    )
    return get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("last_name", "first_name")


# -- meetings ------------------------------------------------------------------------------------------------------


def _check_meeting(
    *,
    body: Body,
    held_on: date | None,
    place: str,
    remote: bool,
    agenda: list[tuple[str, ActionSheet | None]],
    attendance: dict[int, str],
    invited: list[Organisation],
) -> None:
    programme = body.programme
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Indiquez la date de la réunion."
    elif not programme.start <= held_on <= programme.end:
        errors["held_on"] = _period_error(programme)
    if not place.strip() and not remote:
        errors["place"] = "Indiquez le lieu de la réunion, ou qu'elle se tient en visioconférence."
    if any(action is not None and action.programme_id != programme.pk for _title, action in agenda):
        errors["agenda"] = "Un point de l'ordre du jour renvoie à une fiche action d'un autre plan."
    allowed = set(invitable_organisations(programme=programme).values_list("pk", flat=True))
    if any(organisation.pk not in allowed for organisation in invited):
        errors["invited"] = "Invitez des organisations du Département ou nommées par le plan."
    members = set(body.members.values_list("pk", flat=True)) | {organisation.pk for organisation in invited}
    if any(pk not in members for pk in attendance):
        errors["attendance"] = "La présence ne se note que pour les membres de l'instance et les invités."
    if any(status not in AttendanceStatus.values for status in attendance.values()):
        errors["attendance"] = "Choisissez présente, excusée ou absente."
    if errors:
        raise ValidationError(errors)


def _write_meeting_parts(meeting: Meeting, agenda, attendance: dict[int, str], invited: list[Organisation]) -> None:
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, title=title.strip()[:500], action=action, position=position)
        for position, (title, action) in enumerate(agenda, start=1)
        if title.strip()
    )
    member_ids = set(meeting.body.members.values_list("pk", flat=True))
    invited_ids = {organisation.pk for organisation in invited} - member_ids
    kept = set(attendance) | invited_ids
    meeting.attendance.exclude(organisation_id__in=kept).delete()
    for organisation_id in kept:
        Attendance.objects.update_or_create(
            meeting=meeting,
            organisation_id=organisation_id,
            defaults={
                "status": attendance.get(organisation_id, AttendanceStatus.PRESENT),
                "invited": organisation_id in invited_ids,
            },
        )


def _meeting_state(meeting: Meeting) -> dict:
    return {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "remote": meeting.remote,
        "minutes": meeting.minutes,
        "agenda": [item.title for item in meeting.agenda.all()],
        "attendance": {str(a.organisation_id): a.status for a in meeting.attendance.all()},
    }


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    body: Body,
    held_on: date | None,
    starts_at: time | None = None,
    place: str = "",
    remote: bool = False,
    minutes: str = "",
    agenda: list[tuple[str, ActionSheet | None]] = (),  # type: ignore[assignment]
    attendance: dict[int, str] | None = None,
    invited: list[Organisation] = (),  # type: ignore[assignment]
) -> Meeting:
    if not access.may_edit_governance(actor, body.programme):
        raise ValidationError(NOT_ALLOWED)
    attendance, agenda, invited = dict(attendance or {}), list(agenda), list(invited)
    _check_meeting(
        body=body, held_on=held_on, place=place, remote=remote, agenda=agenda, attendance=attendance, invited=invited
    )
    meeting = Meeting.objects.create(
        body=body,
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        remote=remote,
        minutes=(minutes or "").strip(),
        recorded_by=actor.user,
    )
    _write_meeting_parts(meeting, agenda, attendance, invited)
    audit_event_record(
        code=AuditCode.MEETING_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        new=_meeting_state(meeting),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    held_on: date | None,
    starts_at: time | None = None,
    place: str = "",
    remote: bool = False,
    minutes: str = "",
    agenda: list[tuple[str, ActionSheet | None]] = (),  # type: ignore[assignment]
    attendance: dict[int, str] | None = None,
    invited: list[Organisation] = (),  # type: ignore[assignment]
) -> Meeting:
    body = meeting.body
    if not access.may_edit_governance(actor, body.programme):
        raise ValidationError(NOT_ALLOWED)
    meeting = Meeting.objects.select_for_update().select_related("body__programme").get(pk=meeting.pk)
    attendance, agenda, invited = dict(attendance or {}), list(agenda), list(invited)
    _check_meeting(
        body=body, held_on=held_on, place=place, remote=remote, agenda=agenda, attendance=attendance, invited=invited
    )
    old = _meeting_state(meeting)
    meeting.held_on, meeting.starts_at, meeting.place, meeting.remote = held_on, starts_at, place.strip(), remote
    meeting.minutes = (minutes or "").strip()
    meeting.save()
    _write_meeting_parts(meeting, agenda, attendance, invited)
    new = _meeting_state(meeting)
    audit_event_record(
        code=AuditCode.MEETING_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        old={key: value for key, value in old.items() if new[key] != value},
        new={key: value for key, value in new.items() if old[key] != value},
    )
    return meeting


# -- documents -----------------------------------------------------------------------------------------------------


def check_document(file: UploadedFile | None) -> None:
    """The same formats and size as the observatory's evidence: a document of a public meeting, not a program."""
    if file is None:
        raise ValidationError({"file": "Choisissez le fichier à déposer."})
    check_upload(file, field="file", name="Le document")


@transaction.atomic
def meeting_document_add(*, actor: Actor, meeting: Meeting, kind: str, file: UploadedFile | None) -> MeetingDocument:
    if not access.may_edit_governance(actor, meeting.body.programme):
        raise ValidationError(NOT_ALLOWED)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choisissez la nature du document."})
    check_document(file)
    name = Path(file.name or "document").name[:255]
    document = MeetingDocument(meeting=meeting, kind=kind, name=name, uploaded_by=actor.user)
    document.file.save(
        f"{meeting.body.code}-{meeting.held_on:%Y-%m-%d}-{kind}{Path(name).suffix.lower()}", file, save=False
    )
    document.save()
    audit_event_record(
        code=AuditCode.MEETING_DOCUMENT_ADDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        new={"kind": kind, "name": name},
    )
    return document


# -- decisions -----------------------------------------------------------------------------------------------------


def _check_decision(*, meeting: Meeting, text: str, owner_user, owner_organisation, due_on: date | None) -> None:
    programme = meeting.body.programme
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = "Écrivez la décision."
    if owner_user is None and owner_organisation is None:
        errors["owner_user"] = NO_OWNER
    if owner_user is not None and not owner_users(programme=programme).filter(pk=owner_user.pk).exists():
        errors["owner_user"] = "Le porteur doit être un agent du Département."
    if (
        owner_organisation is not None
        and not owner_organisations(programme=programme).filter(pk=owner_organisation.pk).exists()
    ):
        errors["owner_organisation"] = "L'organisation porteuse doit être du Département ou nommée par le plan."
    if due_on is None:
        errors["due_on"] = "Indiquez l'échéance de la décision."
    elif due_on < meeting.held_on:
        errors["due_on"] = "L'échéance ne peut précéder la réunion qui a pris la décision."
    if errors:
        raise ValidationError(errors)


def _decision_state(decision: Decision) -> dict:
    return {
        "text": decision.text,
        "owner_user": decision.owner_user_id,
        "owner_organisation": decision.owner_organisation_id,
        "due_on": decision.due_on,
        "status": decision.status,
        "follow_up": decision.follow_up,
        "follow_up_on": decision.follow_up_on,
    }


@transaction.atomic
def decision_record(
    *, actor: Actor, meeting: Meeting, text: str, owner_user=None, owner_organisation=None, due_on: date | None
) -> Decision:
    if not access.may_edit_governance(actor, meeting.body.programme):
        raise ValidationError(NOT_ALLOWED)
    _check_decision(
        meeting=meeting, text=text, owner_user=owner_user, owner_organisation=owner_organisation, due_on=due_on
    )
    decision = Decision.objects.create(
        meeting=meeting,
        text=text.strip(),
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        due_on=due_on,
    )
    audit_event_record(
        code=AuditCode.DECISION_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=decision,
        new=_decision_state(decision),
    )
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: Actor,
    decision: Decision,
    text: str,
    owner_user=None,
    owner_organisation=None,
    due_on: date | None,
    status: str,
    follow_up: str = "",
    follow_up_on: date | None = None,
    today: date | None = None,
) -> Decision:
    meeting = decision.meeting
    if not access.may_edit_governance(actor, meeting.body.programme):
        raise ValidationError(NOT_ALLOWED)
    today = today or timezone.localdate()
    _check_decision(
        meeting=meeting, text=text, owner_user=owner_user, owner_organisation=owner_organisation, due_on=due_on
    )
    if status not in DecisionStatus.values:
        raise ValidationError({"status": "Choisissez l'état de la décision."})
    if status == DecisionStatus.DROPPED and not (follow_up or "").strip():
        raise ValidationError({"follow_up": "Dites pourquoi la décision est abandonnée."})
    if follow_up_on and follow_up_on > today:
        raise ValidationError({"follow_up_on": "Le suivi ne peut être daté dans le futur."})
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    old = _decision_state(decision)
    if status != decision.status and follow_up_on is None:
        follow_up_on = today
    decision.text, decision.owner_user, decision.owner_organisation = text.strip(), owner_user, owner_organisation
    decision.due_on, decision.status = due_on, status
    decision.follow_up, decision.follow_up_on = (follow_up or "").strip(), follow_up_on
    decision.save()
    new = _decision_state(decision)
    audit_event_record(
        code=AuditCode.DECISION_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=decision,
        old={key: value for key, value in old.items() if new[key] != value},
        new={key: value for key, value in new.items() if old[key] != value},
    )
    return decision


@transaction.atomic
def decision_mark_done(
    *, actor: Actor, decision: Decision, follow_up: str = "", today: date | None = None
) -> Decision:
    if not access.may_mark_done(actor, decision):
        raise ValidationError(
            "Seuls les éditeurs du plan et l'organisation porteuse marquent cette décision réalisée."
        )
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.OPEN:
        raise ValidationError("Cette décision n'est plus à faire : elle est déjà réalisée ou abandonnée.")
    old = _decision_state(decision)
    decision.status = DecisionStatus.DONE
    decision.follow_up_on = today or timezone.localdate()
    if (follow_up or "").strip():
        decision.follow_up = follow_up.strip()
    decision.save()
    audit_event_record(
        code=AuditCode.DECISION_DONE,
        actor=actor.user,
        organisation=actor.organisation,
        subject=decision,
        old={"status": old["status"]},
        new={"status": decision.status, "follow_up": decision.follow_up, "follow_up_on": decision.follow_up_on},
    )
    return decision


# -- the daily reminder --------------------------------------------------------------------------------------------


def programme_pilots(*, programme: Programme) -> list[tuple[int, int]]:
    """(user, organisation) of the programme pilots of the programme's Département."""
    memberships = (
        Membership.objects.active()
        .with_role(Role.PROGRAMME_PILOT)
        .filter(organisation__departement_id=programme.departement_id, organisation__kind__in=DEPARTEMENT_STAFF_KINDS)
        .order_by("user_id", "organisation_id")
    )
    return list(dict(memberships.values_list("user_id", "organisation_id")).items())


@transaction.atomic
def bodies_remind_late(*, today: date | None = None) -> dict:
    """Tells the pilots of each programme in force about a body that has become late, once per lateness episode:
    an episode opens the first day the body is found late, and closes the first day it is no longer late."""
    today = today or timezone.localdate()
    opened = closed = notified = 0
    for programme in Programme.objects.filter(start__lte=today, end__gte=today):
        late = {item.body.pk: item for item in selectors.late_bodies(programme=programme, today=today)}
        open_reminders = {
            reminder.body_id: reminder
            for reminder in BodyReminder.objects.select_for_update().filter(
                body__programme=programme, closed_on__isnull=True
            )
        }
        for body_id, reminder in open_reminders.items():
            if body_id not in late:
                reminder.closed_on = today
                reminder.save(update_fields=["closed_on", "updated_at"])
                closed += 1
        pilots = None
        for body_id, item in late.items():
            if body_id in open_reminders:
                continue
            if pilots is None:
                pilots = programme_pilots(programme=programme)
            url = reverse("programme:governance_body", kwargs={"code": programme.code, "body_pk": body_id})
            title = f"Instance en retard : {item.body.name} — {item.reason}"
            count = notify_many(
                (user_id, organisation_id, NotificationKind.BODY_LATE, title, url)
                for user_id, organisation_id in pilots
            )
            reminder = BodyReminder.objects.create(
                body=item.body, opened_on=today, reason=item.reason[:255], notified=count
            )
            audit_event_record(
                code=AuditCode.BODY_LATE_REMINDED,
                actor_label="tâche governance_daily",
                subject=reminder,
                new={"body": item.body.code, "reason": item.reason, "notified": count},
            )
            opened += 1
            notified += count
    return {"opened": opened, "closed": closed, "notified": notified}
