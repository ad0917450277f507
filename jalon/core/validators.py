"""Validators shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from email_validator import EmailNotValidError, validate_email


EMAIL_INVALID = "Saisissez une adresse e-mail valide (par exemple prenom.nom@exemple.fr)."


def validate_email_address(value: str) -> None:
    """An e-mail address as people really write them, internationalised ones included (inès.dupont@exemple.fr,
    RFC 6531): Django's own validator only takes ASCII before the @. No DNS look-up (imports validate thousands
    of addresses offline); reserved domains (.test, .local, localhost…) are refused, as nothing reaches them."""
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        raise ValidationError(EMAIL_INVALID, code="invalid") from error


class EmailAddressFormField(forms.EmailField):
    default_validators = [validate_email_address]


class EmailAddressField(models.EmailField):
    """EmailField that accepts internationalised addresses (see validate_email_address)."""

    default_validators = [validate_email_address]

    def formfield(self, form_class=None, choices_form_class=None, **kwargs):
        return super().formfield(
            form_class=form_class or EmailAddressFormField, choices_form_class=choices_form_class, **kwargs
        )
