"""The demo's snapshots: two years of monthly, quarterly and yearly history for the trends, with their segments
for the periods a dashboard opens on (the last complete month and the periods still running)."""

from datetime import timedelta

from django.utils import timezone

from jalon.observatory.enums import PeriodKind
from jalon.observatory.periods import period_of
from jalon.observatory.services import catalogue_load, snapshot_compute


def build(ctx) -> None:
    catalogue_load()
    today = timezone.localdate()
    last_year = period_of(PeriodKind.YEAR, today).start.replace(year=today.year - 1)
    # The last complete month and every period still running keep their segments.
    segmented_from = period_of(PeriodKind.MONTH, today).start - timedelta(days=1)
    # A small demo (a test's) keeps only the periods still running: the nightly refresh's share.
    full = ctx.households is None
    run = snapshot_compute(
        departement_id=ctx.departement.code,
        today=today,
        full=full,
        first_day=last_year,
        segmented_from=segmented_from,
    )
    ctx.log(f"Observatoire : {run.values_written} valeurs calculées")
