from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import ensure_departement_staff
from jalon.core.services import audit_event_record, model_update
from jalon.orientation.enums import Attendance, OrientationType
from jalon.orientation.interviews.defaults import DEFAULT_CRITERIA, LEGAL_REFERENCE
from jalon.orientation.interviews.engine import (
    clean_obstacles,
    criterion_value_clean,
    orientation_proposal,
    plain_text,
)
from jalon.orientation.models import Dispositif, Interview, OrientationCriterion


CRITERION_FIELDS = ["condition", "value", "proposed_type", "proposed_dispositif", "weight", "reason"]
MAX_WEIGHT = 100


def _criterion_clean(*, departement_id, data: dict) -> dict:
    """The criterion's fields checked and normalised; a French ValidationError on the faulty field."""
    cleaned = {name: data.get(name) for name in CRITERION_FIELDS}
    cleaned["value"] = criterion_value_clean(cleaned["condition"] or "", cleaned["value"] or "")
    if cleaned["proposed_type"] not in OrientationType.values:
        raise ValidationError({"proposed_type": "Choisissez le type d'orientation vers lequel ce critère oriente."})
    dispositif = cleaned["proposed_dispositif"]
    if dispositif is not None:
        if dispositif.departement_id != departement_id:
            raise ValidationError({"proposed_dispositif": "Ce dispositif n'appartient pas à votre département."})
        if not dispositif.is_active:
            raise ValidationError({"proposed_dispositif": f"Le dispositif « {dispositif} » n'est plus actif."})
        if dispositif.orientation_type != cleaned["proposed_type"]:
            raise ValidationError(
                {
                    "proposed_dispositif": f"Le dispositif « {dispositif} » relève d'une orientation "
                    f"{dispositif.get_orientation_type_display()}, pas "
                    f"{OrientationType(cleaned['proposed_type']).label}."
                }
            )
    weight = cleaned["weight"]
    if not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
        raise ValidationError({"weight": f"Le poids doit être un nombre entier entre 1 et {MAX_WEIGHT}."})
    cleaned["reason"] = (cleaned["reason"] or "").strip()
    if not cleaned["reason"]:
        raise ValidationError({"reason": "Indiquez le motif affiché au professionnel (« proposé car : … »)."})
    return cleaned


def _audit_criteria(*, actor, subject=None, old=None, new=None, extra=None, actor_label: str = "") -> None:
    audit_event_record(
        code=AuditCode.CRITERIA_CHANGED,
        actor=actor.user if actor else None,
        actor_label=actor_label,
        organisation=actor.organisation if actor else None,
        subject=subject,
        old=old,
        new=new,
        extra=extra,
    )


@transaction.atomic
def criterion_create(*, actor, departement, data: dict) -> OrientationCriterion:
    """Add a criterion at the end of the Département's list."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    cleaned = _criterion_clean(departement_id=departement.pk, data=data)
    last = OrientationCriterion.objects.filter(departement=departement).aggregate(last=Max("position"))["last"]
    criterion = OrientationCriterion(departement=departement, position=(last or 0) + 1, **cleaned)
    criterion.full_clean()
    criterion.save()
    _audit_criteria(actor=actor, subject=criterion, new={**cleaned, "position": criterion.position})
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: OrientationCriterion, data: dict) -> OrientationCriterion:
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    cleaned = _criterion_clean(departement_id=criterion.departement_id, data=data)
    old, new = model_update(instance=criterion, fields=CRITERION_FIELDS, data=cleaned)
    if new:
        _audit_criteria(actor=actor, subject=criterion, old=old, new=new)
    return criterion


@transaction.atomic
def criterion_set_active(*, actor, criterion: OrientationCriterion, is_active: bool) -> OrientationCriterion:
    """Deactivate (or reactivate) a criterion: it stays in the list, the proposal ignores it."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    old, new = model_update(instance=criterion, fields=["is_active"], data={"is_active": is_active})
    if new:
        _audit_criteria(actor=actor, subject=criterion, old=old, new=new)
    return criterion


