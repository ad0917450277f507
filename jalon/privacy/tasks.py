from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.privacy.services import privacy_daily


@task()
def privacy_daily_task(day: str | None = None) -> dict:
    """The personal-data lifecycle's daily run as a background task (`manage.py db_worker`). `day` (YYYY-MM-DD)
    replays a given day; the result is made JSON (dates as text)."""
    with acting_as("tâche privacy_daily"):
        result = privacy_daily(today=date.fromisoformat(day) if day else None)
    return {**result, "cutoff": result["cutoff"].isoformat()}
