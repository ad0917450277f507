from datetime import date

from django.utils import timezone
from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.surveys.services import invitations_remind


@task()
def surveys_remind_task(day: str | None = None) -> int:
    """The daily reminders of the surveys as a background task (`manage.py db_worker`); `day` (YYYY-MM-DD) replays
    a given day. An invitation is reminded once."""
    with acting_as("tâche surveys_remind"):
        return invitations_remind(today=date.fromisoformat(day) if day else timezone.localdate())
