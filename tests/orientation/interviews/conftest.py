import datetime

import pytest
from django.utils import timezone

from jalon.core.enums import Role
from jalon.intake.models import SocioProfessionalData
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, OrientationCriterion, OrientationSession, SessionParticipant
from jalon.people.enums import HouseholdRole
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def pyrenees():
    return DepartementFactory(code="64", name="Pyrénées-Atlantiques")


@pytest.fixture
def cd_admin(landes):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def officer(landes):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def cd_referent(landes):
    return MembershipFactory(role=Role.REFERENT, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def social_dispositif(landes, officer):
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement social départemental", orientation_type=OrientationType.SOCIAL
    )
    dispositif.organisations.add(officer.organisation)
    return dispositif


def criterion(departement, position, condition, value="", proposed_type=OrientationType.SOCIAL, **extra):
    defaults = {"weight": 1, "reason": f"{condition} {value}".strip()}
    return OrientationCriterion.objects.create(
        departement=departement,
        position=position,
        condition=condition,
        value=value,
        proposed_type=proposed_type,
        **{**defaults, **extra},
    )


def person_in_household(
    departement,
    *,
    role=HouseholdRole.APPLICANT,
    others=(),
    opened=datetime.date(2020, 1, 10),
    dsp=None,
    **person,
):
    """A person in an open-right household, with the other members' roles and an optional DSP."""
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=departement, **person), household__departement=departement, role=role
    )
    RsaRightFactory(household=member.household, request_date=opened, opening_date=opened)
    for other_role in others:
        HouseholdMemberFactory(
            household=member.household, person=PersonFactory(departement=departement), role=other_role
        )
    if dsp is not None:
        SocioProfessionalData.objects.create(person=member.person, **dsp)
    return member.person


def participant_for(person, organisation, *, attendance="", cancelled=False):
    starts = timezone.now() - datetime.timedelta(hours=1)
    session = OrientationSession.objects.create(
        departement=person.departement,
        organisation=organisation,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=10,
        cancelled_at=timezone.now() if cancelled else None,
    )
    return SessionParticipant.objects.create(session=session, person=person, attendance=attendance)
