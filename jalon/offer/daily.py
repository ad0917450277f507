"""The offer's daily run (`manage.py offer_daily`, or its background task)."""

import datetime

from django.utils import timezone

from jalon.offer.directory.services import stale_services_remind
from jalon.offer.referrals.services import referral_reminders_send


def offer_daily(*, today: datetime.date | None = None) -> dict:
    """The referrals without answer to remind, then, on the 1st of the month, the services to confirm: once a
    month, so that a structure is not told of them every day."""
    today = today or timezone.localdate()
    result = referral_reminders_send(today=today)
    result["stale_reminders"] = stale_services_remind(today=today) if today.day == 1 else None
    return result
