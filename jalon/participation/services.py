"""Writes of the users' participation bodies. Each checks who acts (404 otherwise), refuses bad input in French
with nothing written, and writes its audit event."""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.core.uploads import check_upload
from jalon.participation import access
from jalon.participation.enums import (
    AttendanceStatus,
    BodyKind,
    ConsentChannel,
    ExpenseNature,
    ProposalStatus,
    Seat,
)
from jalon.participation.models import Attendance, Body, EplAttendance, Expense, Meeting, Member, Proposal


# A meeting is planned at most this far ahead: further is a typing error (2062 for 2026).
MAX_PLANNED_AHEAD = timedelta(days=2 * 366)
# A term longer than this is not a mandate any more; the Département renews it instead.
MAX_TERM = timedelta(days=3 * 366)
MINUTES_FORMATS = (".pdf", ".odt", ".docx")
MINUTES_FORMATS_LABEL = "PDF, ODT ou DOCX"


def _check(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _audit(actor: Actor, code: AuditCode, subject, **data) -> None:
    audit_event_record(code=code, actor=actor.user, organisation=actor.organisation, subject=subject, **data)


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise Http404(NOT_FOUND_MESSAGE)


# -- bodies -------------------------------------------------------------------------------------------------------


@transaction.atomic
def body_create(*, actor: Actor, kind: str, organisation, name: str, territory=None, description: str = "") -> Body:
    _ensure(access.may_edit_any(actor))
    departement_id = actor.departement_code
    errors = {}
    name = (name or "").strip()
    if kind not in BodyKind.values:
        errors["kind"] = "Choisissez un comité consultatif des usagers ou les sièges des usagers à l'EPL."
    if organisation is None or organisation.departement_id != departement_id:
        errors["organisation"] = "Choisissez un service du Département."
    elif kind == BodyKind.COMMITTEE and organisation.kind != "sdsei":
        errors["organisation"] = "Un comité consultatif des usagers se tient dans un SDSEI : choisissez-en un."
    elif kind == BodyKind.COMMITTEE and Body.objects.committees().filter(organisation=organisation).exists():
        errors["organisation"] = f"{organisation} a déjà son comité consultatif des usagers."
    if territory is not None and territory.departement_id != departement_id:
        errors["territory"] = "Choisissez un territoire du Département."
    if not name:
        errors["name"] = "Donnez un nom à l'instance."
    elif Body.objects.filter(departement_id=departement_id, name__iexact=name).exists():
        errors["name"] = "Une instance porte déjà ce nom dans le Département."
    _check(errors)
    body = Body.objects.create(
        departement_id=departement_id,
        kind=kind,
        organisation=organisation,
        territory=territory,
        name=name,
        description=description,
        created_by=actor.user,
    )
    _audit(actor, AuditCode.PARTICIPATION_BODY_CREATED, body, new={"kind": kind, "name": name})
    return body


# -- members ------------------------------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    body: Body,
    person,
    seat: str,
    consent_on: date | None,
    consent_channel: str,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
) -> Member:
    """Seats a volunteer. Without their consent (its date and how it was given) nobody is seated."""
    _ensure(access.may_edit(actor, body))
    errors = {}
    if person is None or person.departement_id != body.departement_id or person.merged_into_id is not None:
        errors["person"] = "Choisissez une personne suivie par le Département."
    elif not person.household_links.exists():
        errors["person"] = (
            "Seule une personne allocataire du RSA, aujourd'hui ou par le passé, siège comme usager : "
            "cette personne n'est rattachée à aucun foyer du RSA."
        )
    if seat not in Seat.values:
        errors["seat"] = "Indiquez si la personne est titulaire ou suppléante."
    if consent_on is None:
        errors["consent_on"] = (
            "Le consentement de la personne est obligatoire : indiquez la date à laquelle elle l'a donné."
        )
    elif consent_on > today:
        errors["consent_on"] = "Le consentement ne peut pas être daté de demain ou après."
    if consent_channel not in ConsentChannel.values:
        errors["consent_channel"] = "Indiquez comment le consentement a été recueilli."
    if starts_on is None:
        errors["starts_on"] = "Indiquez le début du mandat."
    if ends_on is None:
        errors["ends_on"] = "Indiquez la fin du mandat."
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "La fin du mandat précède son début."
        elif ends_on - starts_on > MAX_TERM:
            errors["ends_on"] = "Un mandat dure au plus trois ans : il se renouvelle ensuite."
        if consent_on and consent_on > starts_on and "consent_on" not in errors:
            errors["consent_on"] = "Le consentement doit être recueilli avant le début du mandat."
    if not errors and (
        body.members.filter(person=person, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(left_on__lte=starts_on)
        .exists()
    ):
        errors["person"] = "Cette personne siège déjà dans cette instance sur cette période."
    _check(errors)
    member = Member.objects.create(
        body=body,
        person=person,
        seat=seat,
        consent_on=consent_on,
        consent_channel=consent_channel,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user,
    )
    _audit(
        actor,
        AuditCode.PARTICIPATION_MEMBER_ADDED,
        member,
        person_id=person.pk,
        new={
            "body": body.pk,
            "seat": seat,
            "consent_on": consent_on,
            "consent_channel": consent_channel,
            "term": [starts_on, ends_on],
        },
    )
    return member


@transaction.atomic
def member_leave(*, actor: Actor, member: Member, left_on: date | None, reason: str, today: date) -> Member:
    """A member leaves before the end of the term (withdrawn consent, moved, found a job…)."""
    _ensure(access.may_edit(actor, member.body))
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors = {}
    if member.left_on:
        errors["left_on"] = f"Ce membre a déjà quitté l'instance le {member.left_on:%d/%m/%Y}."
    elif left_on is None:
        errors["left_on"] = "Indiquez la date du départ."
    elif left_on > today:
        errors["left_on"] = "Le départ s'enregistre une fois survenu."
    elif left_on < member.starts_on:
        errors["left_on"] = "Le départ ne peut précéder le début du mandat."
    if not (reason or "").strip():
        errors["reason"] = "Indiquez le motif du départ."
    _check(errors)
    member.left_on, member.left_reason = left_on, reason.strip()
    member.save(update_fields=["left_on", "left_reason", "updated_at"])
    _audit(
        actor,
        AuditCode.PARTICIPATION_MEMBER_LEFT,
        member,
        person_id=member.person_id,
        new={"left_on": left_on, "reason": member.left_reason},
    )
    return member


# -- meetings, attendance, expenses -----------------------------------------------------------------------------


def _check_minutes_file(file: UploadedFile | None) -> None:
    if file is not None:
        check_upload(
            file,
            field="minutes_file",
            name="Le compte rendu",
            accepted=MINUTES_FORMATS,
            accepted_label=MINUTES_FORMATS_LABEL,
            accepted_as=" comme compte rendu",
        )


@transaction.atomic
def meeting_save(
    *,
    actor: Actor,
    body: Body,
    held_at: datetime | None,
    place: str,
    agenda: str,
    minutes: str = "",
    minutes_file: UploadedFile | None = None,
    meeting: Meeting | None = None,
    now: datetime,
) -> Meeting:
    """Plans a meeting of a committee or updates it (its minutes once held)."""
    _ensure(body.is_committee and access.may_run(actor, body))
    errors = {}
    if held_at is None:
        errors["held_at"] = "Indiquez la date et l'heure de la réunion."
    elif held_at > now + MAX_PLANNED_AHEAD:
        errors["held_at"] = "Une réunion se prévoit au plus deux ans à l'avance : vérifiez l'année."
    elif (minutes.strip() or minutes_file) and held_at > now:
        errors["minutes"] = "Le compte rendu se dépose une fois la réunion tenue."
    if not (place or "").strip():
        errors["place"] = "Indiquez le lieu de la réunion."
    if not [line for line in (agenda or "").splitlines() if line.strip()]:
        errors["agenda"] = "L'ordre du jour compte au moins un point."
    if meeting is not None and held_at and held_at > now and meeting.attendances.exists():
        errors["held_at"] = "Des présences sont déjà relevées : la réunion ne peut pas être reportée dans le futur."
    _check(errors)
    _check_minutes_file(minutes_file)
    old = None
    if meeting is None:
        meeting = Meeting(body=body, created_by=actor.user)
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, body=body)
        old = {"held_at": meeting.held_at, "place": meeting.place, "minutes": bool(meeting.minutes)}
    meeting.held_at, meeting.place, meeting.agenda, meeting.minutes = held_at, place.strip(), agenda.strip(), minutes
    if minutes_file is not None:
        meeting.minutes_name = Path(minutes_file.name or "compte-rendu").name[:255]
        meeting.minutes_file.save(
            f"comite-{body.pk}-{held_at:%Y%m%d}{Path(minutes_file.name or '').suffix.lower()}",
            minutes_file,
            save=False,
        )
    meeting.save()
    _audit(
        actor,
        AuditCode.PARTICIPATION_MEETING_SAVED,
        meeting,
        old=old,
        new={"held_at": held_at, "place": meeting.place, "minutes": bool(minutes), "file": meeting.minutes_name},
    )
    return meeting


