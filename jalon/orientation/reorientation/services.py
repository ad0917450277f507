"""Réorientation through the équipe pluridisciplinaire (EPL), and the new diagnosis of long-term beneficiaries."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, ensure_departement_staff
from jalon.core.services import audit_event_record
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify
from jalon.organisations.models import Membership
from jalon.orientation.delays.closing import delay_alerts_close_done
from jalon.orientation.delays.selectors import PLEIN_EMPLOI_IN_FORCE_ON
from jalon.orientation.enums import (
    DelayStep,
    JointDiagnosticExtension,
    JointDiagnosticOutcome,
    LongTermConsequence,
    LongTermTypology,
    OrientationType,
    PersonAgreement,
    ReorientationStatus,
)
from jalon.orientation.models import Dispositif, EplMeeting, LongTermReview, Orientation, ReorientationRequest
from jalon.orientation.reorientation.selectors import EPL_ROLES
from jalon.orientation.services import orientation_decide
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent
from jalon.territories.models import Commune


PENDING = (ReorientationStatus.REQUESTED, ReorientationStatus.SCHEDULED)
# The end reason written on the orientation a réorientation replaces (the history says why it ended).
END_REASON = "réorientation"
COMPLEX_CASES_NAME = "cas complexes"


def _occurred_at(day: date | None):
    """Back-dated events (history recorded after the fact, the demo) are dated at noon of their day."""
    if day is None or day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def _meeting_date(meeting: EplMeeting) -> date:
    return timezone.localdate(meeting.held_at)


def _label(meeting: EplMeeting) -> str:
    return date_format(timezone.localtime(meeting.held_at), "j F Y")


def _event(*, kind: str, request: ReorientationRequest, actor, data: dict, day: date | None = None) -> None:
    ChangeEvent.objects.create(
        kind=kind, person_id=request.person_id, actor=actor.user, data=data, occurred_at=_occurred_at(day)
    )


# --- Requests -------------------------------------------------------------------------------------------------


@transaction.atomic
def reorientation_request(
    *,
    actor,
    person,
    reason: str,
    requested_type: str = "",
    requested_dispositif=None,
    requested_by_person: bool = False,
    requested_on: date | None = None,
) -> ReorientationRequest:
    """A référent (or the person) asks for another orientation; the request waits for an EPL's agenda."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la demande de réorientation."})
    if requested_type and requested_type not in OrientationType.values:
        raise ValidationError({"requested_type": "Ce type d'orientation n'existe pas."})
    if requested_dispositif is not None and requested_dispositif.departement_id != person.departement_id:
        raise ValidationError(
            {"requested_dispositif": "Ce dispositif n'appartient pas au département de la personne."}
        )
    current = Orientation.objects.select_for_update().current().filter(person=person).first()
    if current is None:
        raise ValidationError(
            f"{person} n'a pas d'orientation en cours : orientez d'abord la personne (une réorientation change "
            "une orientation existante)."
        )
    pending = ReorientationRequest.objects.filter(person=person, status__in=PENDING).first()
    if pending is not None:
        raise ValidationError(
            f"Une demande de réorientation de {person} est déjà en cours (demandée le "
            f"{pending.requested_on:%d/%m/%Y}, {pending.get_status_display()}) : complétez-la ou retirez-la "
            "plutôt que d'en créer une seconde."
        )
    if requested_dispositif is not None and not requested_type:
        requested_type = requested_dispositif.orientation_type
    request = ReorientationRequest.objects.create(
        person=person,
        from_orientation=current,
        requested_on=requested_on or timezone.localdate(),
        requested_by=actor.user,
        requested_by_person=requested_by_person,
        reason=reason,
        requested_type=requested_type,
        requested_dispositif=requested_dispositif,
    )
    data = {
        "reason": reason,
        "requested_type": requested_type,
        "requested_dispositif": requested_dispositif.name if requested_dispositif else None,
        "requested_by_person": requested_by_person,
        "from_orientation": current.pk,
    }
    _event(kind=ChangeKind.REORIENTATION_REQUESTED, request=request, actor=actor, data=data, day=requested_on)
    audit_event_record(
        code=AuditCode.REORIENTATION_REQUESTED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=request,
        person_id=person.pk,
        new=data,
    )
    _decision_waiting_notify(person=person, exclude_user_id=actor.user.pk if actor.user else None)
    return request


