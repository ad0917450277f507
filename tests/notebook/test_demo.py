import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jalon.notebook.demo import build
from jalon.notebook.enums import NoteVisibility, WorkStatus
from jalon.notebook.models import (
    Appointment,
    Consent,
    Contact,
    Contract,
    Note,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    TeamMember,
)
from jalon.orientation.models import Orientation, ReferentAssignment


pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_ctx():
    from jalon.demo.builder import demo_build

    call_command("load_cog", "--departements", "40", verbosity=0)
    ctx = demo_build(departement_code="40", log=lambda _message: None, households=300)
    build(ctx)  # a no-op on the second call, when the lead has listed it in DEMO_STEPS
    return ctx


def test_every_person_followed_has_a_consistent_carnet(demo_ctx):
    today = timezone.localdate()
    followed = set(
        ReferentAssignment.objects.current().filter(person__departement_id="40").values_list("person_id", flat=True)
    )
    notebooks = Notebook.objects.filter(person__departement_id="40")
    # The people whose path ended (demo exits) keep their carnet, closed, and are followed no more.
    assert followed and set(notebooks.filter(closed_on=None).values_list("person_id", flat=True)) == followed
    assert not notebooks.exclude(closed_on=None).filter(person_id__in=followed).exists()

    # Freins: the DSP's and the study's, each carnet at most once per category (the constraint held).
    assert NotebookFrein.objects.filter(notebook__in=notebooks).exists()
    assert NotebookFrein.objects.filter(category__code="mobilite").exists()
    assert NotebookFrein.objects.filter(category__code="contraintes_familiales").exists()
    # Projects with a ROME job for about 60 %.
    with_project = ProfessionalProject.objects.exclude(appellation=None).values("notebook").distinct().count()
    assert 0.4 * len(followed) < with_project < 0.8 * len(followed)
    assert not ProfessionalProject.objects.exclude(appellation=None).filter(rome=None).exists()
    # Objectives linked to a frein or to the project, mixed statuses, some overdue, each with an action.
    objectives = Objective.objects.filter(notebook__in=notebooks)
    assert not objectives.filter(frein=None, project=None).exists()
    assert len(set(objectives.values_list("status", flat=True))) >= 3
    assert objectives.filter(status__in=WorkStatus.open_values(), due_on__lt=today).exists()
    assert not objectives.annotate(n=Count("actions")).filter(n=0).exists()

    # Contracts for about 70 % of the people oriented more than two months ago, some to renew.
    long_ago = Orientation.objects.current().filter(
        person__departement_id="40", decided_on__lt=today - datetime.timedelta(days=60)
    )
    # People, not contracts: a long path holds its first contract and the renewal in force.
    with_contract = (
        Contract.objects.filter(notebook__person__in=long_ago.values("person_id"))
        .values("notebook__person_id")
        .distinct()
        .count()
    )
    assert 0.6 * long_ago.count() <= with_contract <= 0.8 * long_ago.count()
    assert Contract.objects.filter(ends_on__gt=today, ends_on__lte=today + datetime.timedelta(days=30)).exists()
    # The orientation's path dates say the same as the carnet.
    for orientation in Orientation.objects.current().filter(person__departement_id="40"):
        # The path records the first signature; a renewal follows it.
        contract = Contract.objects.filter(notebook__person_id=orientation.person_id).order_by("signed_on").first()
        assert orientation.contract_signed_on == (contract.signed_on if contract else None)
        if contract:
            assert orientation.first_appointment_on is not None
            assert orientation.first_appointment_on <= contract.signed_on

    # Contacts: last_contact_on is the latest contact; about one in ten perdus de vue (over 10 weeks).
    assert not notebooks.filter(last_contact_on=None).exists()
    for notebook in notebooks.exclude(contacts=None)[:50]:
        assert notebook.contacts.order_by("-occurred_on").first().occurred_on == notebook.last_contact_on
    lost = notebooks.filter(last_contact_on__lt=today - datetime.timedelta(weeks=10)).count()
    assert 0.03 * len(followed) < lost < 0.2 * len(followed)
    assert Contact.objects.filter(notebook__in=notebooks).count() >= len(followed)

    # The demo référents have appointments in the next 14 days.
    soon = Appointment.objects.filter(
        starts_at__gte=timezone.now(), starts_at__lt=timezone.now() + datetime.timedelta(days=14)
    )
    for key in ("referent", "referent.ft"):
        assert soon.filter(professional=demo_ctx.users[key]).exists(), key

    # Notes of both kinds; a partner association in a few teams, each with the person's consent.
    assert Note.objects.filter(visibility=NoteVisibility.PRIVATE).exists()
    assert Note.objects.filter(visibility=NoteVisibility.SHARED).exists()
    members = TeamMember.objects.filter(organisation=demo_ctx.organisations["aci"])
    assert members.exists()
    for member in members:
        assert Consent.objects.filter(
            notebook=member.notebook, organisation=member.organisation, revoked_on=None
        ).exists()


def test_the_demo_carnets_are_built_once(demo_ctx):
    counts = (Notebook.objects.count(), Contract.objects.count(), Contact.objects.count(), Note.objects.count())
    build(demo_ctx)
    assert (Notebook.objects.count(), Contract.objects.count(), Contact.objects.count(), Note.objects.count()) == (
        counts
    )
