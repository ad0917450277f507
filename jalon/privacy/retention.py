"""How long a person's file is kept: the "last contact" and the files whose retention period has run out.

The last contact is the latest dated trace of the person's path in Jalon (docs/decisions/0017): a change of their
RSA right or household from the CAF/MSA flux, an orientation or a référent, an orientation session or interview, a
reorientation, a carnet update, an appointment, a contact, a contract, a note, a message, a referral to the offer,
a measure, a sign-in to their own space — and the creation of the file itself. A person whose RSA right is open
(or still being examined) is never purged, however old their last trace.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jalon.core.periods import add_months
from jalon.people.enums import RightState


@dataclass(frozen=True)
class Trace:
    """Rows of `model` whose `field` dates a contact with the person reached by `person_path`."""

    model: str
    person_path: str
    field: str
    label: str


TRACES: tuple[Trace, ...] = (
    Trace("people.Person", "pk", "created_at", "création du dossier"),
    Trace("people.ChangeEvent", "person", "occurred_at", "historique du dossier"),
    Trace("people.ChangeEvent", "household__members__person", "occurred_at", "droit RSA ou foyer"),
    Trace("orientation.Orientation", "person", "decided_on", "orientation"),
    Trace("orientation.Orientation", "person", "ended_on", "fin d'orientation"),
    Trace("orientation.ReferentAssignment", "person", "started_on", "désignation d'un référent"),
    Trace("orientation.SessionParticipant", "person", "invited_at", "invitation à une séance"),
    Trace("orientation.SessionParticipant", "person", "responded_at", "réponse à une invitation"),
    Trace("orientation.SessionParticipant", "person", "attendance_recorded_at", "présence à une séance"),
    Trace("orientation.Interview", "person", "conducted_on", "entretien d'orientation"),
    Trace("orientation.ReorientationRequest", "person", "requested_on", "demande de réorientation"),
    Trace("orientation.ReorientationRequest", "person", "decided_on", "décision de réorientation"),
    Trace("orientation.LongTermReview", "person", "reviewed_on", "diagnostic de longue durée"),
    Trace("notebook.Notebook", "person", "last_activity_at", "mise à jour du carnet"),
    Trace("notebook.Notebook", "person", "last_contact_on", "dernier contact du carnet"),
    Trace("notebook.Appointment", "notebook__person", "starts_at", "rendez-vous"),
    Trace("notebook.Contact", "notebook__person", "occurred_on", "contact"),
    Trace("notebook.Contract", "notebook__person", "signed_on", "signature d'un contrat"),
    Trace("notebook.Contract", "notebook__person", "ends_on", "fin d'un contrat"),
    Trace("notebook.Note", "notebook__person", "created_at", "note du carnet"),
    Trace("notebook.PersonAccessCode", "person", "used_at", "connexion à l'espace personnel"),
    Trace("messaging.Message", "person", "created_at", "message"),
    Trace("offer.Referral", "person", "sent_at", "orientation vers un service"),
    Trace("offer.ReferralEvent", "referral__person", "occurred_at", "suite d'une orientation vers un service"),
    Trace("offer.Measure", "person", "starts_on", "début d'une mesure"),
    Trace("offer.Measure", "person", "ends_on", "fin d'une mesure"),
)

# Rights that keep a file alive: open (paid or suspended) and requests still being examined.
PROTECTING_RIGHT_STATES = (*RightState.open_states(), RightState.PENDING)


def retention_months() -> int:
    return int(settings.JALON_RETENTION_MONTHS)


def retention_cutoff(today: date) -> date:
    """Files whose last contact is on or before this day are past their retention period on `today`."""
    return add_months(today, -retention_months())


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _model(trace: Trace) -> Any:
    return apps.get_model(trace.model)


def _is_datetime(trace: Trace) -> bool:
    return isinstance(_model(trace)._meta.get_field(trace.field), models.DateTimeField)


def _after(trace: Trace, day: date) -> Q:
    """Rows of the trace dated after `day` (in local time for date-times)."""
    if _is_datetime(trace):
        return Q(**{f"{trace.field}__gte": start_of_day(day + timedelta(days=1))})
    return Q(**{f"{trace.field}__gt": day})


def has_open_right() -> Exists:
    member = apps.get_model("people", "HouseholdMember")
    return Exists(
        member.objects.filter(person=OuterRef("pk"), left_on=None, household__right__state__in=PROTECTING_RIGHT_STATES)
    )


def expired_persons(*, today: date):
    """Identified persons, not merged, without an open right and without any trace after the cut-off day."""
    person = apps.get_model("people", "Person")
    cutoff = retention_cutoff(today)
    qs = person.objects.active().identified().exclude(has_open_right())
    for trace in TRACES:
        if trace.person_path == "pk":
            qs = qs.exclude(_after(trace, cutoff))
            continue
        recent = _model(trace).objects.filter(_after(trace, cutoff), **{trace.person_path: OuterRef("pk")})
        qs = qs.exclude(Exists(recent))
    return qs


def last_contact(person) -> tuple[date | None, str]:
    """The day of the person's last contact and what it was (for the export and the anonymisation record).
    Dates in the future (an appointment or contract end still to come) count as they are."""
    best: tuple[date | None, str] = (None, "")
    for trace in TRACES:
        lookup = {"pk": person.pk} if trace.person_path == "pk" else {trace.person_path: person.pk}
        value = _model(trace).objects.filter(**lookup).aggregate(latest=models.Max(trace.field))["latest"]
        if value is None:
            continue
        day = timezone.localdate(value) if isinstance(value, datetime) else value
        if best[0] is None or day > best[0]:
            best = (day, trace.label)
    return best
