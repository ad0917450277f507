"""A small participation world: a Département with its central service and an SDSEI, their staff, a partner
administrator, a comité d'usagers of the SDSEI with two volunteers, an EPL body with one user."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from jalon.core.enums import Role
from jalon.participation import services
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory
from tests.territories.factories import DepartementFactory


PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 12, 5)
NOW = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=PARIS)


def at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def volunteer(departement, **names):
    return HouseholdMemberFactory(
        person=PersonFactory(departement=departement, **names),
        household__departement=departement,
    ).person


@dataclass
class Participation:
    departement: object
    memberships: dict = field(default_factory=dict)
    committee: object = None
    epl: object = None
    people: list = field(default_factory=list)
    members: list = field(default_factory=list)

    def actor(self, key):
        return actor_for(self.memberships[key])


def participation_build() -> Participation:
    departement = DepartementFactory()
    cd = OrganisationFactory(name="Département", kind="cd", departement=departement)
    sdsei = OrganisationFactory(name="SDSEI du Nord", kind="sdsei", departement=departement)
    other_sdsei = OrganisationFactory(name="SDSEI du Sud", kind="sdsei", departement=departement)
    association = OrganisationFactory(name="Association partenaire", kind="association", departement=departement)
    world = Participation(departement=departement)
    world.memberships = {
        "pilot": MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd),
        "admin": MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd),
        "analyst": MembershipFactory(role=Role.ANALYST, organisation=cd),
        "manager": MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=sdsei),
        "referent": MembershipFactory(role=Role.REFERENT, organisation=sdsei),
        "other_manager": MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=other_sdsei),
        "partner_admin": MembershipFactory(role=Role.ADMINISTRATOR, organisation=association),
    }
    pilot = world.actor("pilot")
    world.committee = services.body_create(
        actor=pilot, kind="comite_usagers", organisation=sdsei, name="Comité d'usagers du Nord"
    )
    world.epl = services.body_create(actor=pilot, kind="epl", organisation=cd, name="Usagers à l'EPL")
    world.people = [volunteer(departement, last_name=name, first_name="Alex") for name in ("ARNAUD", "BRUN")]
    world.members = [
        services.member_add(
            actor=pilot,
            body=world.committee,
            person=person,
            seat=seat,
            consent_on=datetime.date(2026, 1, 5),
            consent_channel="ecrit",
            starts_on=datetime.date(2026, 1, 10),
            ends_on=datetime.date(2027, 12, 31),
            today=TODAY,
        )
        for person, seat in zip(world.people, ("titulaire", "suppleant"), strict=True)
    ]
    return world
