import datetime

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Organisation
from tests.organisations.factories import MembershipFactory
from tests.programme.factories import load_small_plan


NOW = datetime.datetime(2023, 3, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def plan():
    """The small plan (2021-2025) of `tests/programme/factories.py`; today is 15 March 2023."""
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        programme = load_small_plan().programme
    with time_machine.travel(NOW, tick=False):
        yield programme


def cd_member(role):
    return MembershipFactory(role=role, organisation=Organisation.objects.get(kind="cd", departement_id="40"))


def actor_of(membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def pilot():
    return cd_member(Role.PROGRAMME_PILOT)