def _check_attendance(statuses: dict, members: dict, day: date, when, now) -> dict:
    errors = {}
    if when > now:
        errors["statuses"] = "Les présences se relèvent une fois la réunion tenue."
    unknown = [pk for pk in statuses if pk not in members]
    if unknown:
        errors["statuses"] = "Seuls les membres en fonction à la date de la réunion y sont attendus."
    if any(status not in AttendanceStatus.values for status in statuses.values()):
        errors["statuses"] = "Chaque membre est présent, excusé ou absent."
    if not statuses:
        errors["statuses"] = "Indiquez la présence d'au moins un membre."
    return errors


@transaction.atomic
def attendance_record(*, actor: Actor, meeting: Meeting, statuses: dict, now: datetime) -> int:
    """Records each member's attendance (`statuses`: member pk → présent / excusé / absent); again to correct."""
    _ensure(access.may_run(actor, meeting.body))
    members = {m.pk: m for m in meeting.body.members.in_office(meeting.day)}
    _check(_check_attendance(statuses, members, meeting.day, meeting.held_at, now))
    existing = {a.member_id: a for a in meeting.attendances.select_for_update()}
    dropped = [
        pk for pk, a in existing.items() if statuses.get(pk) != AttendanceStatus.PRESENT and a.status == "present"
    ]
    if dropped and meeting.expenses.filter(member_id__in=dropped).exists():
        raise ValidationError(
            {"statuses": "Un membre marqué absent ou excusé a des frais sur cette réunion : supprimez-les d'abord."}
        )
    for pk, status in statuses.items():
        Attendance.objects.update_or_create(meeting=meeting, member_id=pk, defaults={"status": status})
    _audit(
        actor,
        AuditCode.PARTICIPATION_ATTENDANCE_RECORDED,
        meeting,
        new={"statuses": {str(pk): status for pk, status in statuses.items()}},
        extra={"persons": [members[pk].person_id for pk in statuses]},
    )
    return len(statuses)


