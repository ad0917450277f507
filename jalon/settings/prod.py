"""Production: every secret and host comes from the environment, and start-up stops if one is missing."""

from django.core.exceptions import ImproperlyConfigured

from jalon.settings.base import *  # noqa: F403


_REQUIRED = [
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "JALON_SITE_URL",
    "JALON_NIR_ENCRYPTION_KEY",
    "JALON_NIR_HASH_KEY",
]
_missing = [name for name in _REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Variables d'environnement manquantes pour la production : " + ", ".join(_missing) + ". "
        "Voir docs/operations.md."
    )
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("La production exige PostgreSQL (DATABASE_URL=postgres://…).")

DEBUG = False
JALON_REQUIRE_2FA = env.bool("JALON_REQUIRE_2FA", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# A real SMS provider needs its sender name (Brevo: at most 11 letters and digits).
if JALON_MESSAGE_BACKENDS["sms"].endswith("BrevoSmsBackend") and not (
    JALON_SMS_SENDER.isalnum() and len(JALON_SMS_SENDER) <= 11
):
    raise ImproperlyConfigured("JALON_SMS_SENDER doit compter au plus 11 lettres ou chiffres, sans espace.")
