"""What the person reads of their own carnet: never a private note, never another person's data."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import Action, Appointment, Note, Notebook, NotebookFrein, Objective, ProfessionalProject
from jalon.orientation.models import ReferentAssignment
from jalon.people.models import Person


NEXT_APPOINTMENTS = 5
SHARED_NOTES = 20


@dataclass
class PersonSpace:
    person: Person
    notebook: Notebook
    referent: ReferentAssignment | None
    appointments: list = field(default_factory=list)
    objectives: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    freins: list = field(default_factory=list)
    project: ProfessionalProject | None = None


def logged_in_person(person_id) -> Person | None:
    """The person of the session, as long as they still have a carnet and their record was not merged away."""
    if not person_id:
        return None
    return Person.objects.active().filter(pk=person_id, notebook__isnull=False).select_related("notebook").first()


def person_space(*, person: Person, with_details: bool = False) -> PersonSpace:
    """Everything the person's home page (and, `with_details`, their PDF) shows, in a constant number of queries."""
    notebook: Notebook = person.notebook  # type: ignore[attr-defined]  # reverse one-to-one, select_related
    referent = (
        ReferentAssignment.objects.current().filter(person=person).select_related("referent", "organisation").first()
    )
    appointments = list(
        Appointment.objects.filter(notebook=notebook, cancelled_at=None, starts_at__gte=timezone.now())
        .select_related("organisation", "professional")
        .order_by("starts_at")[:NEXT_APPOINTMENTS]
    )
    objectives = list(
        Objective.objects.filter(notebook=notebook)
        .prefetch_related(Prefetch("actions", queryset=Action.objects.order_by("due_on", "id")))
        .order_by("due_on", "id")
    )
    # Only shared notes: private notes belong to a professional's organisation, never to the person's view.
    notes = list(
        Note.objects.filter(notebook=notebook, visibility=NoteVisibility.SHARED)
        .select_related("author", "organisation")
        .order_by("-created_at", "-id")[:SHARED_NOTES]
    )
    space = PersonSpace(
        person=person,
        notebook=notebook,
        referent=referent,
        appointments=appointments,
        objectives=objectives,
        notes=notes,
    )
    if with_details:
        space.freins = list(NotebookFrein.objects.filter(notebook=notebook).select_related("category"))
        space.project = (
            ProfessionalProject.objects.filter(notebook=notebook).select_related("appellation", "rome").first()
        )
    return space
