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


SIRET_INVALID = (
    "Le SIRET compte 14 chiffres et sa clé de contrôle doit être juste : vérifiez-le sur l'avis de situation."
)
# La Poste's establishments share one SIREN and are numbered outside the Luhn rule (INSEE): their digits sum to a
# multiple of 5 instead.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # its head office keeps the Luhn rule


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET as INSEE issues it: 14 digits whose Luhn checksum holds (La Poste's own rule for its SIREN)."""
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(SIRET_INVALID, code="invalid")
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(char) for char in value) % 5 == 0
    else:
        valid = _luhn_valid(value)
    if not valid:
        raise ValidationError(SIRET_INVALID, code="invalid")