@transaction.atomic
def expense_record(
    *,
    actor: Actor,
    meeting: Meeting,
    member: Member | None,
    nature: str,
    amount,
    paid_on: date | None,
    today: date,
) -> Expense:
    """A participant's expense or allowance for a meeting they attended."""
    _ensure(access.may_run(actor, meeting.body))
    errors = {}
    try:
        amount = Decimal(str(amount)) if amount not in (None, "") else None
    except InvalidOperation:
        amount = None
        errors["amount"] = "Indiquez un montant en euros."
    if member is None or member.body_id != meeting.body_id:
        errors["member"] = "Choisissez un membre de ce comité."
    elif not meeting.attendances.filter(member=member, status=AttendanceStatus.PRESENT).exists():
        errors["member"] = "Seul un membre présent à la réunion reçoit des frais ou une indemnité pour elle."
    if nature not in ExpenseNature.values:
        errors["nature"] = "Choisissez la nature : transport, repas, garde d'enfant ou indemnité."
    if "amount" not in errors:
        if amount is None:
            errors["amount"] = "Indiquez le montant."
        elif amount <= 0:
            errors["amount"] = "Le montant doit être positif."
        elif amount >= Decimal("10000"):
            errors["amount"] = "Le montant dépasse 10 000 € : vérifiez la saisie."
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = "Le montant a au plus deux décimales (les centimes)."
    if paid_on is not None and (paid_on < meeting.day or paid_on > today):
        errors["paid_on"] = "Le paiement se date entre la réunion et aujourd'hui."
    _check(errors)
    expense = Expense.objects.create(
        meeting=meeting, member=member, nature=nature, amount=amount, paid_on=paid_on, recorded_by=actor.user
    )
    _audit(
        actor,
        AuditCode.PARTICIPATION_EXPENSE_RECORDED,
        expense,
        person_id=member.person_id,
        new={"meeting": meeting.pk, "nature": nature, "amount": str(amount), "paid_on": paid_on},
    )
    return expense


