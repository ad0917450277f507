from django.utils import timezone
from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.observatory.services import observatory_daily


@task()
def observatory_daily_task() -> int:
    """The observatory's nightly refresh as a background task (`manage.py db_worker`)."""
    with acting_as("tâche observatory_daily"):
        return sum(run.values_written for run in observatory_daily(today=timezone.localdate()))


@task()
def observatory_history_task(departement_id: str, first_day: str) -> int:
    """Every period since `first_day` (ISO date), without segments: the history a new Département (or the demo)
    needs for its trends, computed in the background."""
    from datetime import date

    from jalon.observatory.services import snapshot_compute

    with acting_as("tâche observatory_history"):
        today = timezone.localdate()
        run = snapshot_compute(
            departement_id=departement_id,
            today=today,
            full=True,
            first_day=date.fromisoformat(first_day),
            segmented_from=today,
        )
        return run.values_written
