"""Digest e-mails to professionals from the daily runs: counts and a link, never a name nor a detail of a person,
so that no personal data leaves Jalon by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return singular if count == 1 else plural_form or f"{singular}s"


def digest_send(*, user, subject: str, intro: str, lines: list[str], url_name: str) -> None:
    link = settings.JALON_SITE_URL.rstrip("/") + reverse(url_name)
    body = "\n".join(
        [
            f"Bonjour {user.first_name},".replace(" ,", ","),
            "",
            intro,
            *lines,
            "",
            f"Consultez-les dans Jalon : {link}",
            "",
            "Ce message est envoyé automatiquement ; il ne contient aucune donnée personnelle.",
        ]
    )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
