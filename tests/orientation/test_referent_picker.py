"""The référent pick-list offers only those who may follow a person, each under their own structure; the service
refuses anyone else."""

import pytest
from django.core.exceptions import ValidationError

from jalon.core.enums import Role
from jalon.orientation.forms import ReferentChangeForm
from jalon.orientation.services import referent_change
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def structures(db):
    agency = OrganisationFactory(kind="france_travail")
    association = OrganisationFactory(kind="association", departement=agency.departement)
    return {
        "agency": agency,
        "association": association,
        "referent": MembershipFactory(role=Role.REFERENT, organisation=agency),
        "partner": MembershipFactory(role=Role.PARTNER, organisation=association),
        "analyst": MembershipFactory(role=Role.ANALYST, organisation=agency),
        "pilot": MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=association),
    }


def test_the_pick_list_holds_only_who_may_follow_a_person_under_their_structure(structures):
    form = ReferentChangeForm(departement_id=structures["agency"].departement_id)
    offered = set(form.fields["referent"].queryset)
    assert offered == {structures["referent"].user, structures["partner"].user}
    html = str(form["referent"])
    assert 'data-filtered-by="id_organisation"' in html
    referent = structures["referent"].user
    assert f'value="{referent.pk}" data-filter-values="{structures["agency"].pk}"' in html


def test_the_service_refuses_a_referent_whose_role_follows_nobody(structures):
    person = PersonFactory(departement=structures["agency"].departement)
    officer = MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd")
    with pytest.raises(ValidationError) as error:
        referent_change(
            actor=actor_for(officer),
            person=person,
            referent=structures["analyst"].user,
            organisation=structures["agency"],
            reason="départ",
        )
    assert "son rôle ne le permet pas" in error.value.message_dict["referent"][0]


def test_the_session_form_offers_the_professionals_of_orientation_cells_only(structures):
    from jalon.orientation.sessions.forms import SessionForm

    officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__departement=structures["agency"].departement
    )
    form = SessionForm(departement_id=structures["agency"].departement_id)
    offered = set(form.fields["professionals"].queryset)
    assert offered == {structures["referent"].user, officer.user}  # not the partner, the analyst or the pilot
