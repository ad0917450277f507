from django_tasks import task

from jalon.notebook.person_space.services import access_codes_send


@task()
def access_codes_send_task(*, person_ids: list[int], channel: str) -> int:
    """Makes and sends the codes a login request asked for, out of the request (its answer must not take longer
    for a known contact). Its arguments are person ids, never a code; it answers how many codes went out."""
    return len(access_codes_send(person_ids=person_ids, channel=channel))
