"""Reads of a person's France Travail situation and of their appointments to report, scoped to the actor."""

from dataclasses import dataclass, field

from django.http import Http404

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.francetravail.client import FranceTravailError, Situation, client_from_settings
from jalon.notebook.access import NotebookAccess, notebook_access
from jalon.notebook.models import Appointment
from jalon.organisations.enums import OrganisationKind
from jalon.people.models import Person
from jalon.people.selectors import person_view_record


# Those who open the carnet (as notebook's screens); the carnet's access decides which person they reach.
ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)

NOT_CONFIGURED = (
    "La connexion à France Travail n'est pas configurée pour ce Département : la situation ne peut pas être consultée "
    "depuis Jalon."
)
NO_NIR = "Le NIR de la personne n'est pas connu : France Travail ne peut pas être consulté."


def france_travail_access(*, actor: Actor, person_pk) -> NotebookAccess:
    """The carnet of a person the actor follows directly (404 otherwise): the situation France Travail holds is not
    shared with a team member who reaches the carnet only through the person's consent."""
    access = notebook_access(actor=actor, person_pk=person_pk)
    if access.through_consent:
        raise Http404(NOT_FOUND_MESSAGE)
    return access


def appointments_with_france_travail(*, notebook):
    """The carnet's appointments held by a France Travail adviser, with their attendance and what was sent."""
    return (
        Appointment.objects.filter(notebook=notebook, organisation__kind=OrganisationKind.FRANCE_TRAVAIL)
        .select_related("professional", "organisation", "france_travail_push")
        .order_by("-starts_at")
    )


@dataclass
class Consultation:
    """The outcome of one consultation: the situation, or the French message saying why there is none."""

    situation: Situation | None = None
    error: str = ""
    retry_later: bool = False


def situation_consult(*, actor: Actor, person: Person) -> Consultation:
    """Ask France Travail for the person's registration and accompaniment, once, on the actor's demand. The call is
    audited whatever its outcome (a partner was asked about this person); nothing is stored."""
    client = client_from_settings()
    if client is None:
        return Consultation(error=NOT_CONFIGURED)
    if not person.nir:
        return Consultation(error=NO_NIR)
    try:
        consultation = Consultation(situation=client.situation(nir=person.nir, birth_date=person.birth_date))
        outcome = "ok"
    except FranceTravailError as error:
        consultation = Consultation(error=error.message, retry_later=error.transient)
        outcome = error.kind
    audit_event_record(
        code=AuditCode.FRANCE_TRAVAIL_CONSULTED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
        extra={"outcome": outcome},
    )
    return consultation


@dataclass
class FranceTravailPage:
    access: NotebookAccess
    appointments: list = field(default_factory=list)
    consultation: Consultation | None = None


def france_travail_page(*, actor: Actor, person_pk, consult: bool) -> FranceTravailPage:
    access = france_travail_access(actor=actor, person_pk=person_pk)
    person = access.notebook.person
    person_view_record(actor=actor, person=person, screen="France Travail")
    return FranceTravailPage(
        access=access,
        appointments=list(appointments_with_france_travail(notebook=access.notebook)),
        consultation=situation_consult(actor=actor, person=person) if consult else None,
    )
