from django.utils import timezone
from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.observatory.services import observatory_daily


@task()
def observatory_daily_task() -> int:
    """The observatory's nightly refresh as a background task (`manage.py db_worker`)."""
    with acting_as("tâche observatory_daily"):
        return sum(run.values_written for run in observatory_daily(today=timezone.localdate()))
