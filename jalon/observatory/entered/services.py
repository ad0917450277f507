"""Writes of the entered indicators: the Département's setup, entering a value (draft or submitted), validating or
sending it back, and the daily reminders. Every rule is checked here, before anything is written, so that a
refused value leaves nothing behind whatever the entry point."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.core.uploads import check_upload
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify
from jalon.observatory.entered.enums import EntryAction, EntryStatus, ReminderKind
from jalon.observatory.entered.models import EnteredValue, EntryEvent, EntryReminder, EntrySetup
from jalon.observatory.entered.selectors import (
    OWNER_PENDING,
    SEGMENTS,
    cell_entries,
    deadline_of,
    expected_periods,
    may_configure,
    may_enter,
    may_validate,
    setup_for,
)
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel, Unit
from jalon.observatory.models import Indicator, IndicatorValue
from jalon.observatory.periods import Period
from jalon.organisations.models import Membership, Organisation
from jalon.territories.models import Territory


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


# -- the Département's setup -------------------------------------------------------------------------------------


@transaction.atomic
def entry_setup_save(
    *,
    actor: Actor,
    indicator: Indicator,
    owner: Organisation | None,
    period_kind: str,
    deadline_days: int,
    reminder_days: int,
    evidence_required: bool,
    starts_on: date,
    today: date,
) -> EntrySetup:
    if not may_configure(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    departement_id = actor.departement_code or ""
    if owner is not None and (owner.departement_id != departement_id or not owner.is_active):
        _refuse("owner", "Choisissez une structure active du département.")
    if period_kind not in PeriodKind.values:
        _refuse("period_kind", "Choisissez le mois, le trimestre ou l'année.")
    other_kind = (
        EnteredValue.objects.filter(indicator=indicator, departement_id=departement_id)
        .exclude(period_kind=period_kind)
        .exists()
    )
    if other_kind:
        _refuse(
            "period_kind",
            "Des valeurs ont déjà été saisies avec une autre périodicité : elle ne peut plus changer.",
        )
    setup = setup_for(indicator=indicator, departement_id=departement_id, today=today)
    fields = ["owner_id", "period_kind", "deadline_days", "reminder_days", "evidence_required", "starts_on"]
    old = {name: getattr(setup, name) for name in fields} if setup.pk else {}
    setup.owner = owner
    setup.period_kind = period_kind
    setup.deadline_days = deadline_days
    setup.reminder_days = reminder_days
    setup.evidence_required = evidence_required
    setup.starts_on = starts_on
    setup.full_clean(exclude=["indicator", "departement", "owner"])
    setup.save()
    audit_event_record(
        code=AuditCode.ENTRY_SETUP_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=setup,
        old=old or None,
        new={name: getattr(setup, name) for name in fields},
    )
    return setup


# -- entering a value ----------------------------------------------------------------------------------------------


def _check_period(setup: EntrySetup, period: Period, today: date) -> None:
    if period.kind != setup.period_kind:
        _refuse(
            "period",
            f"Cet indicateur se saisit par {PeriodKind(setup.period_kind).label} : "
            f"la période « {period.label} » ne convient pas.",
        )
    if period.end >= today:
        opens = period.end.toordinal() + 1
        _refuse(
            "period",
            f"La période « {period.label} » n'est pas terminée : sa valeur se saisit à partir du "
            f"{date.fromordinal(opens):%d/%m/%Y}.",
        )


def _check_territory(departement_id: str, level: str, code: str) -> None:
    if level == TerritoryLevel.DEPARTEMENT and code == departement_id:
        return
    if (
        level == TerritoryLevel.TERRITORY
        and code.isdigit()
        and Territory.objects.in_departement(departement_id).filter(pk=int(code)).exists()
    ):
        return
    _refuse("territory", "Choisissez le département ou l'un de ses territoires.")


def _check_segment(indicator: Indicator, dimension: str, segment: str) -> None:
    if not dimension:
        if segment:
            _refuse("segment", "Un segment se choisit avec sa ventilation.")
        return
    if dimension not in indicator.dimensions or dimension not in SEGMENTS:
        label = dict(Dimension.choices).get(dimension, dimension)
        _refuse("dimension", f"Cet indicateur ne se ventile pas par « {label} » : saisissez sa valeur d'ensemble.")
    if segment not in dict(SEGMENTS[dimension]):
        _refuse("segment", f"Choisissez un segment de la ventilation « {Dimension(dimension).label} ».")


def check_value(unit: str, value: float) -> None:
    """The range of the indicator's unit: a rate in percent 0–100, a count a whole number ≥ 0, days and hours
    ≥ 0."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        _refuse("value", "Saisissez un nombre.")
    if unit == Unit.RATE and not 0 <= value <= 100:
        _refuse("value", "Un taux se saisit en pourcentage, entre 0 et 100.")
    if value < 0:
        _refuse("value", "La valeur ne peut pas être négative.")
    if unit == Unit.COUNT and value != int(value):
        _refuse("value", "Un nombre se saisit sans décimale (un effectif, un nombre d'actions…).")


