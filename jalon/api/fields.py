"""Serializer fields for what partners send: every number and date an input accepts is one the database can hold
and one that makes sense, refused otherwise with a French message (400), never a 500 or a year 261."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from rest_framework import serializers

from jalon.core.converters import ID_MAX


# The dates the API accepts: births, rights, sessions, appointments, contacts all fall well inside.
FIRST_YEAR = 1900
LAST_YEAR = 2100
DATE_RANGE_MESSAGE = f"Date hors de la plage admise : l'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR}."


class IdField(serializers.IntegerField):
    """The id of a record: a positive integer that fits a bigint primary key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("error_messages", {"max_value": "Identifiant inconnu.", "min_value": "Identifiant inconnu."})
        super().__init__(**kwargs)


def _check_year(value) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range")


class DateField(serializers.DateField):
    """A date between 1900 and 2100 (the schema says so)."""

    def to_internal_value(self, value) -> datetime.date:
        date = super().to_internal_value(value)
        _check_year(date)
        return date


class DateTimeField(serializers.DateTimeField):
    """A date and time between 1900 and 2100 (the schema says so)."""

    def to_internal_value(self, value) -> datetime.datetime:
        moment = super().to_internal_value(value)
        _check_year(moment)
        return moment


def model_integer_field(model: type[models.Model], name: str, **kwargs) -> serializers.IntegerField:
    """An integer input with the bounds of a model's column (its validators, which include the database's own
    range), so that the API refuses in French what the column would refuse with an error."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.IntegerField), f"{model.__name__}.{name} is not an integer column"
    bounds: dict[str, int] = {}
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            bounds["min_value"] = max(bounds.get("min_value", validator.limit_value), validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            bounds["max_value"] = min(bounds.get("max_value", validator.limit_value), validator.limit_value)
    kwargs.setdefault("min_value", bounds.get("min_value"))
    kwargs.setdefault("max_value", bounds.get("max_value"))
    return serializers.IntegerField(**kwargs)
