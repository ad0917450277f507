"""The carnet of Inès Martin, whom a référent of the Mont-de-Marsan agency follows, reachable by e-mail and SMS."""

import datetime

import pytest
from django.utils import timezone

from jalon.core.enums import Role
from jalon.notebook.enums import FreinStatus, NoteVisibility, WorkStatus
from jalon.notebook.models import Action, Appointment, FreinCategory, Note, Notebook, NotebookFrein, Objective
from jalon.orientation.models import ReferentAssignment
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


@pytest.fixture
def carnet():
    landes = DepartementFactory()
    agency = OrganisationFactory(
        name="Agence de Mont-de-Marsan", departement=landes, phone="05 58 00 00 00", email="agence@exemple.fr"
    )
    referent = MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="Claire", user__last_name="Duval"
    )
    person = PersonFactory(
        departement=landes,
        first_name="Inès",
        last_name="Martin",
        email="ines.martin@exemple.fr",
        phone="06 12 34 56 78",
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=agency)
    notebook = Notebook.objects.create(person=person)
    objective = Objective.objects.create(
        notebook=notebook, title="Passer le permis B", status=WorkStatus.IN_PROGRESS, due_on=datetime.date(2027, 3, 1)
    )
    Action.objects.create(objective=objective, title="S'inscrire à l'auto-école solidaire", status=WorkStatus.DONE)
    NotebookFrein.objects.create(
        notebook=notebook, category=FreinCategory.objects.order_by("position").first(), status=FreinStatus.NEED
    )
    soon = timezone.now() + datetime.timedelta(days=3)
    Appointment.objects.create(
        notebook=notebook,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
        professional=referent.user,
        organisation=agency,
        place="12 rue Victor-Hugo, Mont-de-Marsan",
    )
    Appointment.objects.create(
        notebook=notebook,
        starts_at=soon + datetime.timedelta(days=1),
        ends_at=soon + datetime.timedelta(days=1, hours=1),
        professional=referent.user,
        organisation=agency,
        place="Rendez-vous annulé ici",
        cancelled_at=timezone.now(),
    )
    Note.objects.create(
        notebook=notebook,
        author=referent.user,
        organisation=agency,
        visibility=NoteVisibility.SHARED,
        text="Bravo pour l'inscription à l'auto-école.",
    )
    Note.objects.create(
        notebook=notebook,
        author=referent.user,
        organisation=agency,
        visibility=NoteVisibility.PRIVATE,
        text="Note privée : situation familiale délicate.",
    )
    return person, referent
