"""Closing the delay alerts of a step the moment it is done, in the transaction that does it: the référent never
sees an alert for a contract signed a minute ago (the nightly run closes the rest)."""

from django.utils import timezone

from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert


DONE_REASON = "étape réalisée"


def delay_alerts_close_done(*, person_ids, step: DelayStep) -> int:
    """Closes the open alerts of `step` for these persons when the step is now done. Returns how many."""
    from jalon.orientation.delays.selectors import step_done

    return (
        DelayAlert.objects.open()
        .filter(step=step, person_id__in=list(person_ids))
        .filter(step_done(step))
        .update(closed_at=timezone.now(), close_reason=DONE_REASON)
    )
