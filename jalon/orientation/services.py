from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.services import audit_event_record
from jalon.core.text import plural
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify as inbox_notify
from jalon.organisations.models import Membership
from jalon.orientation.delays.closing import delay_alerts_close_done
from jalon.orientation.enums import DelayStep, PersonAgreement
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.orientation.selectors import REFERENT_ROLES
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent


def _check_referent(*, organisation, referent) -> None:
    if organisation is None:
        raise ValidationError({"organisation": "Choisissez la structure en charge de l'accompagnement."})
    if referent is None:
        raise ValidationError({"referent": "Désignez le référent de parcours."})
    members = Membership.objects.active().filter(user=referent, organisation=organisation)
    if not members.exists():
        raise ValidationError({"referent": f"{referent} n'est pas membre de {organisation}."})
    if not members.filter(role__in=REFERENT_ROLES).exists():
        raise ValidationError(
            {"referent": f"{referent} n'accompagne pas de personnes dans {organisation} (son rôle ne le permet pas)."}
        )


@transaction.atomic
def orientation_decide(
    *,
    actor,
    person,
    orientation_type: str,
    organisation,
    referent,
    dispositif=None,
    person_chose_referent: bool = False,
    person_agreement: str = PersonAgreement.NOT_ASKED,
    person_comment: str = "",
    decided_on=None,
    session=None,
    interview=None,
    end_reason: str = "nouvelle décision d'orientation",
) -> Orientation:
    """Record an orientation decision: it ends the current one (history kept) and names the référent. The session
    and the interview it came from, when given, are linked to it."""
    _check_referent(organisation=organisation, referent=referent)
    if interview is not None and interview.person_id != person.pk:
        raise ValidationError("Cet entretien concerne une autre personne.")
    if session is None and interview is not None and interview.participant_id:
        session = interview.participant.session
    if dispositif is not None:
        if dispositif.departement_id != person.departement_id:
            raise ValidationError({"dispositif": "Ce dispositif n'appartient pas au département de la personne."})
        if not dispositif.organisations.filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": f"{organisation} ne porte pas le dispositif « {dispositif} »."})
    today = decided_on or timezone.localdate()
    previous = Orientation.objects.select_for_update().current().filter(person=person).first()
    if previous is not None:
        previous.ended_on, previous.end_reason = today, end_reason
        previous.save(update_fields=["ended_on", "end_reason", "updated_at"])
    orientation = Orientation.objects.create(
        person=person,
        orientation_type=orientation_type,
        dispositif=dispositif,
        organisation=organisation,
        referent=referent,
        person_chose_referent=person_chose_referent,
        person_agreement=person_agreement,
        person_comment=person_comment,
        decided_on=today,
        decided_by=actor.user,
        session=session,
    )
    if interview is not None:
        interview.orientation = orientation
        interview.save(update_fields=["orientation", "updated_at"])
    _assign(
        actor=actor, person=person, referent=referent, organisation=organisation, reason="orientation", today=today
    )
    data = {
        "orientation_type": orientation_type,
        "organisation": organisation.name,
        "dispositif": dispositif.name if dispositif else None,
        "previous": previous.pk if previous else None,
    }
    ChangeEvent.objects.create(kind=ChangeKind.ORIENTED, person=person, actor=actor.user, data=data)
    delay_alerts_close_done(person_ids=[person.pk], step=DelayStep.ORIENTATION)
    audit_event_record(
        code=AuditCode.ORIENTATION_DECIDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=orientation,
        person_id=person.pk,
        new=data,
    )
    return orientation


@transaction.atomic
def referent_change(*, actor, person, referent, organisation, reason: str) -> ReferentAssignment:
    _check_referent(organisation=organisation, referent=referent)
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez le motif du changement de référent."})
    return _assign(actor=actor, person=person, referent=referent, organisation=organisation, reason=reason)


TRANSFER_ROLES = (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)


