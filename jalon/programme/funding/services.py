"""Writes of the plan's money. Each checks who acts and refuses bad input in French with nothing written; a
commitment or a payment locks its line (then its commitment) first, so that two people recording at the same time
cannot spend the same euro twice."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.programme.funding import access
from jalon.programme.funding.enums import Instrument, LotStep, Procedure
from jalon.programme.funding.models import BudgetLine, Commitment, Contract, Envelope, Lot, Payment


ZERO = Decimal("0.00")
NOT_ALLOWED = "Vous ne pouvez pas modifier le budget de ce programme."
NOT_YOURS = "Vous n'enregistrez des engagements et des mandatements que sur les enveloppes de vos territoires."
CLOSED = "La ligne {line} est clôturée : plus aucun engagement ni mandatement n'y est possible."


def euros(value: Decimal) -> str:
    """« 12 500,00 € » (with the no-break space the screens use), as a French accountant writes it."""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return whole.replace(",", "\xa0") + f",{cents} €"


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount_eur"))["total"] or ZERO


def _audit(actor: Actor, code: AuditCode, subject, new: dict, old: dict | None = None) -> None:
    audit_event_record(code=code, actor=actor.user, organisation=actor.organisation, subject=subject, old=old, new=new)


def _lock_line(line: BudgetLine) -> BudgetLine:
    return (
        BudgetLine.objects.select_for_update().select_related("programme", "action", "funding_source").get(pk=line.pk)
    )


def _check_amount(errors: dict, amount, field: str = "amount_eur", *, zero: bool = False) -> None:
    if amount is None:
        errors[field] = "Indiquez le montant."
    elif amount < 0 or (amount == 0 and not zero):
        errors[field] = "Le montant doit être positif."


def _check_day(errors: dict, day, field: str, *, after: date | None = None, after_label: str = "") -> None:
    if day is None:
        errors[field] = "Indiquez la date."
    elif day > timezone.localdate():
        errors[field] = "La date ne peut être dans le futur."
    elif after and day < after:
        errors[field] = f"La date ne peut précéder {after_label} ({after:%d/%m/%Y})."


# --- budget lines -----------------------------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(
    *, actor: Actor, programme, action, year: int, funding_source, amount_eur: Decimal, label: str = ""
) -> BudgetLine:
    if not access.may_edit_lines(actor, programme):
        raise ValidationError(NOT_ALLOWED)
    errors: dict = {}
    if action is None or action.programme_id != programme.pk:
        errors["action"] = "Choisissez une action du programme."
    if funding_source is None or funding_source.programme_id != programme.pk:
        errors["funding_source"] = "Choisissez une source de financement du programme."
    if year is None or not programme.start.year <= int(year) <= programme.end.year:
        errors["year"] = f"L'année doit être comprise entre {programme.start.year} et {programme.end.year}."
    _check_amount(errors, amount_eur, zero=True)
    if not errors and BudgetLine.objects.filter(action=action, year=year, funding_source=funding_source).exists():
        errors["funding_source"] = (
            f"L'action {action.code} a déjà une ligne {year} sur {funding_source.code} : modifiez-la plutôt."
        )
    if errors:
        raise ValidationError(errors)
    line = BudgetLine.objects.create(
        programme=programme,
        action=action,
        year=year,
        funding_source=funding_source,
        amount_eur=amount_eur,
        label=(label or "").strip(),
    )
    _audit(actor, AuditCode.BUDGET_LINE_CREATED, line, {"amount_eur": amount_eur, "label": line.label})
    return line


@transaction.atomic
def budget_line_update(*, actor: Actor, line: BudgetLine, amount_eur: Decimal, label: str = "") -> BudgetLine:
    if not access.may_edit_lines(actor, line.programme):
        raise ValidationError(NOT_ALLOWED)
    line = _lock_line(line)
    if line.is_closed:
        raise ValidationError(CLOSED.format(line=line))
    errors: dict = {}
    _check_amount(errors, amount_eur, zero=True)
    if errors:
        raise ValidationError(errors)
    if amount_eur != line.amount_eur and line.envelopes.exists():
        raise ValidationError(
            {"amount_eur": "Cette ligne est répartie en enveloppes : changez son montant avec sa répartition."}
        )
    committed = _sum(line.commitments.all())
    if amount_eur < committed:
        raise ValidationError(
            {
                "amount_eur": f"La ligne porte déjà {euros(committed)} d'engagements : "
                "son montant ne peut être inférieur."
            }
        )
    old = {"amount_eur": line.amount_eur, "label": line.label}
    line.amount_eur, line.label = amount_eur, (label or "").strip()
    line.save(update_fields=["amount_eur", "label", "updated_at"])
    _audit(actor, AuditCode.BUDGET_LINE_UPDATED, line, {"amount_eur": amount_eur, "label": line.label}, old)
    return line


@transaction.atomic
def budget_line_split(
    *, actor: Actor, line: BudgetLine, amounts: dict, amount_eur: Decimal | None = None
) -> BudgetLine:
    """Share the line between territories: `amounts` maps a territory to its envelope (empty or zero: none). The
    envelopes must make exactly the line's amount (`amount_eur`, the line's new voted amount if given); no
    envelope at all leaves the line unsplit."""
    if not access.may_edit_lines(actor, line.programme):
        raise ValidationError(NOT_ALLOWED)
    line = _lock_line(line)
    if line.is_closed:
        raise ValidationError(CLOSED.format(line=line))
    total = line.amount_eur if amount_eur is None else amount_eur
    errors: dict = {}
    _check_amount(errors, total, zero=True)
    if errors:
        raise ValidationError(errors)
    wanted = {territory: value for territory, value in amounts.items() if value}
    for territory, value in wanted.items():
        if territory.departement_id != line.programme.departement_id:
            raise ValidationError(f"{territory} n'est pas un territoire du Département.")
        if value < 0:
            raise ValidationError(f"L'enveloppe de {territory} ne peut être négative.")
    shared = sum(wanted.values(), ZERO)
    if wanted and shared != total:
        raise ValidationError(
            f"Les enveloppes font {euros(shared)} et la ligne {euros(total)} : la répartition doit tomber juste "
            f"(écart de {euros(abs(total - shared))})."
        )
    if wanted and line.commitments.filter(envelope__isnull=True).exists():
        raise ValidationError(
            "Des engagements sont déjà portés par la ligne entière : "
            "elle ne peut plus être répartie entre territoires."
        )
    committed = _sum(line.commitments.all())
    if total < committed:
        raise ValidationError(
            f"La ligne porte déjà {euros(committed)} d'engagements : son montant ne peut être inférieur."
        )
    current = {envelope.territory_id: envelope for envelope in line.envelopes.select_related("territory")}
    wanted_ids = {territory.pk for territory in wanted}
    for territory_id, envelope in current.items():
        on_it = _sum(envelope.commitments.all())
        kept = next((value for territory, value in wanted.items() if territory.pk == territory_id), ZERO)
        if kept < on_it:
            raise ValidationError(
                f"{envelope.territory} a déjà engagé {euros(on_it)} : son enveloppe ne peut descendre en dessous."
            )
    old = {"amount_eur": line.amount_eur, "envelopes": {str(e.territory): e.amount_eur for e in current.values()}}
    line.envelopes.exclude(territory_id__in=wanted_ids).delete()
    for territory, value in wanted.items():
        Envelope.objects.update_or_create(line=line, territory=territory, defaults={"amount_eur": value})
    if total != line.amount_eur:
        line.amount_eur = total
        line.save(update_fields=["amount_eur", "updated_at"])
    _audit(
        actor,
        AuditCode.BUDGET_LINE_SPLIT,
        line,
        {"amount_eur": total, "envelopes": {str(t): v for t, v in wanted.items()}},
        old,
    )
    return line


@transaction.atomic
def budget_line_close(*, actor: Actor, line: BudgetLine) -> BudgetLine:
    if not access.may_edit_lines(actor, line.programme):
        raise ValidationError(NOT_ALLOWED)
    line = _lock_line(line)
    if line.is_closed:
        raise ValidationError(f"La ligne est déjà clôturée depuis le {line.closed_on:%d/%m/%Y}.")
    line.closed_on = timezone.localdate()
    line.save(update_fields=["closed_on", "updated_at"])
    _audit(actor, AuditCode.BUDGET_LINE_CLOSED, line, {"closed_on": line.closed_on})
    return line


# --- commitments and payments -----------------------------------------------------------------------------------


def commitment_remaining(line: BudgetLine, envelope: Envelope | None) -> Decimal:
    """What is left to commit on the envelope, or on the whole line when it is not split."""
    if envelope is not None:
        return envelope.amount_eur - _sum(envelope.commitments.all())
    return line.amount_eur - _sum(line.commitments.all())


@transaction.atomic
def commitment_record(
    *,
    actor: Actor,
    line: BudgetLine,
    envelope: Envelope | None,
    operator,
    instrument: str,
    reference: str,
    amount_eur: Decimal,
    committed_on: date,
    lot: Lot | None = None,
) -> Commitment:
    if not access.may_record_on(actor, line, envelope):
        raise ValidationError(NOT_YOURS)
    line = _lock_line(line)
    if line.is_closed:
        raise ValidationError(CLOSED.format(line=line))
    errors: dict = {}
    split = line.envelopes.exists()
    if envelope is not None and envelope.line_id != line.pk:
        errors["envelope"] = "Cette enveloppe n'est pas celle de la ligne."
    elif split and envelope is None:
        errors["envelope"] = "La ligne est répartie entre territoires : choisissez l'enveloppe engagée."
    if operator is None:
        errors["operator"] = "Choisissez l'opérateur."
    elif operator.departement_id != line.programme.departement_id:
        errors["operator"] = f"{operator} n'est pas une structure du Département : il ne peut recevoir ses crédits."
    if instrument not in Instrument.values:
        errors["instrument"] = "Choisissez l'instrument : subvention, marché ou convention."
    if not (reference or "").strip():
        errors["reference"] = "Indiquez la référence de l'engagement (n° d'arrêté, de marché, de convention)."
    _check_amount(errors, amount_eur)
    _check_day(errors, committed_on, "committed_on")
    if lot is not None:
        if lot.contract.programme_id != line.programme_id:
            errors["lot"] = "Ce lot n'est pas un marché du programme."
        elif instrument != Instrument.CONTRACT:
            errors["instrument"] = "L'engagement d'un lot de marché est un marché public."
        elif operator is not None and operator.pk != lot.holder_id:
            errors["operator"] = f"Le lot {lot.number} est attribué à {lot.holder} : c'est lui qu'on engage."
    if errors:
        raise ValidationError(errors)
    remaining = commitment_remaining(line, envelope)
    if amount_eur > remaining:
        where = f"l'enveloppe de {envelope.territory}" if envelope else "la ligne"
        raise ValidationError(
            {"amount_eur": f"Il ne reste que {euros(remaining)} à engager sur {where} : l'engagement est refusé."}
        )
    commitment = Commitment.objects.create(
        line=line,
        envelope=envelope,
        operator=operator,
        instrument=instrument,
        lot=lot,
        reference=reference.strip(),
        amount_eur=amount_eur,
        committed_on=committed_on,
        created_by=actor.user,
    )
    _audit(
        actor,
        AuditCode.FUNDING_COMMITMENT_RECORDED,
        commitment,
        {
            "line": line.pk,
            "envelope": envelope.pk if envelope else None,
            "operator": operator.pk,
            "amount_eur": amount_eur,
            "reference": commitment.reference,
        },
    )
    return commitment


@transaction.atomic
def payment_record(
    *, actor: Actor, commitment: Commitment, amount_eur: Decimal, paid_on: date, reference: str
) -> Payment:
    if not access.may_record_on(actor, commitment.line, commitment.envelope):
        raise ValidationError(NOT_YOURS)
    # The line first, as a commitment does, then the commitment: the same order everywhere, no deadlock.
    line = _lock_line(commitment.line)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if line.is_closed:
        raise ValidationError(CLOSED.format(line=line))
    errors: dict = {}
    _check_amount(errors, amount_eur)
    _check_day(errors, paid_on, "paid_on", after=commitment.committed_on, after_label="l'engagement")
    if not (reference or "").strip():
        errors["reference"] = "Indiquez la référence du mandat."
    if errors:
        raise ValidationError(errors)
    remaining = commitment.amount_eur - _sum(commitment.payments.all())
    if amount_eur > remaining:
        raise ValidationError(
            {
                "amount_eur": f"Il ne reste que {euros(remaining)} à mandater sur cet engagement : "
                "le mandatement est refusé."
            }
        )
    payment = Payment.objects.create(
        commitment=commitment,
        amount_eur=amount_eur,
        paid_on=paid_on,
        reference=reference.strip(),
        created_by=actor.user,
    )
    _audit(
        actor,
        AuditCode.FUNDING_PAYMENT_RECORDED,
        payment,
        {"commitment": commitment.pk, "amount_eur": amount_eur, "reference": payment.reference},
    )
    return payment


# --- public contracts -------------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    programme,
    title: str,
    procedure: str,
    starts_on: date,
    ends_on: date,
    amount_eur: Decimal,
    amount_is_max: bool = False,
    reference: str = "",
) -> Contract:
    if not access.may_edit_lines(actor, programme):
        raise ValidationError(NOT_ALLOWED)
    errors: dict = {}
    if not (title or "").strip():
        errors["title"] = "Indiquez l'intitulé du marché."
    if procedure not in Procedure.values:
        errors["procedure"] = "Choisissez la procédure."
    if not starts_on or not ends_on or ends_on < starts_on:
        errors["ends_on"] = "La période du marché doit avoir un début et une fin, dans cet ordre."
    _check_amount(errors, amount_eur)
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(
        programme=programme,
        title=title.strip(),
        reference=(reference or "").strip(),
        procedure=procedure,
        starts_on=starts_on,
        ends_on=ends_on,
        amount_eur=amount_eur,
        amount_is_max=amount_is_max,
    )
    _audit(actor, AuditCode.FUNDING_CONTRACT_CREATED, contract, {"title": contract.title, "amount_eur": amount_eur})
    return contract


@transaction.atomic
def lot_create(
    *,
    actor: Actor,
    contract: Contract,
    number: int,
    title: str,
    path_step: str,
    amount_eur: Decimal,
    holder,
    territory=None,
    co_contractors=(),
    plateaux=(),
    services=(),
) -> Lot:
    programme = contract.programme
    if not access.may_edit_lines(actor, programme):
        raise ValidationError(NOT_ALLOWED)
    errors: dict = {}
    departement = programme.departement_id
    if not (title or "").strip():
        errors["title"] = "Indiquez l'intitulé du lot."
    if path_step not in LotStep.values:
        errors["path_step"] = "Choisissez l'étape de parcours du lot."
    if territory is not None and territory.departement_id != departement:
        errors["territory"] = "Le territoire du lot doit être du Département."
    if holder is None or holder.departement_id != departement:
        errors["holder"] = "Le titulaire doit être une structure du Département."
    if any(o.departement_id != departement for o in co_contractors):
        errors["co_contractors"] = "Les co-traitants doivent être des structures du Département."
    if any(p.departement_id != departement for p in plateaux):
        errors["plateaux"] = "Les plateaux techniques doivent être du Département."
    _check_amount(errors, amount_eur)
    if not errors and contract.lots.filter(number=number).exists():
        errors["number"] = f"Le marché a déjà un lot {number}."
    if not errors:
        others = _sum(contract.lots.all())
        if others + amount_eur > contract.amount_eur:
            errors["amount_eur"] = (
                f"Les lots dépasseraient le montant du marché ({euros(contract.amount_eur)}) : il reste "
                f"{euros(contract.amount_eur - others)}."
            )
    if errors:
        raise ValidationError(errors)
    lot = Lot.objects.create(
        contract=contract,
        number=number,
        title=title.strip(),
        territory=territory,
        path_step=path_step,
        amount_eur=amount_eur,
        holder=holder,
    )
    lot.co_contractors.set(co_contractors)
    lot.plateaux.set(plateaux)
    lot.services.set(services)
    _audit(
        actor,
        AuditCode.FUNDING_LOT_CREATED,
        lot,
        {"contract": contract.pk, "number": number, "amount_eur": amount_eur, "holder": holder.pk},
    )
    return lot