def _decision_waiting_notify(*, person, exclude_user_id) -> None:
    """The Département's chargés d'orientation whose scope covers the person put the request on an EPL's agenda."""
    officers = (
        Membership.objects.active()
        .with_role(Role.ORIENTATION_OFFICER)
        .filter(organisation__kind__in=DEPARTEMENT_STAFF_KINDS, organisation__departement_id=person.departement_id)
        .filter(Q(territories=None) | Q(territories__communes=person.commune_id))
        .exclude(user_id=exclude_user_id)
        .values_list("organisation_id", "user_id")
        .distinct()
    )
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, user_id in officers:
        by_organisation.setdefault(organisation_id, []).append(user_id)
    url = reverse("orientation:epl_list")
    for organisation_id, user_ids in sorted(by_organisation.items()):
        notify(
            recipient_ids=user_ids,
            organisation_id=organisation_id,
            kind=NotificationKind.REORIENTATION_TO_DECIDE,
            title="Demande de réorientation à inscrire à l'ordre du jour d'une équipe pluridisciplinaire",
            url=url,
        )


@transaction.atomic
def reorientation_withdraw(*, actor, request: ReorientationRequest, reason: str) -> ReorientationRequest:
    """The request is given up (the person changed their mind, the situation changed): it leaves the agenda."""
    request = ReorientationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in PENDING:
        raise ValidationError(
            f"Cette demande est déjà {request.get_status_display()} : elle ne peut plus être retirée."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi la demande est retirée."})
    old = {"status": request.status, "epl_meeting": request.epl_meeting_id}
    request.status = ReorientationStatus.WITHDRAWN
    request.epl_meeting = None
    request.decision_reason = reason
    request.decided_on = timezone.localdate()
    request.decided_by = actor.user
    request.save(update_fields=["status", "epl_meeting", "decision_reason", "decided_on", "decided_by", "updated_at"])
    new = {"status": request.status, "reason": reason}
    _event(kind=ChangeKind.REORIENTATION_DECIDED, request=request, actor=actor, data=new)
    audit_event_record(
        code=AuditCode.REORIENTATION_DECIDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=request,
        person_id=request.person_id,
        old=old,
        new=new,
    )
    return request


# --- EPL meetings ---------------------------------------------------------------------------------------------


def _check_meeting(*, actor, departement_id, held_at, territory, members) -> None:
    if held_at is None:
        raise ValidationError({"held_at": "Indiquez la date et l'heure de l'équipe pluridisciplinaire."})
    if territory is not None and territory.departement_id != departement_id:
        raise ValidationError({"territory": "Ce territoire n'appartient pas à votre département."})
    if actor.territory_ids and (territory is None or territory.pk not in actor.territory_ids):
        raise ValidationError({"territory": "Choisissez l'un des territoires auxquels votre accès est limité."})
    members = list(members)
    if not members:
        raise ValidationError({"members": "Choisissez au moins un membre de l'équipe pluridisciplinaire."})
    active = set(
        Membership.objects.active()
        .filter(user__in=members, organisation__departement_id=departement_id)
        .values_list("user_id", flat=True)
    )
    for user in members:
        if user.pk not in active:
            raise ValidationError(
                {"members": f"{user.get_full_name()} n'est membre actif d'aucune structure du département."}
            )


def _check_not_closed(meeting: EplMeeting) -> None:
    if meeting.closed_at is not None:
        raise ValidationError(f"L'EPL du {_label(meeting)} est clôturée : elle ne peut plus être modifiée.")


@transaction.atomic
def epl_meeting_create(
    *, actor, held_at, place: str = "", territory=None, members=(), other_members: str = "", minutes: str = ""
) -> EplMeeting:
    ensure_departement_staff(actor, *EPL_ROLES)
    departement_id = actor.organisation.departement_id
    members = list(members)
    _check_meeting(actor=actor, departement_id=departement_id, held_at=held_at, territory=territory, members=members)
    meeting = EplMeeting.objects.create(
        departement_id=departement_id,
        territory=territory,
        organisation=actor.organisation,
        held_at=held_at,
        place=place,
        other_members=other_members,
        minutes=minutes,
    )
    meeting.members.set(members)
    audit_event_record(
        code=AuditCode.EPL_MEETING_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        new={"held_at": held_at, "place": place, "territory": territory, "members": [u.pk for u in members]},
    )
    return meeting


@transaction.atomic
def epl_meeting_update(
    *, actor, meeting: EplMeeting, held_at, place: str, territory, members, other_members: str, minutes: str
) -> EplMeeting:
    ensure_departement_staff(actor, *EPL_ROLES)
    meeting = EplMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_closed(meeting)
    members = list(members)
    _check_meeting(
        actor=actor, departement_id=meeting.departement_id, held_at=held_at, territory=territory, members=members
    )
    old = {
        "held_at": meeting.held_at,
        "place": meeting.place,
        "territory": meeting.territory_id,
        "members": sorted(meeting.members.values_list("pk", flat=True)),
        "other_members": meeting.other_members,
        "minutes": meeting.minutes,
    }
    meeting.held_at, meeting.place, meeting.territory = held_at, place, territory
    meeting.other_members, meeting.minutes = other_members, minutes
    meeting.save()
    meeting.members.set(members)
    new = {
        "held_at": held_at,
        "place": place,
        "territory": territory.pk if territory else None,
        "members": sorted(u.pk for u in members),
        "other_members": other_members,
        "minutes": minutes,
    }
    changed = [key for key in new if old[key] != new[key]]
    audit_event_record(
        code=AuditCode.EPL_MEETING_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        old={key: old[key] for key in changed},
        new={key: new[key] for key in changed},
    )
    return meeting


@transaction.atomic
def reorientation_schedule(
    *, actor, request: ReorientationRequest, meeting: EplMeeting, scheduled_on: date | None = None
) -> ReorientationRequest:
    """Put a pending request on the agenda of an EPL meeting of the person's département."""
    request = ReorientationRequest.objects.select_for_update(of=("self",)).select_related("person").get(pk=request.pk)
    if request.status != ReorientationStatus.REQUESTED:
        raise ValidationError(
            f"La demande de {request.person} est {request.get_status_display()} : seule une demande en attente "
            "peut être inscrite à l'ordre du jour."
        )
    # The meeting as it is now (it may have been closed since the screen was shown).
    meeting = EplMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_closed(meeting)
    if meeting.departement_id != request.person.departement_id:
        raise ValidationError(f"{request.person} ne relève pas du département de cette EPL.")
    if (
        meeting.territory_id
        and request.person.commune_id
        and not Commune.objects.filter(pk=request.person.commune_id, territories=meeting.territory_id).exists()
    ):
        raise ValidationError(f"{request.person} n'habite pas le territoire de cette EPL ({meeting.territory}).")
    request.status = ReorientationStatus.SCHEDULED
    request.epl_meeting = meeting
    request.scheduled_on = scheduled_on or timezone.localdate()
    request.save(update_fields=["status", "epl_meeting", "scheduled_on", "updated_at"])
    audit_event_record(
        code=AuditCode.EPL_MEETING_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=request,
        person_id=request.person_id,
        new={"status": request.status, "epl_meeting": meeting.pk, "scheduled_on": request.scheduled_on},
    )
    return request


@transaction.atomic
def epl_agenda_add(*, actor, meeting: EplMeeting, requests) -> int:
    """Several requests at once: all are put on the agenda, or none."""
    ensure_departement_staff(actor, *EPL_ROLES)
    requests = list(requests)
    if not requests:
        raise ValidationError({"requests": "Cochez au moins une demande à inscrire à l'ordre du jour."})
    for request in requests:
        reorientation_schedule(actor=actor, request=request, meeting=meeting)
    return len(requests)


@transaction.atomic
def reorientation_postpone(*, actor, request: ReorientationRequest) -> ReorientationRequest:
    """Take an undecided item off the agenda: the request waits for a later EPL."""
    ensure_departement_staff(actor, *EPL_ROLES)
    request = (
        ReorientationRequest.objects.select_for_update(of=("self",)).select_related("epl_meeting").get(pk=request.pk)
    )
    if request.status != ReorientationStatus.SCHEDULED:
        raise ValidationError("Seule une demande inscrite à l'ordre du jour et non décidée peut être reportée.")
    if request.epl_meeting is not None:
        _check_not_closed(request.epl_meeting)
    old = {"status": request.status, "epl_meeting": request.epl_meeting_id, "scheduled_on": request.scheduled_on}
    request.status, request.epl_meeting, request.scheduled_on = ReorientationStatus.REQUESTED, None, None
    request.save(update_fields=["status", "epl_meeting", "scheduled_on", "updated_at"])
    audit_event_record(
        code=AuditCode.EPL_MEETING_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=request,
        person_id=request.person_id,
        old=old,
        new={"status": request.status, "postponed": True},
    )
    return request


@transaction.atomic
def reorientation_decide(
    *,
    actor,
    request: ReorientationRequest,
    accepted: bool,
    decision_reason: str,
    orientation_type: str | None = None,
    organisation=None,
    referent=None,
    dispositif=None,
    person_chose_referent: bool = False,
    person_agreement: str = PersonAgreement.NOT_ASKED,
    person_comment: str = "",
    decided_on: date | None = None,
) -> ReorientationRequest:
    """The EPL's decision on an item of its agenda. Accepted: a new orientation (the current one ends with the
    reason "réorientation", the history is kept, the référent is named). Refused: the current orientation stays."""
    request = (
        ReorientationRequest.objects.select_for_update(of=("self",))
        .select_related("person", "epl_meeting")
        .get(pk=request.pk)
    )
    if request.status != ReorientationStatus.SCHEDULED or request.epl_meeting is None:
        if request.status == ReorientationStatus.REQUESTED:
            raise ValidationError(
                "Une réorientation se décide en équipe pluridisciplinaire : inscrivez d'abord la demande à l'ordre "
                "du jour d'une EPL."
            )
        raise ValidationError(f"Cette demande est déjà {request.get_status_display()}.")
    meeting = request.epl_meeting
    _check_not_closed(meeting)
    decision_reason = (decision_reason or "").strip()
    if not decision_reason:
        raise ValidationError({"decision_reason": "Indiquez le motif de la décision de l'équipe pluridisciplinaire."})
    decided_on = decided_on or _meeting_date(meeting)
    if decided_on > timezone.localdate():
        raise ValidationError(f"L'EPL du {_label(meeting)} n'a pas encore eu lieu : la décision se prend en séance.")
    new_orientation = None
    if accepted:
        if not orientation_type:
            raise ValidationError({"orientation_type": "Choisissez le type de la nouvelle orientation."})
        # Its own checks (référent member of the organisation, organisation carrying the dispositif) raise in
        # French; this transaction then writes nothing.
        new_orientation = orientation_decide(
            actor=actor,
            person=request.person,
            orientation_type=orientation_type,
            organisation=organisation,
            referent=referent,
            dispositif=dispositif,
            person_chose_referent=person_chose_referent,
            person_agreement=person_agreement,
            person_comment=person_comment,
            decided_on=decided_on,
            end_reason=END_REASON,
        )
    request.status = ReorientationStatus.ACCEPTED if accepted else ReorientationStatus.REFUSED
    request.decision_reason = decision_reason
    request.decided_on = decided_on
    request.decided_by = actor.user
    request.new_orientation = new_orientation
    request.save(
        update_fields=["status", "decision_reason", "decided_on", "decided_by", "new_orientation", "updated_at"]
    )
    data = {
        "status": request.status,
        "decision_reason": decision_reason,
        "epl_meeting": meeting.pk,
        "new_orientation": new_orientation.pk if new_orientation else None,
    }
    _event(kind=ChangeKind.REORIENTATION_DECIDED, request=request, actor=actor, data=data, day=decided_on)
    audit_event_record(
        code=AuditCode.REORIENTATION_DECIDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=request,
        person_id=request.person_id,
        new=data,
    )
    return request


@transaction.atomic
def epl_meeting_close(*, actor, meeting: EplMeeting, minutes: str, closed_at=None) -> EplMeeting:
    """Close the meeting with its minutes. Every item of the agenda is decided first, or postponed."""
    ensure_departement_staff(actor, *EPL_ROLES)
    meeting = EplMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_closed(meeting)
    if _meeting_date(meeting) > timezone.localdate():
        raise ValidationError(f"L'EPL du {_label(meeting)} n'a pas encore eu lieu : elle ne peut pas être clôturée.")
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": "Rédigez le compte rendu avant de clôturer l'EPL."})
    undecided = meeting.agenda.filter(status=ReorientationStatus.SCHEDULED).count()
    if undecided == 1:
        raise ValidationError(
            "1 demande de l'ordre du jour n'est pas décidée : décidez-la ou reportez-la à une prochaine EPL avant "
            "de clôturer."
        )
    if undecided:
        raise ValidationError(
            f"{undecided} demandes de l'ordre du jour ne sont pas décidées : décidez-les ou reportez-les à une "
            "prochaine EPL avant de clôturer."
        )
    old = {"minutes": meeting.minutes}
    meeting.minutes = minutes
    meeting.closed_at = closed_at or timezone.now()
    meeting.save(update_fields=["minutes", "closed_at", "updated_at"])
    audit_event_record(
        code=AuditCode.EPL_MEETING_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=meeting,
        old=old,
        new={"minutes": minutes, "closed_at": meeting.closed_at},
    )
    return meeting


# --- Long-term beneficiaries ----------------------------------------------------------------------------------


def complex_cases_dispositif(*, departement_id) -> Dispositif | None:
    return (
        Dispositif.objects.filter(departement_id=departement_id, is_active=True, name__icontains=COMPLEX_CASES_NAME)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def long_term_review_record(
    *,
    actor,
    person,
    typology: str,
    consequence: str,
    comment: str = "",
    reviewed_on: date | None = None,
) -> LongTermReview:
    """The new diagnosis of a long-term beneficiary, with the Landes typology. A consequence of réorientation or
    of référence « cas complexes » opens a réorientation request, linked to the review."""
    if typology not in LongTermTypology.values:
        raise ValidationError({"typology": "Choisissez la typologie (déçu, résigné, mobilisé ou autre)."})
    if consequence not in LongTermConsequence.values:
        raise ValidationError({"consequence": "Choisissez la suite donnée au diagnostic."})
    comment = (comment or "").strip()
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "La date du diagnostic ne peut pas être dans le futur."})
    request = None
    if consequence == LongTermConsequence.REORIENTATION:
        if not comment:
            raise ValidationError(
                {
                    "comment": "Indiquez dans le commentaire le motif de la réorientation : il devient celui de "
                    "la demande."
                }
            )
        request = reorientation_request(actor=actor, person=person, reason=comment, requested_on=reviewed_on)
    elif consequence == LongTermConsequence.COMPLEX_CASES:
        dispositif = complex_cases_dispositif(departement_id=person.departement_id)
        reason = comment or "Diagnostic longue durée : référence « cas complexes » proposée."
        request = reorientation_request(
            actor=actor,
            person=person,
            reason=reason,
            requested_type=dispositif.orientation_type if dispositif else "",
            requested_dispositif=dispositif,
            requested_on=reviewed_on,
        )
    review = LongTermReview.objects.create(
        person=person,
        reviewed_on=reviewed_on,
        reviewed_by=actor.user,
        typology=typology,
        consequence=consequence,
        comment=comment,
        reorientation_request=request,
    )
    audit_event_record(
        code=AuditCode.LONG_TERM_REVIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=review,
        person_id=person.pk,
        new={
            "typology": typology,
            "consequence": consequence,
            "reviewed_on": reviewed_on,
            "reorientation_request": request.pk if request else None,
        },
    )
    return review


