"""Who may open and write a person's carnet, and what a team member of another organisation sees.

- The people the actor sees (`Person.objects.visible_to`: the Département's staff for their département, the
  organisation the person is oriented to or whose référent follows them) open the carnet in full.
- A professional of another organisation opens it only while they are in the person's team AND the person's
  consent to share with their organisation is in force; revoking the consent closes it at once.
- Private notes are read only by their author's organisation, whoever else opens the carnet.
Everything out of reach answers 404, like a carnet that does not exist (decision 0002).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from jalon.core.enums import Role
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import Consent, Note, Notebook, TeamMember
from jalon.people.models import Person


WRITER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)


@dataclass(frozen=True)
class NotebookAccess:
    notebook: Notebook
    # True when the actor reaches the carnet only as a team member of another organisation, under consent.
    through_consent: bool
    can_write: bool


def _shared_with(actor: Actor) -> Q:
    """The carnet has the actor as an active team member and their organisation has the person's consent."""
    return Q(Exists(TeamMember.objects.filter(notebook=OuterRef("pk"), user=actor.user, ended_on=None))) & Q(
        Exists(Consent.objects.filter(notebook=OuterRef("pk"), organisation=actor.organisation, revoked_on=None))
    )


def notebooks_visible_to(actor: Actor):
    if actor.organisation is None and not actor.is_platform_admin:
        return Notebook.objects.none()
    # Correlated EXISTS: an IN over the people seen would hash the whole département's persons for one carnet.
    seen = Person.objects.visible_to(actor).filter(pk=OuterRef("person_id"))
    return Notebook.objects.filter(Q(Exists(seen)) | _shared_with(actor) | _closed_by(actor))


def _closed_by(actor: Actor) -> Q:
    """A closed carnet stays readable by the organisation that ended the path."""
    if actor.organisation_id is None:
        return Q(pk__in=[])
    return Q(closed_on__isnull=False, closed_by_organisation_id=actor.organisation_id)


def notebook_access(*, actor: Actor, person_pk) -> NotebookAccess:
    """The person's carnet as the actor may reach it (404 otherwise)."""
    notebook = get_visible_or_404(
        notebooks_visible_to(actor).select_related("person__commune", "person__departement"), person_id=person_pk
    )
    direct = (
        notebook.closed_on is not None and notebook.closed_by_organisation_id == actor.organisation_id
    ) or Person.objects.visible_to(actor).filter(pk=notebook.person_id).exists()
    return NotebookAccess(
        notebook=notebook,
        through_consent=not direct,
        # A closed path is read, not written (reopening it is the exits' business).
        can_write=(actor.is_platform_admin or actor.has_role(*WRITER_ROLES)) and not notebook.is_closed,
    )


def notes_visible_to(*, actor: Actor, notebook: Notebook):
    """Shared notes, and the private notes of the actor's own organisation — never another organisation's."""
    return Note.objects.filter(notebook=notebook).filter(
        Q(visibility=NoteVisibility.SHARED) | Q(organisation_id=actor.organisation_id)
    )
