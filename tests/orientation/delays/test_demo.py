import pytest
from django.core.management import call_command

from jalon.orientation.delays.demo import build
from jalon.orientation.delays.selectors import thresholds_for
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert, Orientation


pytestmark = pytest.mark.django_db


def test_the_demo_sets_thresholds_path_dates_and_alerts_idempotently():
    from jalon.demo.builder import demo_build

    call_command("load_cog", "--departements", "40", verbosity=0)
    ctx = demo_build(departement_code="40", log=lambda _message: None, households=300)
    build(ctx)  # a no-op for what the demo steps already did, when the lead has listed it in DEMO_STEPS

    # The Landes apply the legal deadlines (décret n° 2024-1244: orientation within six weeks) and keep their own
    # first invitation within 15 days.
    thresholds = thresholds_for("40")
    assert (thresholds.invitation_days, thresholds.orientation_days) == (15, 42)
    current = Orientation.objects.current().filter(person__departement_id="40")
    dated = current.exclude(first_appointment_on=None).count()
    assert 0.5 * current.count() < dated < current.count()  # most, not all: some are late
    assert current.exclude(contract_signed_on=None).exists()
    steps = set(DelayAlert.objects.open().values_list("step", flat=True))
    assert {DelayStep.ORIENTATION, DelayStep.FIRST_APPOINTMENT} <= steps
    assert DelayAlert.objects.open().exclude(recipient=None).exists()  # the référents have theirs

    alerts, dates = DelayAlert.objects.count(), list(current.values_list("pk", "first_appointment_on"))
    build(ctx)
    assert DelayAlert.objects.count() == alerts
    assert list(current.values_list("pk", "first_appointment_on")) == dates
