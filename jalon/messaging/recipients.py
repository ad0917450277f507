"""Where a message to a person goes: checked and snapshotted before anything is sent.

Each function returns the recipient as stored on the message, or raises a `ValidationError` in French that says
why this person cannot be reached on this channel.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import capfirst

from jalon.messaging.enums import MessageChannel


# Overseas mobile prefixes (national 0 + 3 digits) and the country code they are dialled with from abroad.
_OVERSEAS_MOBILE = {
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0639": "262",  # Mayotte
}
_OVERSEAS_CODES = {"590", "594", "596", "262"}
_LANDLINE_PREFIXES = ("01", "02", "03", "04", "05", "09")
# The CAF/MSA flux's QUAL, as written on an envelope ("Mademoiselle" is no longer used by the administration).
_CIVILITIES = {"MME": "Mme", "MLLE": "Mme", "MR": "M.", "M": "M.", "M.": "M."}


def _mobile_or_reason(raw: str) -> tuple[str, str]:
    """(international number, "") for a French mobile, else ("", reason): "empty", "invalid", "landline", "other"."""
    text = (raw or "").strip()
    if not text:
        return "", "empty"
    if re.search(r"[^\d\s.+()\-/]", text):
        return "", "invalid"
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if text.startswith("+"):
        digits = "00" + digits
    national = ""
    if digits.startswith("0033"):
        national = "0" + digits[4:]
    elif digits[:2] == "00" and digits[2:5] in _OVERSEAS_CODES:
        national = "0" + digits[5:]
    elif digits.startswith("0") and not digits.startswith("00"):
        national = digits
    if len(national) != 10:
        return "", "invalid"
    if national[:2] in _LANDLINE_PREFIXES:
        return "", "landline"
    if national[:2] not in ("06", "07"):
        return "", "other"
    return f"+{_OVERSEAS_MOBILE.get(national[:4], '33')}{national[1:]}", ""


_PHONE_REASONS = {
    "empty": "aucun numéro de téléphone n'est renseigné",
    "invalid": "« {raw} » n'est pas un numéro de téléphone français valide",
    "landline": "le numéro « {raw} » est un numéro de téléphone fixe",
    "other": "le numéro « {raw} » n'est pas un numéro de téléphone mobile",
}


def mobile_phone_normalise(raw: str) -> str:
    """A French mobile number in international format (`+33612345678`), or a ValidationError in French.

    Accepts the usual ways of writing it: `06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12 34 56 78`,
    `0033612345678`, `+33 (0)6…`; overseas mobiles (0690, 0692…) get their own country code. Landlines
    (01–05, 09), special numbers and anything else are refused.
    """
    number, reason = _mobile_or_reason(raw)
    if reason:
        raise ValidationError(capfirst(_PHONE_REASONS[reason].format(raw=(raw or "").strip())) + ".")
    return number


def email_recipient(person) -> str:
    email = (person.email or "").strip()
    if not email:
        raise ValidationError(f"{person} n'a pas d'adresse e-mail : l'e-mail ne peut pas être envoyé.")
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(
            f"L'adresse e-mail de {person} (« {email} ») n'est pas valide : l'e-mail ne peut pas être envoyé."
        ) from error
    return email


def sms_recipient(person) -> str:
    number, reason = _mobile_or_reason(person.phone)
    if reason == "empty":
        raise ValidationError(f"{person} n'a pas de numéro de téléphone mobile : le SMS ne peut pas être envoyé.")
    if reason:
        detail = _PHONE_REASONS[reason].format(raw=person.phone.strip())
        raise ValidationError(f"{person} : {detail}, le SMS ne peut pas être envoyé.")
    return number


def person_display_name(person) -> str:
    civility = _CIVILITIES.get((person.civility or "").strip().upper(), "")
    return " ".join(part for part in (civility, person.first_name, person.last_name.upper()) if part)


def letter_recipient(person) -> str:
    """The address block, one line per line, in the order La Poste asks for (NF Z 10-011)."""
    missing = [
        label
        for label, value in (("adresse", person.address), ("code postal", person.postal_code), ("ville", person.city))
        if not (value or "").strip()
    ]
    if len(missing) == 3:
        who = f"{person} (sans domicile stable)" if person.homeless else str(person)
        raise ValidationError(f"{who} n'a pas d'adresse postale : le courrier ne peut pas être produit.")
    if missing:
        raise ValidationError(
            f"{person} n'a pas d'adresse postale complète (manque : {', '.join(missing)}) : "
            "le courrier ne peut pas être produit."
        )
    lines = [person_display_name(person), person.address.strip()]
    if person.address_complement.strip():
        lines.append(person.address_complement.strip())
    lines.append(f"{person.postal_code.strip()} {person.city.strip().upper()}")
    return "\n".join(lines)


RECIPIENT_FOR_CHANNEL = {
    MessageChannel.EMAIL: email_recipient,
    MessageChannel.SMS: sms_recipient,
    MessageChannel.LETTER: letter_recipient,
}


def recipient_for(person, channel: str) -> str:
    """The recipient snapshot for this channel, or a ValidationError saying why the person cannot be reached."""
    if channel not in MessageChannel.values:
        raise ValidationError(f"Canal d'envoi inconnu : « {channel} ».")
    return RECIPIENT_FOR_CHANNEL[MessageChannel(channel)](person)
