"""Writes of the France Travail exchanges: an appointment's attendance queued, then sent (by the task)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.francetravail.client import FranceTravailError, client_from_settings
from jalon.francetravail.enums import PushStatus
from jalon.francetravail.models import AttendancePush
from jalon.notebook.models import Appointment
from jalon.organisations.enums import OrganisationKind


def attendance_push_request(*, actor, appointment: Appointment) -> AttendancePush:
    """Queue the appointment's attendance for France Travail. Refused when the connection is not configured, the
    appointment is not with a France Travail adviser, its attendance is not recorded, or it was already sent; a
    failed send may be asked again."""
    if client_from_settings() is None:
        raise ValidationError(
            "La connexion à France Travail n'est pas configurée : la présence ne peut pas être transmise."
        )
    if appointment.organisation.kind != OrganisationKind.FRANCE_TRAVAIL:
        raise ValidationError("Ce rendez-vous n'est pas tenu par un conseiller France Travail.")
    if appointment.cancelled_at is not None:
        raise ValidationError("Ce rendez-vous est annulé : il n'y a pas de présence à transmettre.")
    if not appointment.attendance:
        raise ValidationError("Enregistrez d'abord la présence à ce rendez-vous.")
    if not appointment.notebook.person.nir_hash:
        raise ValidationError("Le NIR de la personne n'est pas connu : France Travail ne peut pas la retrouver.")
    with transaction.atomic():
        push = AttendancePush.objects.select_for_update().filter(appointment=appointment).first()
        if push is not None and push.status == PushStatus.SENT:
            sent_at = timezone.localtime(push.sent_at)
            raise ValidationError(f"La présence est déjà transmise à France Travail (le {sent_at:%d/%m/%Y à %H:%M}).")
        if push is not None and push.status == PushStatus.QUEUED:
            raise ValidationError("La présence est déjà en attente d'envoi à France Travail.")
        if push is None:
            push = AttendancePush(appointment=appointment)
        push.attendance = appointment.attendance
        push.status = PushStatus.QUEUED
        push.requested_by = actor.user
        push.last_error = ""
        push.save()
        audit_event_record(
            code=AuditCode.FRANCE_TRAVAIL_ATTENDANCE_QUEUED,
            actor=actor.user,
            organisation=actor.organisation,
            subject=push,
            person_id=appointment.notebook.person_id,
            new={"appointment": appointment.pk, "attendance": appointment.attendance},
        )
        from jalon.francetravail.tasks import attendance_push_task

        transaction.on_commit(lambda: attendance_push_task.enqueue(push.pk))
    return push


def attendance_push_send(*, push_id: int) -> AttendancePush:
    """Send one queued attendance (the task's work). On a transient failure the record says so and the push may be
    asked again later; nothing else is written. Sending twice is impossible: only a queued record is sent."""
    with transaction.atomic():
        push = (
            AttendancePush.objects.select_for_update().select_related("appointment__notebook__person").get(pk=push_id)
        )
        if push.status != PushStatus.QUEUED:
            return push
        appointment = push.appointment
        person = appointment.notebook.person
        push.attempts += 1
        client = client_from_settings()
        try:
            if client is None:
                raise FranceTravailError(
                    "La connexion à France Travail n'est pas configurée.", kind=FranceTravailError.REFUSED
                )
            push.reference = client.attendance_push(
                nir=person.nir,
                birth_date=person.birth_date,
                appointment_id=appointment.pk,
                starts_at=appointment.starts_at,
                attendance=push.attendance,
            )
        except FranceTravailError as error:
            push.status = PushStatus.FAILED
            push.last_error = error.message[:255]
            push.save(update_fields=["status", "attempts", "last_error", "updated_at"])
            return push
        push.status = PushStatus.SENT
        push.sent_at = timezone.now()
        push.last_error = ""
        push.save(update_fields=["status", "attempts", "reference", "sent_at", "last_error", "updated_at"])
        audit_event_record(
            code=AuditCode.FRANCE_TRAVAIL_ATTENDANCE_SENT,
            actor_label="tâche France Travail",
            subject=push,
            person_id=person.pk,
            new={"appointment": appointment.pk, "attendance": push.attendance, "reference": push.reference},
        )
    return push
