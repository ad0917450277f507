"""Writes of the plan: each checks who acts, refuses bad input in French with nothing written, keeps the fiche's
versions (who and when, through django-simple-history) and writes its audit event."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record, changed_fields
from jalon.observatory.enums import Unit
from jalon.observatory.services import indicator_target_set
from jalon.programme import access
from jalon.programme.enums import ActionStatus
from jalon.programme.models import ActionIndicator, ActionSheet, ActionStep, ProgressReview


NOT_ALLOWED = "Vous ne pouvez pas modifier cette fiche action."
STALE = (
    "La fiche a été modifiée par quelqu'un d'autre pendant que vous la lisiez : rechargez-la pour voir ses "
    "changements, puis refaites les vôtres."
)


def _lock(action: ActionSheet, version: int | None) -> ActionSheet:
    """The fiche, locked for the write; refused when the form was read from an older version."""
    current = ActionSheet.objects.select_for_update().select_related("programme").get(pk=action.pk)
    if version is not None and int(version) != current.version:
        raise ValidationError(STALE)
    return current


def _save(action: ActionSheet, actor: Actor) -> None:
    action.version += 1
    action._history_user = actor.user  # type: ignore[attr-defined]
    action.save()


@transaction.atomic
def action_update(
    *, actor: Actor, action: ActionSheet, version: int | None, status: str, schedule: str = "", context: str = ""
) -> ActionSheet:
    if not access.may_edit_action(actor, action):
        raise ValidationError(NOT_ALLOWED)
    action = _lock(action, version)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choisissez l'état de l'action."})
    data = {"status": status, "schedule": (schedule or "").strip(), "context": (context or "").strip()}
    old, new = changed_fields(action, list(data), data)
    if not new:
        return action
    for name, value in data.items():
        setattr(action, name, value)
    _save(action, actor)
    audit_event_record(
        code=AuditCode.ACTION_SHEET_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=action,
        old=old,
        new=new,
    )
    return action


@transaction.atomic
def action_review_record(
    *,
    actor: Actor,
    action: ActionSheet,
    version: int | None,
    year: int,
    status: str,
    summary: str,
    difficulties: str = "",
) -> ProgressReview:
    """The yearly account of the action; its state becomes the action's. One review a year, rewritten until the
    year's account is closed by the next one."""
    if not access.may_edit_action(actor, action):
        raise ValidationError(NOT_ALLOWED)
    action = _lock(action, version)
    programme = action.programme
    errors = {}
    if year is None or not programme.start.year <= int(year) <= min(programme.end.year, timezone.localdate().year):
        errors["year"] = (
            f"L'année du bilan doit être comprise entre {programme.start.year} et "
            f"{min(programme.end.year, timezone.localdate().year)}."
        )
    if status not in ActionStatus.values:
        errors["status"] = "Choisissez l'état de l'action."
    if not (summary or "").strip():
        errors["summary"] = "Écrivez le bilan de l'année."
    if errors:
        raise ValidationError(errors)
    review = ProgressReview.objects.filter(action=action, year=year).first() or ProgressReview(
        action=action, year=year
    )
    old = {"status": review.status, "summary": review.summary} if review.pk else None
    review.status, review.summary, review.difficulties = status, summary.strip(), (difficulties or "").strip()
    review.author = actor.user
    review._history_user = actor.user  # type: ignore[attr-defined]
    review.save()
    if action.status != status:
        action.status = status
    _save(action, actor)
    audit_event_record(
        code=AuditCode.ACTION_SHEET_REVIEW_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=action,
        old=old,
        new={"year": year, "status": status, "summary": review.summary},
    )
    return review


@transaction.atomic
def action_step_update(
    *, actor: Actor, step: ActionStep, done_on: date | None, planned_end: date | None
) -> ActionStep:
    action = step.action
    if not access.may_edit_action(actor, action):
        raise ValidationError(NOT_ALLOWED)
    programme = action.programme
    errors = {}
    if done_on and done_on > timezone.localdate():
        errors["done_on"] = "Une étape ne peut être réalisée dans le futur."
    if planned_end and not programme.start <= planned_end <= programme.end:
        errors["planned_end"] = (
            f"L'échéance doit tomber dans la période du programme ({programme.start:%d/%m/%Y} – "
            f"{programme.end:%d/%m/%Y})."
        )
    if errors:
        raise ValidationError(errors)
    old, new = changed_fields(step, ["done_on", "planned_end"], {"done_on": done_on, "planned_end": planned_end})
    if not new:
        return step
    step.done_on, step.planned_end = done_on, planned_end
    step._history_user = actor.user  # type: ignore[attr-defined]
    step.save()
    _save(ActionSheet.objects.select_for_update().get(pk=action.pk), actor)
    audit_event_record(
        code=AuditCode.ACTION_SHEET_STEP_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=action,
        old=old,
        new={"step": step.title, **new},
    )
    return step


@transaction.atomic
def action_target_set(*, actor: Actor, link: ActionIndicator, year: int, value: float):
    """The Département's target for an indicator of the fiche (the observatory's target: one per indicator and
    year, whichever fiche sets it). A rate is typed in %."""
    action = link.action
    if not (access.may_edit_plan(actor, action.programme) and actor.acts_for_departement(Role.PROGRAMME_PILOT)):
        raise ValidationError("Seul le pilote du programme du Département fixe les cibles de ses indicateurs.")
    programme = action.programme
    if year is None or not programme.start.year <= int(year) <= programme.end.year:
        raise ValidationError(
            {"year": f"L'année doit être comprise entre {programme.start.year} et {programme.end.year}."}
        )
    if value is None or value < 0:
        raise ValidationError({"value": "La cible est un nombre positif."})
    if link.indicator.unit == Unit.RATE:
        if value > 100:
            raise ValidationError({"value": "Une part ne peut dépasser 100 %."})
        value = value / 100
    target = indicator_target_set(
        actor=actor,
        indicator=link.indicator,
        departement_id=programme.departement_id,
        year=year,
        territory=None,
        value=value,
    )
    audit_event_record(
        code=AuditCode.ACTION_SHEET_TARGET_SET,
        actor=actor.user,
        organisation=actor.organisation,
        subject=action,
        new={"indicator": link.indicator.code, "year": year, "value": value},
    )
    return target


@transaction.atomic
def action_offer_link(*, actor: Actor, action: ActionSheet, services, plateaux, dispositifs=()) -> ActionSheet:
    """The services and plateaux techniques of the Département's offer the action runs on or funds, and the
    dispositifs d'accompagnement it carries."""
    if not access.may_edit_action(actor, action):
        raise ValidationError(NOT_ALLOWED)
    departement_id = action.programme.departement_id
    if (
        any(service.departement_id != departement_id for service in services)
        or any(plateau.departement_id != departement_id for plateau in plateaux)
        or any(dispositif.departement_id != departement_id for dispositif in dispositifs)
    ):
        raise ValidationError("Un service, un plateau ou un dispositif lié doit être du Département du plan.")
    old = {
        "services": sorted(action.services.values_list("pk", flat=True)),
        "plateaux": sorted(action.plateaux.values_list("pk", flat=True)),
        "dispositifs": sorted(action.dispositifs.values_list("pk", flat=True)),
    }
    action.services.set(services)
    action.plateaux.set(plateaux)
    action.dispositifs.set(dispositifs)
    audit_event_record(
        code=AuditCode.ACTION_SHEET_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=action,
        old=old,
        new={
            "services": sorted(s.pk for s in services),
            "plateaux": sorted(p.pk for p in plateaux),
            "dispositifs": sorted(d.pk for d in dispositifs),
        },
    )
    return action
