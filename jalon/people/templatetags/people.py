from django import template

from jalon.people.enums import ChangeKind, RightState
from jalon.people.rsa_codes import closure_reason_label, suspension_reason_label


register = template.Library()

FIELD_LABELS = {
    "last_name": "nom d'usage",
    "birth_name": "nom de naissance",
    "first_name": "prénom",
    "sex": "sexe",
    "birth_place": "lieu de naissance",
    "civility": "civilité",
    "address": "adresse",
    "address_complement": "complément d'adresse",
    "postal_code": "code postal",
    "city": "ville",
    "commune_id": "commune",
    "homeless": "sans domicile stable",
    "france_travail_id": "identifiant France Travail",
    "nir_hash": "NIR",
    "birth_date": "date de naissance",
    "phone": "téléphone",
    "email": "e-mail",
}


@register.filter
def event_details(event) -> str:
    """A short French sentence for what the event's data says."""
    data = event.data or {}
    orientation_detail = _orientation_details(event.kind, data)
    if orientation_detail is not None:
        return orientation_detail
    if event.kind in (ChangeKind.SUSPENDED, ChangeKind.CLOSED) and (data.get("reason") or data.get("reason_label")):
        # From the code, so that events recorded before the CAF labels were known read as well.
        label_of = suspension_reason_label if event.kind == ChangeKind.SUSPENDED else closure_reason_label
        return f"motif : {label_of(data['reason']) if data.get('reason') else data['reason_label']}"
    if "new_state" in data:
        old = RightState(data["old_state"]).label if data.get("old_state") is not None else "aucun"
        return f"{old} → {RightState(data['new_state']).label}"
    if "new" in data:
        changes = [
            f"{FIELD_LABELS.get(name, name)} : {data['old'].get(name) or '—'} → {value or '—'}"
            for name, value in data["new"].items()
        ]
        if data.get("reason"):
            changes.append(f"motif : {data['reason']}")
        return " ; ".join(changes)
    if data.get("role"):
        return f"rôle : {data['role']}"
    return ""


def _orientation_details(kind: str, data: dict) -> str | None:
    from jalon.orientation.enums import Attendance, InvitationKind, OrientationType, ReorientationStatus

    def label(choices, value) -> str:
        return str(choices(value).label) if value in choices.values else str(value or "")

    if kind == ChangeKind.ORIENTED:
        orientation_type = label(OrientationType, data.get("orientation_type"))
        parts = [orientation_type, data.get("organisation"), data.get("dispositif")]
        return " — ".join(part for part in parts if part)
    if kind == ChangeKind.REFERENT_CHANGED:
        return f"{data.get('referent', '')} ({data.get('organisation', '')}) — {data.get('reason', '')}".strip(" —")
    if kind == ChangeKind.INVITED:
        return f"{label(InvitationKind, data.get('kind'))} à la séance n° {data.get('session')}"
    if kind == ChangeKind.ATTENDANCE:
        return f"{label(Attendance, data.get('attendance'))} à la séance n° {data.get('session')}"
    if kind == ChangeKind.REORIENTATION_REQUESTED:
        return f"motif : {data.get('reason', '')}"
    if kind == ChangeKind.REORIENTATION_DECIDED:
        status = label(ReorientationStatus, data.get("status"))
        reason = data.get("decision_reason") or data.get("reason") or ""
        return f"{status} — {reason}" if reason else status
    return None


@register.filter
def right_badge_class(state) -> str:
    if state in RightState.open_states():
        return "fr-badge--success" if state == RightState.OPEN else "fr-badge--warning"
    if state in RightState.closed_states():
        return "fr-badge--error"
    return "fr-badge--info"
