from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.inbox.services import inbox_digests_send


@task()
def inbox_daily_task() -> dict:
    """The inbox's daily digest as a background task (`manage.py db_worker`)."""
    with acting_as("tâche inbox_daily"):
        return inbox_digests_send()