def check_evidence(file: UploadedFile) -> None:
    check_upload(file, field="evidence", name="Le justificatif", accepted_as=" comme justificatif")


def _published_cell(entry: EnteredValue) -> dict:
    return {
        "indicator_id": entry.indicator_id,
        "departement_id": entry.departement_id,
        "territory_level": entry.territory_level,
        "territory_code": entry.territory_code,
        "period_kind": entry.period_kind,
        "period_start": entry.period_start,
        "dimension": entry.dimension,
        "segment": entry.segment,
    }


def entered_value_save(
    *,
    actor: Actor,
    indicator: Indicator,
    period: Period,
    territory_level: str,
    territory_code: str,
    value: float,
    dimension: str = "",
    segment: str = "",
    comment: str = "",
    evidence: UploadedFile | None = None,
    evidence_url: str = "",
    submit: bool,
    today: date,
) -> EnteredValue:
    """Saves the owner's value of one cell as a draft, or submits it for validation. Refused (ValidationError in
    French, nothing written) when a rule is broken; a missing page (404) for someone who does not own it."""
    departement_id = actor.departement_code or ""
    setup = setup_for(indicator=indicator, departement_id=departement_id, today=today)
    if not may_enter(actor, setup) or indicator.source not in ("saisi", "partenaire"):
        raise Http404(NOT_FOUND_MESSAGE)
    _check_period(setup, period, today)
    _check_territory(departement_id, territory_level, territory_code)
    _check_segment(indicator, dimension, segment)
    check_value(indicator.unit, value)
    if evidence is not None:
        check_evidence(evidence)
    with transaction.atomic():
        existing = (
            cell_entries(
                setup=setup,
                period=period,
                territory_level=territory_level,
                territory_code=territory_code,
                dimension=dimension,
                segment=segment,
            )
            .select_for_update()
            .first()
        )
        if existing is not None and existing.status == EntryStatus.VALIDATED:
            _refuse("period", f"La valeur de « {period.label} » est déjà validée : cette période est close.")
        if existing is not None and existing.status == EntryStatus.SUBMITTED:
            _refuse(
                "period",
                f"La valeur de « {period.label} » attend sa validation : un pilote doit la renvoyer avant "
                "toute correction.",
            )
        has_evidence = evidence is not None or bool(evidence_url) or bool(existing and existing.evidence)
        if submit and setup.evidence_required and not has_evidence:
            _refuse("evidence", "Cet indicateur demande un justificatif : déposez un fichier ou indiquez un lien.")
        entry = existing or EnteredValue(
            indicator=indicator,
            departement_id=departement_id,
            territory_level=territory_level,
            territory_code=territory_code,
            period_kind=period.kind,
            period_start=period.start,
            dimension=dimension,
            segment=segment,
        )
        old = {"value": existing.value, "status": existing.status} if existing else None
        now = timezone.now()
        entry.value = value
        entry.comment = comment
        entry.evidence_url = evidence_url
        entry.organisation = actor.organisation
        entry.entered_by = actor.user
        entry.status = EntryStatus.SUBMITTED if submit else EntryStatus.DRAFT
        entry.submitted_at = now if submit else None
        if evidence is not None:
            entry.evidence_name = Path(evidence.name or "justificatif").name[:255]
            entry.evidence.save(
                f"{indicator.code}-{period.key}{Path(evidence.name or '').suffix.lower()}", evidence, save=False
            )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            _refuse("period", "Une autre saisie de cette valeur vient d'être enregistrée : rechargez la page.")
        action = EntryAction.SUBMITTED if submit else EntryAction.SAVED
        EntryEvent.objects.create(entered_value=entry, action=action, value=value, by=actor.user, at=now, note=comment)
        audit_event_record(
            code=AuditCode.ENTERED_VALUE_SUBMITTED if submit else AuditCode.ENTERED_VALUE_SAVED,
            actor=actor.user,
            organisation=actor.organisation,
            subject=entry,
            old=old,
            new={"value": value, "status": entry.status, "evidence": entry.evidence_name, "url": evidence_url},
        )
    return entry


# -- validation ----------------------------------------------------------------------------------------------------


def _reviewable(actor: Actor, entry: EnteredValue) -> EnteredValue:
    if not may_validate(actor, entry.departement_id):
        raise Http404(NOT_FOUND_MESSAGE)
    locked = EnteredValue.objects.select_for_update().get(pk=entry.pk)
    if locked.status != EntryStatus.SUBMITTED:
        _refuse(None, "Seule une valeur soumise à validation peut être validée ou renvoyée.")
    if locked.entered_by_id == actor.user.pk:
        _refuse(None, "Vous avez saisi cette valeur : un autre pilote du Département la valide ou la renvoie.")
    return locked