@transaction.atomic
def long_term_review_bulk_record(*, actor_label: str, reviews: list[dict]) -> int:
    """Record past diagnoses in bulk (a Département's history, the demo), with one audit event for the batch.
    Each review: person_id, reviewed_on, typology, consequence, comment, reorientation_request_id."""
    for review in reviews:
        if (
            review["typology"] not in LongTermTypology.values
            or review["consequence"] not in LongTermConsequence.values
        ):
            raise ValidationError(f"Diagnostic invalide pour la personne {review['person_id']}.")
    LongTermReview.objects.bulk_create(
        [
            LongTermReview(
                person_id=review["person_id"],
                reviewed_on=review["reviewed_on"],
                reviewed_by_id=review.get("reviewed_by_id"),
                typology=review["typology"],
                consequence=review["consequence"],
                comment=review.get("comment", ""),
                reorientation_request_id=review.get("reorientation_request_id"),
            )
            for review in reviews
        ],
        batch_size=2000,
    )
    audit_event_record(code=AuditCode.LONG_TERM_REVIEWED, actor_label=actor_label, extra={"count": len(reviews)})
    return len(reviews)


# --- The joint diagnostic of the social path (art. L. 262-31 and D. 262-65-2-1 CASF) ------------------------------


def _social_orientation_for_update(person) -> Orientation:
    current = Orientation.objects.select_for_update().current().filter(person=person).first()
    if current is None or current.orientation_type != OrientationType.SOCIAL:
        raise ValidationError(
            f"{person} n'est pas orienté(e) vers un parcours social : le diagnostic conjoint ne concerne que ce "
            "parcours."
        )
    if current.decided_on < PLEIN_EMPLOI_IN_FORCE_ON:
        raise ValidationError(
            "Cette orientation sociale date d'avant le 1er janvier 2025 : le diagnostic conjoint s'applique aux "
            "orientations décidées depuis l'entrée en vigueur de la loi pour le plein emploi."
        )
    return current


