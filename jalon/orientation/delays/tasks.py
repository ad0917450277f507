from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.orientation.delays.services import orientation_daily


@task()
def orientation_daily_task(day: str | None = None) -> dict:
    """The daily orientation run as a background task (`manage.py db_worker`): delay alerts for every Département,
    then the session reminders. `day` (YYYY-MM-DD) replays a given day; arguments stay JSON."""
    with acting_as("tâche orientation_daily"):
        result = orientation_daily(today=date.fromisoformat(day) if day else None)
    return {
        "raised": result["alerts"]["raised"],
        "closed": result["alerts"]["closed"],
        "reminders": result["reminders"],
    }