# -- proposals ----------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_record(
    *,
    actor: Actor,
    body: Body,
    title: str,
    description: str = "",
    made_at: Meeting | None,
    made_on: date | None,
    today: date,
) -> Proposal:
    """A proposal the committee made, at one of its meetings or between them."""
    _ensure(body.is_committee and access.may_run(actor, body))
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Résumez la proposition en une phrase."
    if made_at is not None:
        if made_at.body_id != body.pk:
            errors["made_at"] = "Choisissez une réunion de ce comité."
        elif made_at.day > today:
            errors["made_at"] = "Une proposition se note à une réunion déjà tenue."
        made_on = made_on or (made_at.day if made_at.body_id == body.pk else None)
    if made_on is None:
        errors.setdefault("made_on", "Indiquez la date de la proposition.")
    elif made_on > today:
        errors["made_on"] = "Une proposition ne peut pas être datée de demain ou après."
    _check(errors)
    proposal = Proposal.objects.create(
        body=body,
        title=title.strip(),
        description=description,
        made_at=made_at,
        made_on=made_on,
        created_by=actor.user,
    )
    _audit(actor, AuditCode.PARTICIPATION_PROPOSAL_RECORDED, proposal, new={"title": proposal.title})
    return proposal


@transaction.atomic
def proposal_answer(
    *,
    actor: Actor,
    proposal: Proposal,
    status: str,
    answer: str,
    refusal_reason: str = "",
    shown_back_at: Meeting | None = None,
    today: date,
) -> Proposal:
    """What the Département made of a proposal; a refusal says why. `shown_back_at` is the committee meeting where
    the answer was presented to the committee."""
    _ensure(access.may_edit(actor, proposal.body))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    errors = {}
    answer, refusal_reason = (answer or "").strip(), (refusal_reason or "").strip()
    if status not in ProposalStatus.values:
        errors["status"] = "Choisissez la suite donnée."
    elif status == ProposalStatus.REFUSED and not refusal_reason:
        errors["refusal_reason"] = "Un refus se motive : indiquez pourquoi la proposition n'est pas retenue."
    elif status != ProposalStatus.STUDY and not answer:
        errors["answer"] = "Rédigez la réponse apportée au comité."
    if shown_back_at is not None:
        if shown_back_at.body_id != proposal.body_id:
            errors["shown_back_at"] = "Choisissez une réunion de ce comité."
        elif shown_back_at.day < proposal.made_on:
            errors["shown_back_at"] = "La réponse se présente à une réunion postérieure à la proposition."
        elif status == ProposalStatus.STUDY:
            errors["shown_back_at"] = "Seule une réponse se présente au comité : choisissez d'abord la suite donnée."
    _check(errors)
    old = {"status": proposal.status, "answer": proposal.answer, "shown_back_at": proposal.shown_back_at_id}
    proposal.status, proposal.answer = status, answer
    proposal.refusal_reason = refusal_reason if status == ProposalStatus.REFUSED else ""
    proposal.shown_back_at = shown_back_at
    if status != ProposalStatus.STUDY and (old["status"] != status or proposal.answered_on is None):
        proposal.answered_on = today
    proposal.save()
    _audit(
        actor,
        AuditCode.PARTICIPATION_PROPOSAL_ANSWERED,
        proposal,
        old=old,
        new={"status": status, "answer": answer, "refusal_reason": refusal_reason, "shown_back_at": shown_back_at},
    )
    return proposal


