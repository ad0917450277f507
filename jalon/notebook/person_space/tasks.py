from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.notebook.person_space.services import SENDER_LABEL, access_codes_send


@task()
def access_codes_send_task(*, person_ids: list[int], channel: str, ip_address: str | None = None) -> int:
    """Makes and sends the codes a login request asked for, out of the request (its answer must not take longer
    for a known contact). Its arguments are person ids, never a code; the audit events keep the request's address.
    It answers how many codes went out."""
    with acting_as(SENDER_LABEL, ip_address=ip_address):
        return len(access_codes_send(person_ids=person_ids, channel=channel))
