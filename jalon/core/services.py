"""The one way to write the audit log. Call it inside the service's transaction."""

from typing import Any

from django.db import models

from jalon.core import request_context
from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_event_record(
    *,
    code: AuditCode,
    actor=None,
    actor_label: str = "",
    organisation=None,
    subject: models.Model | None = None,
    person_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    extra: dict | None = None,
) -> AuditEvent:
    data: dict[str, Any] = {}
    if old is not None:
        data["old"] = _jsonable(old)
    if new is not None:
        data["new"] = _jsonable(new)
    if extra:
        data.update(_jsonable(extra))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        code=code,
        actor=actor,
        actor_label=actor_label or (actor.email if actor else request_context.current().actor_label),
        organisation=organisation,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_label=str(subject)[:255] if subject is not None else "",
        person_id=person_id,
        ip_address=request_context.current().ip_address,
        data=data,
    )


def changed_fields(instance: models.Model, fields: list[str], data: dict) -> tuple[dict, dict]:
    """Old and new values of the fields whose value actually changes."""
    old, new = {}, {}
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            old[field] = getattr(instance, field)
            new[field] = data[field]
    return old, new


def model_update(*, instance: models.Model, fields: list[str], data: dict) -> tuple[dict, dict]:
    """Apply an allow-listed update and return (old, new) for the audit log; saves only what changed."""
    old, new = changed_fields(instance, fields, data)
    for field, value in new.items():
        setattr(instance, field, value)
    if new:
        instance.full_clean()
        update_fields = [*new.keys()]
        if hasattr(instance, "updated_at"):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return old, new
