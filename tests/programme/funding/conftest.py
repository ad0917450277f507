"""A hand-built case on the small plan of `tests/programme/factories.py` (the Landes, 2021-2025): two territories,
two operators, three budget lines, written through the services. Today is 15 June 2023."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Organisation
from jalon.programme.funding import services
from jalon.programme.funding.enums import Instrument
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.programme.factories import load_small_plan
from tests.territories.factories import DepartementFactory, TerritoryFactory


NOW = datetime.datetime(2023, 6, 15, 10, tzinfo=datetime.UTC)


def actor_of(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def D(value) -> Decimal:
    return Decimal(str(value))


@dataclass
class Case:
    programme: object
    north: object
    south: object
    op1: object
    op2: object
    pilot: object  # membership
    manager: object  # membership, North only
    l1: object  # A.1 2023 SPIE 100 000, split North 60 000 / South 40 000
    l2: object  # A.1 2023 CALPAE 50 000, not split
    l3: object  # C.2 2024 SPIE 20 000, not split
    c_north_1: object
    c_north_2: object
    c_south: object
    c_l2: object

    @property
    def actor(self):
        return actor_of(self.pilot)


@pytest.fixture
def case(db):
    with time_machine.travel(NOW, tick=False):
        programme = load_small_plan().programme
        departement = programme.departement
        north = TerritoryFactory(departement=departement, name="Nord")
        south = TerritoryFactory(departement=departement, name="Sud")
        op1 = OrganisationFactory(departement=departement, name="Opérateur Un", kind="operateur")
        op2 = OrganisationFactory(departement=departement, name="Opérateur Deux", kind="association")
        cd = Organisation.objects.get(kind="cd", departement_id="40")
        pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)
        sdsei = OrganisationFactory(departement=departement, name="SDSEI Nord", kind="sdsei", parent=cd)
        manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=sdsei)
        manager.territories.set([north])
        actor = actor_of(pilot)
        spie = programme.funding_sources.get(code="SPIE")
        calpae = programme.funding_sources.get(code="CALPAE")
        a1, c2 = programme.actions.get(code="A.1"), programme.actions.get(code="C.2")

        def line(action, year, source, amount):
            return services.budget_line_create(
                actor=actor, programme=programme, action=action, year=year, funding_source=source, amount_eur=D(amount)
            )

        def commit(line, territory, operator, amount, *payments):
            envelope = line.envelopes.get(territory=territory) if territory else None
            commitment = services.commitment_record(
                actor=actor,
                line=line,
                envelope=envelope,
                operator=operator,
                instrument=Instrument.GRANT,
                reference=f"E-{operator.pk}-{amount}",
                amount_eur=D(amount),
                committed_on=datetime.date(2023, 2, 1),
            )
            for index, value in enumerate(payments):
                services.payment_record(
                    actor=actor,
                    commitment=commitment,
                    amount_eur=D(value),
                    paid_on=datetime.date(2023, 4, 1 + index),
                    reference=f"M-{commitment.pk}-{index}",
                )
            return commitment

        l1 = line(a1, 2023, spie, 100000)
        services.budget_line_split(actor=actor, line=l1, amounts={north: D(60000), south: D(40000)})
        l2 = line(a1, 2023, calpae, 50000)
        l3 = line(c2, 2024, spie, 20000)
        built = Case(
            programme=programme,
            north=north,
            south=south,
            op1=op1,
            op2=op2,
            pilot=pilot,
            manager=manager,
            l1=l1,
            l2=l2,
            l3=l3,
            c_north_1=commit(l1, north, op1, 30000, 10000, 5000),
            c_north_2=commit(l1, north, op2, 24000),
            c_south=commit(l1, south, op1, 10000, 10000),
            c_l2=commit(l2, None, op2, 45000, 20000),
        )
        yield built


@pytest.fixture
def elsewhere(db):
    """An organisation and a territory of another Département."""
    departement = DepartementFactory(code="64")
    return OrganisationFactory(departement=departement, name="Opérateur béarnais"), TerritoryFactory(
        departement=departement, name="Béarn"
    )
