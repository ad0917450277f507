from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.programme.governance.services import bodies_remind_late


@task()
def governance_daily_task(day: str | None = None) -> dict:
    """The daily reminder of late bodies as a background task (`manage.py db_worker`). `day` (YYYY-MM-DD) replays a
    given day; a body already reminded of in its current lateness is not reminded of again."""
    with acting_as("tâche governance_daily"):
        return bodies_remind_late(today=date.fromisoformat(day) if day else None)