@transaction.atomic
def entered_value_validate(*, actor: Actor, entry: EnteredValue) -> EnteredValue:
    """Validates the value and publishes it beside the computed ones, as an `IndicatorValue` without a run."""
    entry = _reviewable(actor, entry)
    now = timezone.now()
    entry.status = EntryStatus.VALIDATED
    entry.reviewed_by = actor.user
    entry.reviewed_at = now
    entry.sent_back_reason = ""
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "sent_back_reason", "updated_at"])
    # A rate is entered in percent: published as its share of 100, so that it reads like a computed rate.
    rate = entry.indicator.unit == Unit.RATE
    IndicatorValue.objects.update_or_create(
        **_published_cell(entry),
        defaults={
            "numerator": entry.value,
            "denominator": 100.0 if rate else None,
            "value": entry.value / 100 if rate else entry.value,
            "run": None,
        },
    )
    EntryEvent.objects.create(
        entered_value=entry, action=EntryAction.VALIDATED, value=entry.value, by=actor.user, at=now
    )
    audit_event_record(
        code=AuditCode.ENTERED_VALUE_VALIDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=entry,
        new={"value": entry.value},
    )
    return entry


@transaction.atomic
def entered_value_send_back(*, actor: Actor, entry: EnteredValue, reason: str) -> EnteredValue:
    reason = (reason or "").strip()
    entry = _reviewable(actor, entry)
    if not reason:
        _refuse("reason", "Dites à la structure ce qu'il faut corriger : le motif du renvoi est obligatoire.")
    now = timezone.now()
    period = Period(entry.period_kind, entry.period_start)
    entry.status = EntryStatus.SENT_BACK
    entry.reviewed_by = actor.user
    entry.reviewed_at = now
    entry.sent_back_reason = reason
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "sent_back_reason", "updated_at"])
    EntryEvent.objects.create(
        entered_value=entry, action=EntryAction.SENT_BACK, value=entry.value, by=actor.user, at=now, note=reason
    )
    notify(
        recipient_ids=[entry.entered_by_id],
        organisation_id=entry.organisation_id,
        kind=NotificationKind.ENTRY_DUE,
        title=f"Valeur renvoyée pour correction : {entry.indicator.code}, {period.label}",
        url=reverse("observatory:entered_detail", args=[entry.pk]),
    )
    audit_event_record(
        code=AuditCode.ENTERED_VALUE_SENT_BACK,
        actor=actor.user,
        organisation=actor.organisation,
        subject=entry,
        new={"reason": reason},
    )
    return entry


# -- reminders -----------------------------------------------------------------------------------------------------


def _owners(setup: EntrySetup) -> list[tuple[int, int]]:
    """(user, organisation) of those who answer for the indicator: the owner organisation's members, or the
    Département's pilots when it has none."""
    members = Membership.objects.active()
    if setup.owner_id:
        members = members.filter(organisation_id=setup.owner_id)
    else:
        members = members.filter(
            organisation__departement_id=setup.departement_id,
            organisation__kind__in=DEPARTEMENT_STAFF_KINDS,
            role=Role.PROGRAMME_PILOT,
        )
    pairs = members.order_by("user_id", "organisation_id").values_list("user_id", "organisation_id")
    return list(dict(reversed(list(pairs))).items())  # one organisation per user (the first one)


def entered_reminders_send(*, today: date) -> dict:
    """Once a day: reminds the owners of each chosen setup of a period whose deadline is near (`reminder_days`
    before) and again once late, as long as the whole-département value is not submitted. One notification per
    owner, period and kind, never twice (the `EntryReminder` key)."""
    sent = 0
    with transaction.atomic():
        for setup in EntrySetup.objects.select_related("indicator").order_by("departement_id", "indicator__position"):
            for period in expected_periods(setup, today):
                deadline = deadline_of(setup, period)
                if today > deadline:
                    kind = ReminderKind.LATE
                elif (deadline - today).days <= setup.reminder_days:
                    kind = ReminderKind.DUE
                else:
                    continue
                entry = cell_entries(
                    setup=setup,
                    period=period,
                    territory_level=TerritoryLevel.DEPARTEMENT,
                    territory_code=setup.departement_id,
                ).first()
                if entry is not None and entry.status not in OWNER_PENDING:
                    continue
                key = {
                    "indicator_id": setup.indicator_id,
                    "departement_id": setup.departement_id,
                    "period_kind": period.kind,
                    "period_start": period.start,
                    "kind": kind,
                }
                done = set(EntryReminder.objects.filter(**key).values_list("recipient_id", flat=True))
                owners = [(user, organisation) for user, organisation in _owners(setup) if user not in done]
                if not owners:
                    continue
                EntryReminder.objects.bulk_create(
                    [EntryReminder(**key, recipient_id=user, sent_on=today) for user, _ in owners]
                )
                when = f"attendue au plus tard le {deadline:%d/%m/%Y}"
                title = (
                    f"En retard : {setup.indicator.code}, {period.label}, {when}"
                    if kind == ReminderKind.LATE
                    else f"À saisir : {setup.indicator.code}, {period.label}, {when}"
                )
                url = reverse("observatory:entered_form", args=[setup.indicator.code, period.key])
                for user, organisation in owners:
                    sent += notify(
                        recipient_ids=[user],
                        organisation_id=organisation,
                        kind=NotificationKind.ENTRY_DUE,
                        title=title,
                        url=url,
                    )
        audit_event_record(code=AuditCode.ENTRY_REMINDERS_SENT, extra={"day": today, "sent": sent})
    return {"sent": sent}
