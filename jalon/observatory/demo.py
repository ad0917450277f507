"""The demo's snapshots: the last twelve months (with their quarters and years) for the trends, with their segments
for the periods a dashboard opens on (the last complete month and the periods still running). A real Département
runs `observatory_compute --complet` once (three years), then the nightly refresh."""

from datetime import timedelta

from django.utils import timezone

from jalon.core.periods import add_months
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import SnapshotRun
from jalon.observatory.periods import period_of
from jalon.observatory.services import catalogue_load, snapshot_compute


def build(ctx) -> None:
    catalogue_load()
    today = timezone.localdate()
    if SnapshotRun.objects.filter(departement=ctx.departement, as_of=today).exclude(finished_at=None).exists():
        return  # a second seed the same day finds the figures computed (the nightly task refreshes them)
    this_month = period_of(PeriodKind.MONTH, today).start
    # A small demo (a test's) keeps only the periods still running: the nightly refresh's share.
    full = ctx.households is None
    run = snapshot_compute(
        departement_id=ctx.departement.code,
        today=today,
        full=full,
        first_day=add_months(this_month, -12),
        segmented_from=this_month - timedelta(days=1),
    )
    ctx.log(f"Observatoire : {run.values_written} valeurs calculées")
