"""The demo's snapshots. The periods still running (the nightly refresh's share) are computed during the seed, so
every screen has figures at once; the twelve months before them, for the trends, are computed by the background
worker that `make run` starts (`observatory_history_task`), a few minutes later. A real Département runs
`observatory_compute --complet` once (three years), then the nightly refresh."""

from django.utils import timezone

from jalon.core.periods import add_months
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import SnapshotRun
from jalon.observatory.periods import period_of
from jalon.observatory.services import catalogue_load, snapshot_compute


def build(ctx) -> None:
    from jalon.observatory.tasks import observatory_history_task

    catalogue_load()
    today = timezone.localdate()
    if SnapshotRun.objects.filter(departement=ctx.departement, as_of=today).exclude(finished_at=None).exists():
        return  # a second seed the same day finds the figures computed (the nightly task refreshes them)
    run = snapshot_compute(departement_id=ctx.departement.code, today=today)
    ctx.log(f"Observatoire : {run.values_written} valeurs calculées pour les périodes en cours")
    if ctx.households is None:
        first_day = add_months(period_of(PeriodKind.MONTH, today).start, -12)
        observatory_history_task.enqueue(ctx.departement.code, first_day.isoformat())
        ctx.log("  l'historique des douze derniers mois se calcule en tâche de fond (quelques minutes)")
