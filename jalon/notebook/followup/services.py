"""The follow-up of a carnet: contracts, appointments with their invitations, contacts.

Every write runs in one transaction, bumps the carnet's version (optimistic locking, `notebook_touch`) and is
audited with the person's id. The caller has reached the carnet through `jalon.notebook.access.notebook_access`.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from jalon.core.enums import AuditCode
from jalon.core.periods import add_months
from jalon.core.services import audit_event_record
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify as inbox_notify
from jalon.messaging.digests import digest_send, plural
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.services import message_send
from jalon.notebook.enums import ContactKind, ContractEndReason, HoursReductionReason, WorkStatus
from jalon.notebook.models import Appointment, Contact, Contract, ContractAmendment, ContractType, Notebook
from jalon.notebook.services import notebook_touch
from jalon.orientation.delays.closing import delay_alerts_close_done
from jalon.orientation.enums import Attendance, DelayStep, SessionMode
from jalon.orientation.models import Orientation, ReferentAssignment


ENGAGEMENT_CODE = "ce"
# code, name, usual length in months, minimum weekly activity hours: the contracts every Département uses. The
# contrat d'engagement (loi n° 2023-1196 du 18 décembre 2023, in force 1 January 2025) replaces the others for new
# paths; they stay for the contracts signed before.
CONTRACT_TYPE_DEFAULTS = (
    ("cer", "Contrat d'engagement réciproque (CER)", 6, None),
    ("ppae", "Projet personnalisé d'accès à l'emploi (PPAE)", 12, None),
    ("cej", "Contrat d'engagement jeune (CEJ)", 12, None),
    (ENGAGEMENT_CODE, "Contrat d'engagement", 12, 15),
)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _moment(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "l j F Y à H\\hi")


def _touch(notebook: Notebook, version: int | None) -> None:
    # Automatic writers (API, imports) without a form version write on the version they loaded.
    notebook_touch(notebook=notebook, expected_version=notebook.version if version is None else version)


def _audit(*, code, actor, subject, notebook, old=None, new=None) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=subject,
        person_id=notebook.person_id,
        old=old,
        new=new,
    )


# --- contract types ---------------------------------------------------------------------------------------------


@transaction.atomic
def contract_types_default_create(*, departement) -> list[ContractType]:
    """The CER, PPAE, CEJ and contrat d'engagement of a Département, created when missing (a type already there is
    left as edited)."""
    existing = set(ContractType.objects.filter(departement=departement).values_list("code", flat=True))
    created = ContractType.objects.bulk_create(
        [
            ContractType(
                departement=departement, code=code, name=name, usual_months=months, minimum_weekly_hours=hours
            )
            for code, name, months, hours in CONTRACT_TYPE_DEFAULTS
            if code not in existing
        ]
    )
    if created:
        audit_event_record(
            code=AuditCode.CONTRACT_TYPES_CREATED,
            actor_label="types de contrat par défaut",
            new={"departement": departement.pk, "codes": [t.code for t in created]},
        )
    return created


# --- contracts --------------------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor,
    notebook: Notebook,
    version: int | None,
    contract_type: ContractType,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    objectives=(),
    organisation,
    actions=(),
    weekly_hours: int | None = None,
    hours_reduction_reason: str = "",
    hours_reduction_note: str = "",
    hours_decided_by=None,
    hours_decided_on: datetime.date | None = None,
) -> Contract:
    """A contract for the person; `ends_on` left empty means the type's usual length. Refused when the dates are
    in the wrong order or when it overlaps another contract of the person. A contrat d'engagement carries its
    action plan and weekly activity hours (the legal minimum when left empty; fewer only with a reduction
    decision)."""
    if contract_type.departement_id != notebook.person.departement_id or not contract_type.is_active:
        raise ValidationError({"contract_type": "Ce type de contrat n'est pas proposé dans le département."})
    if ends_on is None:
        ends_on = add_months(starts_on, contract_type.usual_months) - datetime.timedelta(days=1)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "La date de fin du contrat doit être postérieure à sa date de début."})
    if organisation is None:
        raise ValidationError("Choisissez la structure qui signe le contrat.")
    objectives = list(objectives)
    if any(objective.notebook_id != notebook.pk for objective in objectives):
        raise ValidationError({"objectives": "Un objectif choisi n'appartient pas à ce carnet."})
    actions = list(actions)
    if any(action.objective.notebook_id != notebook.pk for action in actions):
        raise ValidationError({"actions": "Une action choisie n'appartient pas à ce carnet."})
    hours = _engagement_hours(
        contract_type,
        weekly_hours=weekly_hours,
        reason=hours_reduction_reason,
        note=hours_reduction_note,
        decided_by=hours_decided_by,
        decided_on=hours_decided_on,
    )
    other = _overlapping(starts_on, ends_on, notebook=notebook)
    if other is not None:
        raise ValidationError(
            f"Ce contrat chevauche le {other} déjà enregistré pour cette personne : choisissez des dates qui ne "
            "le recouvrent pas, ou terminez-le d'abord (« Terminer »)."
        )
    _touch(notebook, version)
    contract = Contract(
        notebook=notebook,
        contract_type=contract_type,
        starts_on=starts_on,
        ends_on=ends_on,
        organisation=organisation,
        **hours,
    )
    contract.full_clean(exclude=["notebook", "contract_type", "organisation", "hours_decided_by"])
    contract.save()
    contract.objectives.set(objectives)
    contract.actions.set(actions)
    _audit(
        code=AuditCode.CONTRACT_CREATED,
        actor=actor,
        subject=contract,
        notebook=notebook,
        new={
            "type": contract_type.code,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "objectives": [o.pk for o in objectives],
            **_hours_trace(hours, actions),
        },
    )
    return contract


def _engagement_hours(contract_type, *, weekly_hours, reason, note, decided_by, decided_on) -> dict:
    """The hours fields of a contract: empty on a type without legal minimum; on a contrat d'engagement the minimum
    by default, fewer (down to none: a waiver) only with the reason and the decision (who, when)."""
    minimum = contract_type.minimum_weekly_hours
    if minimum is None:
        return {}
    if weekly_hours is None:
        weekly_hours = minimum
    if not isinstance(weekly_hours, int) or not 0 <= weekly_hours <= 60:
        raise ValidationError({"weekly_hours": "Indiquez un nombre entier d'heures par semaine, entre 0 et 60."})
    if weekly_hours >= minimum:
        return {"weekly_hours": weekly_hours}
    errors = {}
    if reason not in HoursReductionReason.values:
        errors["hours_reduction_reason"] = (
            f"Un contrat d'engagement prévoit au moins {minimum} heures d'activité par semaine : en prévoir "
            f"{weekly_hours} demande une décision de réduction ou de dispense, avec son motif."
        )
    elif reason == HoursReductionReason.OTHER and not note.strip():
        errors["hours_reduction_note"] = "Précisez la difficulté particulière qui justifie la réduction."
    if decided_by is None:
        errors["hours_decided_by"] = "Indiquez qui a décidé la réduction des heures."
    if decided_on is None:
        errors["hours_decided_on"] = "Indiquez la date de la décision de réduction des heures."
    elif decided_on > timezone.localdate():
        errors["hours_decided_on"] = "La décision de réduction ne peut pas être datée dans le futur."
    if errors:
        raise ValidationError(errors)
    return {
        "weekly_hours": weekly_hours,
        "hours_reduction_reason": reason,
        "hours_reduction_note": note.strip(),
        "hours_decided_by": decided_by,
        "hours_decided_on": decided_on,
    }


def _hours_trace(hours: dict, actions) -> dict:
    if not hours:
        return {}
    trace = {"weekly_hours": hours["weekly_hours"], "actions": [a.pk for a in actions]}
    if "hours_reduction_reason" in hours:
        trace |= {
            "hours_reduction_reason": hours["hours_reduction_reason"],
            "hours_decided_by": hours["hours_decided_by"].pk,
            "hours_decided_on": hours["hours_decided_on"],
        }
    return trace


@transaction.atomic
def contract_sign(
    *, actor, contract: Contract, signed_on: datetime.date, signed_by_person: bool, version: int | None = None
) -> Contract:
    """Record the signature. The first signed contract of the current orientation fills its
    `contract_signed_on`, which the orientation delays read; the first contrat d'engagement its
    `engagement_signed_on` (the transition of people oriented before 2025)."""
    contract = Contract.objects.select_for_update().select_related("notebook", "contract_type").get(pk=contract.pk)
    if contract.signed_on is not None:
        raise ValidationError(f"Ce contrat est déjà signé depuis le {_day(contract.signed_on)}.")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature ne peut pas être dans le futur."})
    if signed_on > contract.ends_on:
        raise ValidationError({"signed_on": "La date de signature est postérieure à la fin du contrat."})
    if not signed_by_person:
        raise ValidationError(
            {
                "signed_by_person": "Le contrat n'est signé qu'avec la signature de la personne : cochez-la une fois "
                "recueillie."
            }
        )
    _touch(contract.notebook, version)
    contract.signed_on, contract.signed_by_person, contract.signed_by = signed_on, True, actor.user
    contract.save(update_fields=["signed_on", "signed_by_person", "signed_by", "updated_at"])
    current = Orientation.objects.current().filter(person_id=contract.notebook.person_id)
    current.filter(contract_signed_on=None).update(contract_signed_on=signed_on, updated_at=timezone.now())
    delay_alerts_close_done(person_ids=[contract.notebook.person_id], step=DelayStep.CONTRACT)
    if contract.contract_type.code == ENGAGEMENT_CODE:
        # A contrat d'engagement also ends the transition of a person oriented before the plein-emploi law.
        current.filter(engagement_signed_on=None).update(engagement_signed_on=signed_on, updated_at=timezone.now())
        delay_alerts_close_done(person_ids=[contract.notebook.person_id], step=DelayStep.TRANSITION)
    _audit(
        code=AuditCode.CONTRACT_SIGNED,
        actor=actor,
        subject=contract,
        notebook=contract.notebook,
        new={"signed_on": signed_on, "signed_by_person": True},
    )
    return contract


def _overlapping(starts_on, ends_on, *, notebook: Notebook, exclude_pk=None):
    others = Contract.objects.filter(notebook=notebook, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.select_related("contract_type").order_by("starts_on").first()


@transaction.atomic
def contract_end(
    *,
    actor,
    contract: Contract,
    ended_on: datetime.date,
    reason: str,
    note: str = "",
    version: int | None = None,
) -> Contract:
    """Ends a contract before its term: `ends_on` becomes the real end, so it stops being « in force » for every
    figure and frees the dates for the next contract; the planned end is kept with the reason."""
    contract = Contract.objects.select_for_update().select_related("notebook", "contract_type").get(pk=contract.pk)
    if contract.end_reason:
        raise ValidationError(f"Ce contrat est déjà terminé depuis le {_day(contract.ends_on)}.")
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "La date de fin ne peut pas être dans le futur : terminez-le ce jour-là."})
    if ended_on <= contract.starts_on:
        # The table keeps a contract at least two days long (its end after its start).
        raise ValidationError(
            {"ended_on": f"Le contrat commence le {_day(contract.starts_on)} : choisissez une date après ce jour."}
        )
    if ended_on >= contract.ends_on:
        raise ValidationError(
            {"ended_on": f"Le contrat se termine déjà le {_day(contract.ends_on)} : rien à avancer."}
        )
    if reason not in ContractEndReason.values:
        raise ValidationError({"reason": "Choisissez le motif de la fin du contrat."})
    _touch(contract.notebook, version)
    old = {"ends_on": contract.ends_on}
    contract.planned_ends_on, contract.ends_on = contract.ends_on, ended_on
    contract.end_reason, contract.end_note = reason, note
    contract.save(update_fields=["planned_ends_on", "ends_on", "end_reason", "end_note", "updated_at"])
    _audit(
        code=AuditCode.CONTRACT_ENDED,
        actor=actor,
        subject=contract,
        notebook=contract.notebook,
        old=old,
        new={"ends_on": ended_on, "reason": reason},
    )
    return contract


@transaction.atomic
def contract_amend(
    *,
    actor,
    contract: Contract,
    ends_on: datetime.date,
    objectives,
    reason: str,
    version: int | None = None,
    weekly_hours: int | None = None,
    hours_reduction_reason: str = "",
    hours_reduction_note: str = "",
    hours_decided_by=None,
    hours_decided_on: datetime.date | None = None,
) -> ContractAmendment:
    """An avenant: new end date, objectives and/or (contrat d'engagement) weekly hours, the before and after kept.
    Hours below the legal minimum need their reduction decision, as at creation; `weekly_hours` None keeps them.
    Refused on a contract ended early, when nothing changes, or when the new end overlaps the next contract."""
    contract = Contract.objects.select_for_update().select_related("notebook", "contract_type").get(pk=contract.pk)
    notebook = contract.notebook
    if contract.end_reason:
        raise ValidationError("Ce contrat est terminé : il ne prend plus d'avenant. Créez ou renouvelez un contrat.")
    if ends_on <= contract.starts_on:
        raise ValidationError({"ends_on": "La date de fin du contrat doit être postérieure à sa date de début."})
    if not reason.strip():
        raise ValidationError({"reason": "Dites l'objet de l'avenant."})
    objectives = list(objectives)
    if any(objective.notebook_id != notebook.pk for objective in objectives):
        raise ValidationError({"objectives": "Un objectif choisi n'appartient pas à ce carnet."})
    before = sorted(contract.objectives.values_list("title", flat=True))
    after = sorted(objective.title for objective in objectives)
    hours = {}
    if weekly_hours is not None and contract.contract_type.minimum_weekly_hours is not None:
        hours = _engagement_hours(
            contract.contract_type,
            weekly_hours=weekly_hours,
            reason=hours_reduction_reason,
            note=hours_reduction_note,
            decided_by=hours_decided_by,
            decided_on=hours_decided_on,
        )
        # Back to the minimum or above: the former reduction decision no longer applies.
        hours = {
            "hours_reduction_reason": "",
            "hours_reduction_note": "",
            "hours_decided_by": None,
            "hours_decided_on": None,
            **hours,
        }
    hours_change = hours and (
        hours["weekly_hours"] != contract.weekly_hours
        or hours["hours_reduction_reason"] != contract.hours_reduction_reason
    )
    if ends_on == contract.ends_on and before == after and not hours_change:
        raise ValidationError("L'avenant ne change ni la date de fin, ni les objectifs, ni les heures d'activité.")
    other = _overlapping(contract.starts_on, ends_on, notebook=notebook, exclude_pk=contract.pk)
    if other is not None:
        raise ValidationError(
            {"ends_on": f"Avec cette fin, le contrat chevaucherait le {other} : choisissez une date avant."}
        )
    _touch(notebook, version)
    amendment = ContractAmendment.objects.create(
        contract=contract,
        amended_on=timezone.localdate(),
        previous_ends_on=contract.ends_on,
        new_ends_on=ends_on,
        objectives_before=before,
        objectives_after=after,
        previous_weekly_hours=contract.weekly_hours if hours_change else None,
        new_weekly_hours=hours["weekly_hours"] if hours_change else None,
        reason=reason.strip(),
        created_by=actor.user,
    )
    old = {"ends_on": amendment.previous_ends_on, "objectives": before}
    new = {"ends_on": ends_on, "objectives": after}
    if hours_change:
        old |= {"weekly_hours": contract.weekly_hours, "hours_reduction_reason": contract.hours_reduction_reason}
        new |= {"weekly_hours": hours["weekly_hours"], "hours_reduction_reason": hours["hours_reduction_reason"]}
        for name, value in hours.items():
            setattr(contract, name, value)
    contract.ends_on = ends_on
    contract.save(update_fields=["ends_on", *(hours if hours_change else {}), "updated_at"])
    contract.objectives.set(objectives)
    _audit(code=AuditCode.CONTRACT_AMENDED, actor=actor, subject=contract, notebook=notebook, old=old, new=new)
    return amendment


@transaction.atomic
def contract_renew(
    *, actor, contract: Contract, ends_on: datetime.date | None = None, version: int | None = None
) -> Contract:
    """The next contract of the same type, from the day after this one ends, carrying its objectives still open.
    Goes through `contract_create`, so the same checks apply (dates, overlap)."""
    contract = Contract.objects.select_related("notebook", "contract_type").get(pk=contract.pk)
    if contract.end_reason:
        raise ValidationError(
            "Ce contrat a été terminé avant son terme : créez un nouveau contrat plutôt que de le renouveler."
        )
    if contract.renewals.exists():
        raise ValidationError("Ce contrat est déjà renouvelé.")
    starts_on = contract.ends_on + datetime.timedelta(days=1)
    objectives = contract.objectives.filter(status__in=WorkStatus.open_values())
    renewal = contract_create(
        actor=actor,
        notebook=contract.notebook,
        version=version,
        contract_type=contract.contract_type,
        starts_on=starts_on,
        ends_on=ends_on,
        objectives=objectives,
        organisation=actor.organisation,
        actions=contract.actions.filter(status__in=WorkStatus.open_values()),
        weekly_hours=contract.weekly_hours,
        hours_reduction_reason=contract.hours_reduction_reason,
        hours_reduction_note=contract.hours_reduction_note,
        hours_decided_by=contract.hours_decided_by,
        hours_decided_on=contract.hours_decided_on,
    )
    renewal.renews = contract
    renewal.save(update_fields=["renews", "updated_at"])
    _audit(
        code=AuditCode.CONTRACT_RENEWED,
        actor=actor,
        subject=renewal,
        notebook=contract.notebook,
        new={"renews": contract.pk, "starts_on": starts_on, "ends_on": renewal.ends_on},
    )
    return renewal


def contract_pdf_record(*, actor, contract: Contract) -> None:
    """Trace the printing of a contract (it holds the person's data)."""
    _audit(code=AuditCode.CONTRACT_PDF_DOWNLOADED, actor=actor, subject=contract, notebook=contract.notebook)


# --- appointments -----------------------------------------------------------------------------------------------


@dataclass
class AppointmentOutcome:
    appointment: Appointment
    # (channel label, reason) for each invitation that could not be produced; the appointment is kept.
    undelivered: list[tuple[str, str]] = field(default_factory=list)


def _invitation(appointment: Appointment) -> tuple[str, str]:
    person = appointment.notebook.person
    where = appointment.place or appointment.get_mode_display()
    if appointment.mode == SessionMode.PHONE:
        where = "par téléphone : nous vous appellerons"
    subject = f"Rendez-vous le {_moment(appointment.starts_at)}"
    lines = [
        f"Bonjour {person.first_name} {person.last_name},",
        "",
        f"Votre référent(e) vous donne rendez-vous le {_moment(appointment.starts_at)} ({where}).",
    ]
    if appointment.purpose:
        lines.append(f"Objet : {appointment.purpose}.")
    lines += [
        "",
        "Si vous ne pouvez pas venir, prévenez-nous au plus tôt pour convenir d'un autre moment.",
        "",
        f"{appointment.professional.get_full_name()}",
        f"{appointment.organisation.name}",
    ]
    return subject, "\n".join(lines)


@transaction.atomic
def appointment_plan(
    *,
    actor,
    notebook: Notebook,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    mode: str,
    place: str = "",
    purpose: str = "",
    channels=(MessageChannel.EMAIL,),
    version: int | None = None,
) -> AppointmentOutcome:
    """Plan an appointment with the acting professional and send the invitation on each channel. A message that
    cannot be produced (no e-mail, no mobile, no address) is reported and the appointment is kept."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "L'heure de fin du rendez-vous doit suivre son heure de début."})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Le rendez-vous doit être fixé dans le futur."})
    if mode not in SessionMode.values:
        raise ValidationError({"mode": "Modalité de rendez-vous inconnue."})
    unknown = [channel for channel in channels if channel not in MessageChannel.values]
    if unknown:
        raise ValidationError({"channels": f"Moyen d'envoi inconnu : {', '.join(unknown)}."})
    clash = (
        Appointment.objects.filter(
            professional=actor.user, cancelled_at=None, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": f"Vous avez déjà un rendez-vous le {_moment(clash.starts_at)} : les horaires se "
                "chevauchent."
            }
        )
    _touch(notebook, version)
    appointment = Appointment(
        notebook=notebook,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place.strip(),
        purpose=purpose.strip(),
        professional=actor.user,
        organisation=actor.organisation,
    )
    appointment.full_clean(exclude=["notebook", "professional", "organisation"])
    appointment.save()
    outcome = AppointmentOutcome(appointment=appointment)
    subject, body = _invitation(appointment)
    for channel in channels:
        try:
            message_send(
                actor=actor,
                person=notebook.person,
                channel=channel,
                kind=MessageKind.INVITATION,
                subject=subject,
                body=body,
                about=appointment,
            )
        except ValidationError as error:
            outcome.undelivered.append((str(MessageChannel(channel).label), " ".join(error.messages)))
    _audit(
        code=AuditCode.APPOINTMENT_PLANNED,
        actor=actor,
        subject=appointment,
        notebook=notebook,
        new={"starts_at": starts_at, "mode": mode, "channels": list(channels)},
    )
    return outcome


def _locked_appointment(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("notebook").get(pk=appointment.pk)


@transaction.atomic
def appointment_attendance(
    *, actor, appointment: Appointment, attendance: str, version: int | None = None
) -> Appointment:
    """Record once whether the person came. The first attended appointment fills the current orientation's
    `first_appointment_on`; an attended appointment also counts as a contact."""
    appointment = _locked_appointment(appointment)
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choisissez présent, excusé ou absent."})
    if appointment.cancelled_at is not None:
        raise ValidationError("Ce rendez-vous a été annulé : on ne peut pas y noter de présence.")
    if appointment.attendance:
        raise ValidationError(
            f"La présence à ce rendez-vous est déjà enregistrée ({appointment.get_attendance_display()})."
        )
    if appointment.starts_at > timezone.now():
        raise ValidationError("Ce rendez-vous n'a pas encore eu lieu.")
    notebook = appointment.notebook
    _touch(notebook, version)
    appointment.attendance = attendance
    appointment.save(update_fields=["attendance", "updated_at"])
    if attendance == Attendance.PRESENT:
        day = timezone.localtime(appointment.starts_at).date()
        Orientation.objects.current().filter(person_id=notebook.person_id, first_appointment_on=None).update(
            first_appointment_on=day, updated_at=timezone.now()
        )
        delay_alerts_close_done(person_ids=[notebook.person_id], step=DelayStep.FIRST_APPOINTMENT)
        _last_contact(notebook, day)
    _audit(
        code=AuditCode.APPOINTMENT_ATTENDANCE,
        actor=actor,
        subject=appointment,
        notebook=notebook,
        new={"attendance": attendance},
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, version: int | None = None) -> Appointment:
    appointment = _locked_appointment(appointment)
    if appointment.cancelled_at is not None:
        raise ValidationError("Ce rendez-vous est déjà annulé.")
    if appointment.attendance:
        raise ValidationError("La présence à ce rendez-vous est enregistrée : il ne peut plus être annulé.")
    _touch(appointment.notebook, version)
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["cancelled_at", "updated_at"])
    _audit(code=AuditCode.APPOINTMENT_CANCELLED, actor=actor, subject=appointment, notebook=appointment.notebook)
    return appointment


# --- contacts ---------------------------------------------------------------------------------------------------


def _last_contact(notebook: Notebook, day: datetime.date) -> None:
    # Only ever moves forward: a contact logged late does not hide a more recent one.
    Notebook.objects.filter(pk=notebook.pk).exclude(last_contact_on__gte=day).update(last_contact_on=day)
    if notebook.last_contact_on is None or notebook.last_contact_on < day:
        notebook.last_contact_on = day


@transaction.atomic
def contact_record(
    *,
    actor,
    notebook: Notebook,
    occurred_on: datetime.date,
    kind: str,
    summary: str,
    appointment: Appointment | None = None,
    version: int | None = None,
) -> Contact:
    """Log a contact with the person and move the carnet's last contact forward."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "La date du contact ne peut pas être dans le futur."})
    if kind not in ContactKind.values:
        raise ValidationError({"kind": "Type de contact inconnu."})
    if not (summary or "").strip():
        raise ValidationError({"summary": "Résumez le contact en quelques mots."})
    if appointment is not None:
        if appointment.notebook_id != notebook.pk:
            raise ValidationError({"appointment": "Ce rendez-vous n'appartient pas à ce carnet."})
        if Contact.objects.filter(appointment=appointment).exists():
            raise ValidationError({"appointment": "Un contact est déjà rattaché à ce rendez-vous."})
    _touch(notebook, version)
    contact = Contact.objects.create(
        notebook=notebook,
        occurred_on=occurred_on,
        kind=kind,
        summary=summary.strip(),
        professional=actor.user,
        organisation=actor.organisation,
        appointment=appointment,
    )
    _last_contact(notebook, occurred_on)
    _audit(
        code=AuditCode.CONTACT_RECORDED,
        actor=actor,
        subject=contact,
        notebook=notebook,
        new={"occurred_on": occurred_on, "kind": kind},
    )
    return contact


# --- the daily run ----------------------------------------------------------------------------------------------


def contract_renewals_remind(*, today: datetime.date | None = None, notify: bool = True) -> dict:
    """Remind, once, the contracts to renew: each contract in force that ends within its type's renewal notice,
    not yet renewed nor reminded, is counted in an e-mail to the person's référent (to whoever signed it for the
    structure when the person has none), then marked `renewal_reminded_on`. Set-based: three queries and the
    e-mails."""
    from jalon.accounts.models import User

    today = today or timezone.localdate()
    assignment = (
        ReferentAssignment.objects.current().filter(person_id=OuterRef("notebook__person_id")).order_by("-started_on")
    )
    with transaction.atomic():
        due = list(
            Contract.objects.to_renew(today)
            .filter(renewal_reminded_on=None)
            .annotate(
                recipient_id=Coalesce(
                    Subquery(assignment.values("referent_id")[:1]), F("signed_by_id"), output_field=BigIntegerField()
                ),
                recipient_organisation_id=Coalesce(
                    Subquery(assignment.values("organisation_id")[:1]),
                    F("organisation_id"),
                    output_field=BigIntegerField(),
                ),
            )
            .values_list("pk", "recipient_id", "recipient_organisation_id", "notebook__person_id", "ends_on")
        )
        Contract.objects.filter(pk__in=[row[0] for row in due]).update(renewal_reminded_on=today)
        for _, recipient_id, organisation_id, person_id, ends_on in due:
            inbox_notify(
                recipient_ids=[recipient_id],
                organisation_id=organisation_id,
                kind=NotificationKind.CONTRACT_TO_RENEW,
                title=f"Contrat d'engagement à renouveler : il prend fin le {ends_on:%d/%m/%Y}",
                url=reverse("notebook:detail", args=[person_id]),
            )
        counts = Counter(row[1] for row in due if row[1] is not None)
        recipients = list(User.objects.filter(pk__in=counts, is_active=True).order_by("pk")) if notify else []
        transaction.on_commit(lambda: _renewal_digests_send(recipients, counts))
    return {"reminded": len(due), "notified": len(recipients)}


def _renewal_digests_send(recipients, counts: Counter) -> None:
    for user in recipients:
        count = counts[user.pk]
        contracts = f"{count} {plural(count, 'contrat')} d'engagement"
        digest_send(
            user=user,
            subject=f"Jalon — {contracts} à renouveler",
            intro=f"{contracts} de votre portefeuille {plural(count, 'arrive', 'arrivent')} à échéance sans "
            "contrat suivant : préparez le renouvellement avec la personne.",
            lines=[],
            url_name="notebook:caseload",
        )
