from datetime import date

from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.offer.daily import offer_daily


@task()
def offer_daily_task(day: str | None = None) -> dict:
    """The offer's daily run as a background task (`manage.py db_worker`): the referrals without answer to remind,
    the services to confirm on the 1st of the month. `day` (YYYY-MM-DD) replays a given day; arguments stay JSON."""
    with acting_as("tâche offer_daily"):
        return offer_daily(today=date.fromisoformat(day) if day else None)
