from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.exits.services import exits_daily


@task()
def exits_daily_task(day: str | None = None) -> dict:
    """The exits' daily run as a background task (`manage.py db_worker`). `day` (YYYY-MM-DD) replays a given day."""
    with acting_as("tâche exits_daily"):
        return exits_daily(today=date.fromisoformat(day) if day else None)