@transaction.atomic
def caseload_transfer(*, actor, from_referent, person_ids, to_referent, reason: str) -> int:
    """Hand people a référent follows in the actor's organisation over to a colleague of the same organisation (a
    departure, a leave, a rebalancing). Either every person moves or none: a list read before someone else moved one
    of them is refused, to be reloaded. The colleague finds the people in their inbox."""
    organisation = actor.organisation
    if organisation is None or not actor.may_act_as(*TRANSFER_ROLES):
        raise ValidationError("Votre rôle ne permet pas de transférer un portefeuille.")
    person_ids = list(dict.fromkeys(int(pk) for pk in person_ids))
    errors: dict[str, str] = {}
    if not person_ids:
        errors["persons"] = "Choisissez au moins une personne à confier."
    if to_referent is None:
        errors["to_referent"] = "Choisissez le référent à qui confier ces personnes."
    elif from_referent is not None and to_referent.pk == from_referent.pk:
        errors["to_referent"] = "Choisissez un autre référent que celui qui les suit aujourd'hui."
    elif (
        not Membership.objects.active()
        .filter(user=to_referent, organisation=organisation)
        .with_role(Role.REFERENT)
        .exists()
    ):
        errors["to_referent"] = f"{to_referent.get_full_name()} n'est pas référent de {organisation}."
    if not (reason or "").strip():
        errors["reason"] = "Indiquez le motif du transfert."
    if errors:
        raise ValidationError(errors)
    assignments = list(
        ReferentAssignment.objects.select_for_update()
        .current()
        .filter(organisation=organisation, referent=from_referent, person_id__in=person_ids)
        .select_related("person", "referent")
    )
    if len(assignments) != len(person_ids):
        raise ValidationError(
            {"persons": "Certaines personnes ne sont plus suivies par ce référent : rechargez la page et recommencez."}
        )
    for assignment in assignments:
        _assign(
            actor=actor,
            person=assignment.person,
            referent=to_referent,
            organisation=organisation,
            reason=reason.strip(),
        )
    inbox_notify(
        recipient_ids=[to_referent.pk],
        organisation_id=organisation.pk,
        kind=NotificationKind.CASELOAD_TRANSFERRED,
        title=(
            f"{len(assignments)} personne{plural(len(assignments))} vous "
            f"{'sont confiées' if len(assignments) > 1 else 'est confiée'} : {reason}"
        ),
        url=reverse("orientation:caseload"),
    )
    return len(assignments)


def _assign(*, actor, person, referent, organisation, reason: str, today=None) -> ReferentAssignment:
    today = today or timezone.localdate()
    current = ReferentAssignment.objects.select_for_update().current().filter(person=person).first()
    if current is not None and current.referent_id == referent.pk and current.organisation_id == organisation.pk:
        return current
    if current is not None:
        current.ended_on = today
        current.save(update_fields=["ended_on", "updated_at"])
    assignment = ReferentAssignment.objects.create(
        person=person,
        referent=referent,
        organisation=organisation,
        started_on=today,
        reason=reason,
        assigned_by=actor.user,
    )
    data = {"referent": referent.get_full_name(), "organisation": organisation.name, "reason": reason}
    if current is not None:
        data["previous_referent"] = current.referent.get_full_name()
    ChangeEvent.objects.create(kind=ChangeKind.REFERENT_CHANGED, person=person, actor=actor.user, data=data)
    audit_event_record(
        code=AuditCode.REFERENT_ASSIGNED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=assignment,
        person_id=person.pk,
        new=data,
    )
    return assignment


@transaction.atomic
def orientation_bulk_record(*, actor_label: str, decisions: list[dict]) -> int:
    """Record past orientation decisions in bulk (a Département's history, the demo): one orientation, one
    référent assignment and one event per decision, for persons without a current orientation, and one audit
    event for the batch. Each decision: person_id, orientation_type, dispositif_id, organisation_id,
    referent_id, decided_on, person_chose_referent, person_agreement."""
    from jalon.core.bulk import bulk_insert_rows

    already = set(
        Orientation.objects.current()
        .filter(person_id__in=[d["person_id"] for d in decisions])
        .values_list("person_id", flat=True)
    )
    decisions = [d for d in decisions if d["person_id"] not in already]
    now = timezone.now()
    bulk_insert_rows(
        Orientation,
        [
            {
                **decision,
                "person_comment": "",
                "decided_by_id": None,
                "ended_on": None,
                "end_reason": "",
                "created_at": now,
            }
            for decision in decisions
        ],
    )
    bulk_insert_rows(
        ReferentAssignment,
        [
            {
                "person_id": d["person_id"],
                "referent_id": d["referent_id"],
                "organisation_id": d["organisation_id"],
                "started_on": d["decided_on"],
                "ended_on": None,
                "reason": "orientation",
                "assigned_by_id": None,
                "created_at": now,
            }
            for d in decisions
        ],
    )
    bulk_insert_rows(
        ChangeEvent,
        [
            {
                "occurred_at": timezone.make_aware(datetime.combine(d["decided_on"], time.min)),
                "kind": ChangeKind.ORIENTED,
                "household_id": None,
                "person_id": d["person_id"],
                "data": {"orientation_type": d["orientation_type"], "source": actor_label},
                "import_run_id": None,
                "source_line": None,
                "actor_id": None,
            }
            for d in decisions
        ],
    )
    audit_event_record(code=AuditCode.ORIENTATION_DECIDED, actor_label=actor_label, extra={"count": len(decisions)})
    return len(decisions)