@transaction.atomic
def criterion_move(*, actor, criterion: OrientationCriterion, direction: str) -> OrientationCriterion:
    """Swap a criterion with its neighbour. The order breaks ties between types, so it is audited too. The
    positions are renumbered 1…n on the way, whatever gaps or duplicates they had."""
    ensure_departement_staff(actor, Role.ADMINISTRATOR)
    if direction not in ("up", "down"):
        raise ValidationError("Sens de déplacement inconnu.")
    ordered = list(
        OrientationCriterion.objects.select_for_update()
        .filter(departement_id=criterion.departement_id)
        .order_by("position", "id")
    )
    index = next(i for i, item in enumerate(ordered) if item.pk == criterion.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        raise ValidationError(
            "Ce critère est déjà le premier." if direction == "up" else "Ce critère est déjà le dernier."
        )
    ordered[index], ordered[other] = ordered[other], ordered[index]
    old_position = criterion.position
    changed = []
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    OrientationCriterion.objects.bulk_update(changed, ["position"])
    criterion.position = other + 1
    _audit_criteria(actor=actor, subject=criterion, old={"position": old_position}, new={"position": other + 1})
    return criterion


def _default_dispositif(dispositifs: list[Dispositif], keyword: str, orientation_type: str) -> Dispositif | None:
    if not keyword:
        return None
    for dispositif in dispositifs:
        if dispositif.orientation_type == orientation_type and plain_text(keyword) in plain_text(dispositif.name):
            return dispositif
    return None


@transaction.atomic
def criteria_default_create(*, departement, actor=None) -> list[OrientationCriterion]:
    """Give a Département without criteria the default set (see defaults.py), linked to its dispositifs when it
    has matching ones. Does nothing when it already has criteria, active or not: they are its own."""
    if OrientationCriterion.objects.filter(departement=departement).exists():
        return []
    dispositifs = list(Dispositif.objects.filter(departement=departement, is_active=True).order_by("name"))
    criteria = [
        OrientationCriterion(
            departement=departement,
            position=position,
            condition=spec.condition,
            value=spec.value,
            proposed_type=spec.proposed_type,
            proposed_dispositif=_default_dispositif(dispositifs, spec.dispositif_keyword, spec.proposed_type),
            weight=spec.weight,
            reason=spec.reason,
        )
        for position, spec in enumerate(DEFAULT_CRITERIA, start=1)
    ]
    OrientationCriterion.objects.bulk_create(criteria)
    _audit_criteria(
        actor=actor,
        actor_label="" if actor else "critères par défaut",
        extra={"departement": departement.pk, "default_criteria_created": len(criteria)},
    )
    return criteria


def _criterion_key(condition: str, value: str, proposed_type: str, reason: str) -> tuple[str, str, str, str]:
    return (condition, value or "", proposed_type, reason)


@transaction.atomic
def criteria_national_load(*, departement, actor=None) -> dict[str, int]:
    """Load the national criteria (arrêté du 21 novembre 2024, see defaults.py) as the Département's active set:
    its current active criteria are deactivated (kept in the list, so that it can reactivate the ones it wants)
    and the national ones added after them, linked to its dispositifs. Does nothing when every national criterion
    is already there and active: a re-run changes nothing. One audit event says what changed."""
    if actor is not None:
        ensure_departement_staff(actor, Role.ADMINISTRATOR)
    existing = list(OrientationCriterion.objects.select_for_update().filter(departement=departement))
    national = {_criterion_key(s.condition, s.value, s.proposed_type, s.reason) for s in DEFAULT_CRITERIA}
    active = {_criterion_key(c.condition, c.value, c.proposed_type, c.reason) for c in existing if c.is_active}
    if national <= active:
        return {"created": 0, "deactivated": 0}
    deactivated = [c for c in existing if c.is_active]
    for criterion in deactivated:
        criterion.is_active = False
    OrientationCriterion.objects.bulk_update(deactivated, ["is_active"])
    last = max((c.position for c in existing), default=0)
    dispositifs = list(Dispositif.objects.filter(departement=departement, is_active=True).order_by("name"))
    created = OrientationCriterion.objects.bulk_create(
        [
            OrientationCriterion(
                departement=departement,
                position=last + position,
                condition=spec.condition,
                value=spec.value,
                proposed_type=spec.proposed_type,
                proposed_dispositif=_default_dispositif(dispositifs, spec.dispositif_keyword, spec.proposed_type),
                weight=spec.weight,
                reason=spec.reason,
            )
            for position, spec in enumerate(DEFAULT_CRITERIA, start=1)
        ]
    )
    _audit_criteria(
        actor=actor,
        actor_label="" if actor else "critères nationaux",
        extra={
            "departement": departement.pk,
            "national_criteria_created": len(created),
            "criteria_deactivated": [c.pk for c in deactivated],
            "reference": LEGAL_REFERENCE,
        },
    )
    return {"created": len(created), "deactivated": len(deactivated)}


def interview_participant_check(*, person, participant) -> None:
    """Refuse, in French, a participation an interview can not be attached to: another person's, a cancelled
    session's, or one where the person is marked absent or excused. The screen also calls it before the
    interview is filled, so that the professional knows at once."""
    if participant.person_id != person.pk:
        raise ValidationError("Cette participation à une séance concerne une autre personne.")
    session = participant.session
    if session.is_cancelled:
        raise ValidationError(f"La séance « {session} » a été annulée : l'entretien ne peut pas s'y rattacher.")
    if participant.attendance in (Attendance.ABSENT, Attendance.EXCUSED):
        raise ValidationError(
            f"{person} est noté(e) {participant.get_attendance_display()} à cette séance : "
            "un entretien suppose la présence de la personne."
        )
    if Interview.objects.filter(participant=participant).exists():
        raise ValidationError("Un entretien est déjà enregistré pour cette participation à la séance.")


@transaction.atomic
def interview_record(
    *,
    actor,
    person,
    participant=None,
    strengths: str,
    needs: str,
    obstacles: list[str],
    diagnostic_note: str,
    today=None,
) -> Interview:
    """Record an individual interview with the proposal computed from it (stored with its reasons, so that the
    decision can show why, even if the criteria change later). Attendance is the sessions' business: an
    interview refuses an absent or excused participant, and records nothing about a participant not yet
    marked."""
    obstacles = clean_obstacles(obstacles)
    if participant is not None:
        interview_participant_check(person=person, participant=participant)
    today = today or timezone.localdate()
    proposal = orientation_proposal(person=person, obstacles=obstacles, needs=needs, today=today)
    interview = Interview.objects.create(
        person=person,
        participant=participant,
        strengths=strengths.strip(),
        needs=needs.strip(),
        obstacles=obstacles,
        diagnostic_note=diagnostic_note.strip(),
        proposed_type=proposal.orientation_type,
        proposed_dispositif=proposal.dispositif,
        proposal_reasons=proposal.reasons,
        conducted_on=today,
        conducted_by=actor.user,
    )
    # The free texts are the person's words: they stay in the interview, not in the audit log.
    audit_event_record(
        code=AuditCode.INTERVIEW_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=interview,
        person_id=person.pk,
        new={
            "obstacles": obstacles,
            "proposed_type": proposal.orientation_type,
            "proposed_dispositif": proposal.dispositif.name if proposal.dispositif else None,
            "proposal_reasons": proposal.reasons,
            "participant": participant.pk if participant else None,
        },
    )
    return interview


INTERVIEW_BULK_KEYS = (
    "person_id",
    "participant_id",
    "obstacles",
    "strengths",
    "needs",
    "proposed_type",
    "proposed_dispositif_id",
    "proposal_reasons",
    "conducted_on",
    "conducted_by_id",
    "orientation_id",
)


@transaction.atomic
def interview_bulk_record(*, actor_label: str, rows: list[dict]) -> int:
    """Record past interviews in bulk (a Département's history, the demo): one insert per batch and one audit
    event for the batch. Each row has the keys of INTERVIEW_BULK_KEYS; participations that already have an
    interview are skipped, so that a re-run adds nothing."""
    from jalon.core.bulk import bulk_insert_rows

    participant_ids = [row["participant_id"] for row in rows if row.get("participant_id")]
    taken = set(Interview.objects.filter(participant_id__in=participant_ids).values_list("participant_id", flat=True))
    now = timezone.now()
    fresh = [
        {
            **{key: row.get(key) for key in INTERVIEW_BULK_KEYS},
            "obstacles": clean_obstacles(row.get("obstacles") or []),
            "strengths": row.get("strengths") or "",
            "needs": row.get("needs") or "",
            "proposed_type": row.get("proposed_type") or "",
            "proposal_reasons": list(row.get("proposal_reasons") or []),
            "diagnostic_note": row.get("diagnostic_note") or "",
            "created_at": now,
        }
        for row in rows
        if not (row.get("participant_id") and row["participant_id"] in taken)
    ]
    bulk_insert_rows(Interview, fresh)
    audit_event_record(code=AuditCode.INTERVIEW_RECORDED, actor_label=actor_label, extra={"count": len(fresh)})
    return len(fresh)
