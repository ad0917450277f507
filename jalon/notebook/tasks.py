from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.notebook.followup.services import contract_renewals_remind


@task()
def notebook_daily_task(day: str | None = None) -> dict:
    """The carnet's daily run as a background task (`manage.py db_worker`): the contracts to renew. `day`
    (YYYY-MM-DD) replays a given day; arguments stay JSON."""
    with acting_as("tâche notebook_daily"):
        return contract_renewals_remind(today=date.fromisoformat(day) if day else None)