@transaction.atomic
def joint_diagnostic_extend(*, actor, person, reason: str) -> Orientation:
    """Bring the joint diagnostic from six to twelve months for a person in particular difficulty."""
    if reason not in JointDiagnosticExtension.values:
        raise ValidationError({"reason": "Choisissez la difficulté qui justifie de porter le délai à douze mois."})
    current = _social_orientation_for_update(person)
    if current.joint_diagnostic_on is not None:
        raise ValidationError(
            f"Le diagnostic conjoint a déjà eu lieu le {current.joint_diagnostic_on:%d/%m/%Y} : il n'y a plus de "
            "délai à prolonger."
        )
    old = current.joint_diagnostic_extension
    current.joint_diagnostic_extension = reason
    current.save(update_fields=["joint_diagnostic_extension", "updated_at"])
    audit_event_record(
        code=AuditCode.JOINT_DIAGNOSTIC_EXTENDED,
        actor=actor.user,
        organisation=actor.organisation,
        person_id=person.pk,
        subject=current,
        old={"joint_diagnostic_extension": old},
        new={"joint_diagnostic_extension": reason},
    )
    return current


@transaction.atomic
def joint_diagnostic_record(
    *, actor, person, held_on: date, outcome: str, comment: str = ""
) -> tuple[Orientation, ReorientationRequest | None]:
    """The joint diagnostic of France Travail and the organisme référent for a person in the social path. When it
    proposes a professional or socio-professional path, a réorientation request is opened for the EPL (its reason
    is the comment)."""
    if outcome not in JointDiagnosticOutcome.values:
        raise ValidationError({"outcome": "Choisissez la suite donnée au diagnostic conjoint."})
    if held_on is None or held_on > timezone.localdate():
        raise ValidationError({"held_on": "La date du diagnostic conjoint ne peut pas être dans le futur."})
    comment = (comment or "").strip()
    current = _social_orientation_for_update(person)
    if held_on < current.decided_on:
        raise ValidationError(
            {"held_on": f"Le diagnostic conjoint ne peut pas précéder l'orientation du {current.decided_on:%d/%m/%Y}."}
        )
    if current.joint_diagnostic_on is not None:
        raise ValidationError(
            f"Le diagnostic conjoint est déjà enregistré (le {current.joint_diagnostic_on:%d/%m/%Y})."
        )
    request = None
    if outcome == JointDiagnosticOutcome.REORIENTATION:
        if not comment:
            raise ValidationError(
                {
                    "comment": "Indiquez ce que le diagnostic a montré : ce sera le motif de la demande de "
                    "réorientation."
                }
            )
        request = reorientation_request(
            actor=actor,
            person=person,
            reason=f"Diagnostic conjoint du {held_on:%d/%m/%Y} : {comment}",
            requested_on=held_on,
        )
    current.joint_diagnostic_on, current.joint_diagnostic_outcome = held_on, outcome
    current.save(update_fields=["joint_diagnostic_on", "joint_diagnostic_outcome", "updated_at"])
    delay_alerts_close_done(person_ids=[person.pk], step=DelayStep.JOINT_DIAGNOSTIC)
    audit_event_record(
        code=AuditCode.JOINT_DIAGNOSTIC_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        person_id=person.pk,
        subject=current,
        new={"joint_diagnostic_on": held_on, "joint_diagnostic_outcome": outcome, "comment": comment},
    )
    return current, request
