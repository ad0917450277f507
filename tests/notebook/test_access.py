import datetime

import pytest
from django.http import Http404

from jalon.core.enums import Role
from jalon.notebook.access import notebook_access, notes_visible_to
from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import Consent, Note, TeamMember
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


def test_the_referent_opens_the_carnet_directly(carnet):
    notebook, referent, _ = carnet
    access = notebook_access(actor=actor_for(referent), person_pk=notebook.person_id)
    assert access.notebook == notebook and not access.through_consent and access.can_write


def test_a_team_member_of_another_organisation_needs_the_persons_consent(carnet):
    notebook, referent, partner = carnet
    TeamMember.objects.create(notebook=notebook, user=partner.user, organisation=partner.organisation, role="ACI")
    with pytest.raises(Http404):
        notebook_access(actor=actor_for(partner), person_pk=notebook.person_id)
    consent = Consent.objects.create(notebook=notebook, organisation=partner.organisation)
    assert notebook_access(actor=actor_for(partner), person_pk=notebook.person_id).through_consent
    consent.revoked_on = datetime.date(2026, 11, 20)
    consent.save()
    with pytest.raises(Http404):
        notebook_access(actor=actor_for(partner), person_pk=notebook.person_id)


def test_consent_without_being_in_the_team_opens_nothing(carnet):
    notebook, _, partner = carnet
    Consent.objects.create(notebook=notebook, organisation=partner.organisation)
    with pytest.raises(Http404):
        notebook_access(actor=actor_for(partner), person_pk=notebook.person_id)


def test_private_notes_never_reach_another_organisation(carnet):
    notebook, referent, partner = carnet
    shared = Note.objects.create(
        notebook=notebook,
        author=referent.user,
        organisation=referent.organisation,
        visibility=NoteVisibility.SHARED,
        text="RDV pris",
    )
    private = Note.objects.create(
        notebook=notebook,
        author=referent.user,
        organisation=referent.organisation,
        visibility=NoteVisibility.PRIVATE,
        text="Situation familiale délicate",
    )
    assert set(notes_visible_to(actor=actor_for(referent), notebook=notebook)) == {shared, private}
    assert list(notes_visible_to(actor=actor_for(partner), notebook=notebook)) == [shared]
    colleague = MembershipFactory(role=Role.REFERENT, organisation=referent.organisation)
    assert private in notes_visible_to(actor=actor_for(colleague), notebook=notebook)
