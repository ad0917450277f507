from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.francetravail.services import attendance_push_send


@task()
def attendance_push_task(push_id: int) -> str:
    """Send a queued attendance to France Travail (`manage.py db_worker`); the client retries a few times itself,
    and a failure leaves the record « échec — à retransmettre » for the référent to ask again later."""
    with acting_as("tâche France Travail"):
        return attendance_push_send(push_id=push_id).status
