import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jalon.core.enums import Role
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, EplMeeting, ReorientationRequest
from jalon.orientation.reorientation import services
from jalon.orientation.services import orientation_decide
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def officer(landes):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=landes)


@pytest.fixture
def france_travail(landes):
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)
    return agency, referent, dispositif


@pytest.fixture
def social(landes):
    service = OrganisationFactory(name="Action sociale — Mont-de-Marsan", kind="sdsei", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=service)
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement social départemental", orientation_type=OrientationType.SOCIAL
    )
    dispositif.organisations.add(service)
    return service, referent, dispositif


def _person(landes, **person):
    member = HouseholdMemberFactory(person=PersonFactory(departement=landes, **person), household__departement=landes)
    RsaRightFactory(household=member.household, request_date=datetime.date(2024, 3, 1))
    return member.person


@pytest.fixture
def oriented(landes, officer, france_travail):
    """A person oriented to France Travail in January."""
    agency, referent, dispositif = france_travail
    person = _person(landes, last_name="Oriente")
    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        dispositif=dispositif,
        decided_on=datetime.date(2026, 1, 5),
    )
    return person


def _meeting(membership, *, held_at=None, members=None, **extra) -> EplMeeting:
    return services.epl_meeting_create(
        actor=actor_for(membership),
        held_at=held_at or timezone.now(),
        place="Maison départementale de la solidarité",
        members=members if members is not None else [membership.user],
        **extra,
    )


def _request(membership, person, **extra) -> ReorientationRequest:
    values = {"reason": "Problèmes de santé : l'accompagnement vers l'emploi n'est plus adapté.", **extra}
    return services.reorientation_request(actor=actor_for(membership), person=person, **values)


def _scheduled(officer, person, **meeting):
    request = _request(officer, person)
    meeting = _meeting(officer, **meeting)
    return services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting), meeting


@pytest.fixture
def base_demo(monkeypatch):
    """The demo Département 40 (300 households) up to its orientations: the steps this area builds on."""
    from django.core.management import call_command

    from jalon.demo import builder

    steps = [
        builder.build_territories,
        builder.build_organisations,
        builder.build_users,
        builder.build_population,
        builder.build_orientations,
    ]
    monkeypatch.setattr(builder, "DEMO_STEPS", steps)
    call_command("load_cog", "--departements", "40", verbosity=0)
    return builder.demo_build(departement_code="40", log=lambda _message: None, households=300)
