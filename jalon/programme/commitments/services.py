"""Writes of the commitments: each checks who acts, refuses bad input in French with nothing written, and writes its
audit event."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.organisations.models import Organisation
from jalon.programme.commitments import access
from jalon.programme.commitments.enums import DEFAULT_UNITS, CommitmentKind
from jalon.programme.commitments.models import SignatoryCommitment, SignatoryCommitmentAccount
from jalon.programme.models import ActionSheet, Programme


NOT_ALLOWED = "Vous ne pouvez pas saisir les engagements de cette organisation."


@transaction.atomic
def commitment_save(
    *,
    actor: Actor,
    programme: Programme,
    organisation: Organisation | None,
    action: ActionSheet | None,
    year: int | None,
    kind: str,
    quantity: Decimal | None,
    unit: str = "",
    text: str = "",
    commitment: SignatoryCommitment | None = None,
) -> SignatoryCommitment:
    """A signatory's commitment on an action for a year: created, or `commitment` rewritten."""
    if organisation is None:
        raise ValidationError({"organisation": "Choisissez l'organisation signataire."})
    signatory = programme.signatories.filter(organisation=organisation, signed=True).first()
    if signatory is None:
        raise ValidationError(
            {
                "organisation": f"« {organisation} » n'est pas signataire de ce programme : seul un signataire "
                "prend des engagements."
            }
        )
    if not access.may_edit_commitments_of(actor, signatory):
        raise ValidationError(NOT_ALLOWED)
    if commitment is not None and commitment.signatory.programme_id != programme.pk:
        raise ValidationError(NOT_ALLOWED)
    errors = {}
    if action is None or action.programme_id != programme.pk:
        errors["action"] = "Choisissez une action de ce programme."
    if year is None or int(year) not in programme.years:
        errors["year"] = f"L'année doit être comprise entre {programme.start.year} et {programme.end.year}."
    if kind not in CommitmentKind.values:
        errors["kind"] = "Choisissez la nature de l'engagement."
    if quantity is None:
        errors["quantity"] = "Indiquez la quantité engagée."
    elif quantity < 0:
        errors["quantity"] = "La quantité engagée ne peut pas être négative."
    unit = (unit or "").strip() or DEFAULT_UNITS.get(kind, "")
    if kind in (CommitmentKind.PLACES, CommitmentKind.OTHER) and not unit:
        errors["unit"] = "Précisez l'unité (places de crèche, contrats PEC, mesures…)."
    if errors:
        raise ValidationError(errors)
    data = {"year": int(year), "kind": kind, "quantity": quantity, "unit": unit, "text": (text or "").strip()}
    old = None
    if commitment is None:
        commitment = SignatoryCommitment(signatory=signatory, action=action)
    else:
        old = {name: getattr(commitment, name) for name in ["year", "kind", "quantity", "unit", "text"]}
        old["organisation"] = commitment.signatory.organisation_id
        commitment.signatory, commitment.action = signatory, action
    for name, value in data.items():
        setattr(commitment, name, value)
    commitment.author = actor.user
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError:
        raise ValidationError(
            f"{organisation} a déjà un engagement de cette nature sur l'action {action.code} en {year} : "
            "modifiez celui-là."
        ) from None
    audit_event_record(
        code=AuditCode.COMMITMENT_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=commitment,
        old=old,
        new={"organisation": organisation.pk, "action": action.code, **data},
    )
    return commitment


@transaction.atomic
def commitment_account_record(
    *,
    actor: Actor,
    commitment: SignatoryCommitment,
    delivered: Decimal | None,
    comment: str = "",
    reported_on: date | None = None,
) -> SignatoryCommitmentAccount:
    """The signatory's account of what it delivered of the commitment that year; rewritten when it reports again."""
    if not access.may_edit_commitments_of(actor, commitment.signatory):
        raise ValidationError(NOT_ALLOWED)
    today = timezone.localdate()
    reported_on = reported_on or today
    errors = {}
    if commitment.year > today.year:
        errors["delivered"] = (
            f"L'année {commitment.year} n'a pas commencé : on rendra compte de cet engagement à partir du "
            f"1er janvier {commitment.year}."
        )
    elif delivered is None:
        errors["delivered"] = "Indiquez la quantité réalisée."
    elif delivered < 0:
        errors["delivered"] = "La quantité réalisée ne peut pas être négative."
    if reported_on > today:
        errors["reported_on"] = "Le compte rendu ne peut pas être daté dans le futur."
    elif reported_on.year < commitment.year:
        errors["reported_on"] = (
            f"Le compte rendu d'un engagement {commitment.year} se date de {commitment.year} ou après."
        )
    if errors:
        raise ValidationError(errors)
    account = SignatoryCommitmentAccount.objects.filter(commitment=commitment).first()
    old = {"delivered": account.delivered, "comment": account.comment} if account else None
    account = account or SignatoryCommitmentAccount(commitment=commitment)
    account.delivered, account.comment = delivered, (comment or "").strip()
    account.reported_on, account.reported_by = reported_on, actor.user
    account.save()
    audit_event_record(
        code=AuditCode.COMMITMENT_ACCOUNT_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=commitment,
        old=old,
        new={"delivered": delivered, "comment": account.comment, "reported_on": reported_on},
    )
    return account
