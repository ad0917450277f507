import pytest
from django.core.management import call_command

from jalon.accounts.models import User
from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.demo.builder import DEMO_PASSWORD
from jalon.organisations.models import Membership, Organisation
from jalon.territories.models import Territory


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def background_worker_not_running(settings):
    """As after `make run`'s seed: the tasks it leaves (the observatory's twelve months of history) wait for the
    background worker; they are the observatory's tests' business, not the seed's."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_seed_demo_builds_every_role_and_is_idempotent(capsys):
    call_command("load_cog", "--departements", "40", verbosity=0)
    # A smaller population than `make run`'s 8 500 households: what is checked here does not depend on its size.
    call_command("seed_demo", "--households", "200")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Territory.objects.count(),
    )
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed

    call_command("seed_demo", "--households", "200")
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Territory.objects.count(),
    ) == counts

    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    # The printed logins cover every role (extra référents, created for caseloads, are not listed).
    printed_roles = {role for role in Role.labels if role in printed}
    assert printed_roles == set(Role.labels)
    # Every territory of the demo holds real communes, and together they cover the whole département.
    territories = Territory.objects.filter(departement_id="40")
    assert territories.count() == 5
    covered = {code for t in territories for code in t.communes.values_list("code", flat=True)}
    from jalon.territories.models import Commune

    assert covered == set(Commune.objects.in_departement("40").values_list("code", flat=True))
    # The seeding names itself in the audit log.
    created = AuditEvent.objects.filter(code=AuditCode.ORGANISATION_CREATED)
    assert created.count() == Organisation.objects.count()
    assert set(created.values_list("actor_label", flat=True)) == {"commande seed_demo"}


def test_seed_demo_refuses_a_population_too_small_to_show_every_role():
    from django.core.management.base import CommandError

    call_command("load_cog", "--departements", "40", verbosity=0)
    with pytest.raises(CommandError, match="au moins 50 foyers"):
        call_command("seed_demo", "--households", "10")
    assert not Organisation.objects.exists()


def test_seed_demo_without_geography_says_what_to_do():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_cog --departements 64"):
        call_command("seed_demo", "--departement", "64")


def test_the_demo_population_has_the_landes_long_term_share():
    """About 4 700 of the Landes' 8 500 households had been in the RSA for more than 4 years (PTI, §3.4)."""
    import datetime

    from jalon.demo.population import FLUX_DATE
    from jalon.people.enums import RightState
    from jalon.people.models import RsaRight

    call_command("load_cog", "--departements", "40", verbosity=0)
    call_command("seed_demo", "--households", "400", verbosity=0)
    open_rights = RsaRight.objects.filter(household__organisme="CAF", state__in=RightState.open_states())
    cutoff = FLUX_DATE.date() - datetime.timedelta(days=4 * 365)
    share = open_rights.filter(request_date__lte=cutoff).count() / open_rights.count()
    assert 0.5 <= share <= 0.7, share
