"""What the daily commands (cron) share: the `--date` argument that replays a missed day."""

import argparse
from datetime import date, datetime

from django.utils import timezone


def day_argument(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        # argparse shows it as a usage error (a CommandError when called from code), not a traceback.
        raise argparse.ArgumentTypeError(f"Date invalide : {value} (attendu : AAAA-MM-JJ).") from error


def add_date_argument(parser) -> None:
    parser.add_argument(
        "--date", type=day_argument, default=None, help="jour à traiter (AAAA-MM-JJ), par défaut aujourd'hui"
    )


def moment_of(day: date | None) -> datetime:
    """Now, or, when replaying `day`, that day at the current time."""
    now = timezone.now()
    if day is None:
        return now
    return timezone.make_aware(datetime.combine(day, timezone.localtime(now).time()))