# -- users at the EPL ---------------------------------------------------------------------------------------------


def epl_meetings(body: Body):
    """The EPL meetings where the body's users sit: those of its Département (and of its territory, if set)."""
    from jalon.orientation.models import EplMeeting

    meetings = EplMeeting.objects.filter(departement_id=body.departement_id)
    return meetings.filter(territory=body.territory) if body.territory_id else meetings


@transaction.atomic
def epl_attendance_record(*, actor: Actor, body: Body, epl_meeting, statuses: dict, now: datetime) -> int:
    _ensure(body.kind == BodyKind.EPL and access.may_run(actor, body))
    if not epl_meetings(body).filter(pk=epl_meeting.pk).exists():
        raise ValidationError({"epl_meeting": "Choisissez une réunion de cette équipe pluridisciplinaire."})
    day = timezone.localtime(epl_meeting.held_at).date()
    members = {m.pk: m for m in body.members.in_office(day)}
    _check(_check_attendance(statuses, members, day, epl_meeting.held_at, now))
    for pk, status in statuses.items():
        EplAttendance.objects.update_or_create(epl_meeting=epl_meeting, member_id=pk, defaults={"status": status})
    _audit(
        actor,
        AuditCode.PARTICIPATION_EPL_ATTENDANCE_RECORDED,
        body,
        new={"epl_meeting": epl_meeting.pk, "statuses": {str(pk): s for pk, s in statuses.items()}},
        extra={"persons": [members[pk].person_id for pk in statuses]},
    )
    return len(statuses)


# -- feeding the observatory ---------------------------------------------------------------------------------------

# The catalogue's indicators of the users' participation, with what fills each from `participation_counts`.
COUNTED_INDICATORS = {
    "J50": ("usagers membres des comités", "committee_members"),
    "J51": ("réunions tenues", "committee_meetings"),
    "J52": ("propositions suivies d'effet", "proposals_taken_up"),
    "J53": ("usagers siégeant à l'EPL", "epl_users"),
}


def participation_counts_report(*, actor: Actor, year: int, today: date) -> list:
    """Writes the year's counts into the observatory as drafts of its entered indicators J50–J53: the observatory's
    own rules apply (who enters, which periods, validation by a pilot), and nothing is written when one refuses."""
    from jalon.observatory.entered.services import entered_value_save
    from jalon.observatory.enums import PeriodKind, TerritoryLevel
    from jalon.observatory.models import Indicator
    from jalon.observatory.periods import period_of
    from jalon.participation.selectors import participation_counts

    _ensure(access.may_report(actor))
    if not isinstance(year, int) or not 2000 <= year < today.year:
        raise ValidationError(
            {"year": f"Choisissez une année terminée (avant {today.year}) : l'observatoire reçoit une année close."}
        )
    counts = participation_counts(departement_id=actor.departement_code, year=year)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=COUNTED_INDICATORS)}
    period = period_of(PeriodKind.YEAR, date(year, 1, 1))
    with transaction.atomic():
        entries = [
            entered_value_save(
                actor=actor,
                indicator=indicators[code],
                period=period,
                territory_level=TerritoryLevel.DEPARTEMENT,
                territory_code=actor.departement_code,
                value=float(counts[key]),
                comment=f"Compté dans la participation des usagers ({label}, {year}).",
                submit=False,
                today=today,
            )
            for code, (label, key) in COUNTED_INDICATORS.items()
            if code in indicators
        ]
        _audit(actor, AuditCode.PARTICIPATION_COUNTS_REPORTED, None, new={"year": year, **counts})
    return entries
