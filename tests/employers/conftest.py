import datetime
from dataclasses import dataclass

import pytest

from jalon.core.enums import Role
from jalon.employers.services import employer_create, immersion_create
from tests.conftest import actor_for
from tests.exits.conftest import TODAY, oriented_person, world  # noqa: F401  (the exits' world)
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory


SIRET = "73282932000074"
OTHER_SIRET = "44830258200011"
STARTS = datetime.date(2026, 11, 2)


@dataclass
class Place:
    world: object
    commune: object
    cd_admin: object  # membership of the Département's administrator (relations, validation)
    employer: object

    @property
    def referent(self):
        return actor_for(self.world.referent)

    @property
    def admin(self):
        return actor_for(self.cd_admin)

    def immersion(self, person=None, starts_on=STARTS, days=10, **fields):
        values = {
            "employer": self.employer,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=days - 1),
            "objectives": ["discover"],
            "job_title": "Aide-cuisinier",
            **fields,
        }
        return immersion_create(actor=self.referent, person=person or self.world.person, **values)


@pytest.fixture
def place(world):  # noqa: F811
    commune = CommuneFactory(departement=world.departement, name="Mont-de-Marsan", code="40192")
    cd_admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=world.departement
    )
    employer = employer_create(
        actor=actor_for(world.referent),
        siret=SIRET,
        name="Conserverie des Landes",
        naf_code="10.39B",
        commune=commune,
        size_band="12",
    )
    return Place(world=world, commune=commune, cd_admin=cd_admin, employer=employer)
