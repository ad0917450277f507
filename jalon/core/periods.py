"""Months of a period, for the figures the observatory reads by month."""

from datetime import date, timedelta

from django.utils import timezone


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def as_month(value) -> date:
    """The month (its first day) of a date or a datetime."""
    # TruncMonth gives a date for a DateField and an aware datetime for a DateTimeField.
    if hasattr(value, "date"):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)
