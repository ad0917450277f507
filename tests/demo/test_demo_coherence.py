"""The demo reads like a real Département's data (issue « A working day », item 8): a CEJ only for people under 26
at its start, no right opened before the month it was requested in, no one oriented years ago still « waiting » for
a first invitation, one name per service in a structure, a queue of recent entrants. Checked on a small seed."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.notebook.demo import CEJ_SINCE
from jalon.notebook.models import Contract
from jalon.offer.models import Service
from jalon.organisations.models import Membership
from jalon.orientation.delays.selectors import person_delays
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import Orientation
from jalon.orientation.selectors import orientation_queue
from jalon.people.models import RsaRight


pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    from jalon.demo.builder import demo_build

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("load_cog", "--departements", "40", verbosity=0)
    return demo_build(departement_code="40", log=lambda _message: None, households=300)


def _age(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def test_the_demo_data_is_coherent(demo):
    # A CEJ (since March 2022) only for someone under 26 when it starts, renewals included.
    cej = Contract.objects.filter(contract_type__code="cej").select_related("notebook__person")
    assert cej.exists()
    for contract in cej:
        assert contract.starts_on >= CEJ_SINCE, contract.starts_on
        assert _age(contract.notebook.person.birth_date, contract.starts_on) < 26, contract.pk

    # A right starts (the CAF's DDNATDRO) on the first day of the month of its request at the earliest.
    rights = RsaRight.objects.exclude(opening_date=None)
    assert rights.exists()
    for requested, opened in rights.values_list("request_date", "opening_date"):
        assert opened >= requested.replace(day=1), (requested, opened)

    # No one oriented (years ago, often) shows a first invitation still « en cours ».
    today = timezone.localdate()
    long_ago = Orientation.objects.current().filter(
        person__departement_id="40", decided_on__lt=today - datetime.timedelta(days=365)
    )
    assert long_ago.exists()
    for orientation in long_ago.select_related("person")[:100]:
        invitation = next(
            step for step in person_delays(person=orientation.person).steps if step.step == DelayStep.INVITATION
        )
        assert not invitation.pending, orientation.person_id

    # One name per service in a structure: the referral's pick-list never offers the same line twice.
    twice = Service.objects.values("structure_id", "name").annotate(n=Count("pk")).filter(n__gt=1)
    assert Service.objects.exists() and not twice.exists(), list(twice)

    # Who waits for an orientation asked for the RSA in the last 400 days: a queue of recent entrants, some late.
    admin = Membership.objects.get(user__email="admin@landes.demo.jalon.test", role="administrateur")
    queue = orientation_queue(actor=Actor(user=admin.user, membership=admin))
    waits = [(today - requested).days for requested in queue.values_list("right_requested_on", flat=True)]
    assert waits and max(waits) <= 400, max(waits)
    assert any(wait > 60 for wait in waits)  # some are late: the delay alerts have work
