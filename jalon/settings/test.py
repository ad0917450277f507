"""Test settings: PostgreSQL when DATABASE_URL is given (as `make test` does), fast hashing, e-mails kept in memory."""

from jalon.settings.base import *  # noqa: F403


SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_AUTOREFRESH = True
JALON_REQUIRE_2FA = False
# Tests see every write at once; `tests/core/test_aggregates.py` turns the shared cache on where it tests it.
CACHES = {**CACHES, "aggregates": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASES.pop("progress", None)
# A replica cannot hold a test database of its own: the replica tests add it once the primary's test database
# exists (tests/observatory/test_replica.py), when DATABASE_REPLICA_URL is set (`make test` starts one).
DATABASES.pop("replica", None)
# Messages: e-mails land in mail.outbox, SMS are recorded and what was handed over lands in MemoryBackend.outbox
# (the Message rows keep one-time codes redacted), letters are real PDFs. Tests of the Brevo backend point
# JALON_BREVO_SMS_URL at a local server.
# France Travail: not connected unless a test points it at the simulator it starts (tests/francetravail).
FRANCE_TRAVAIL_API_URL = ""
JALON_BREVO_API_KEY = ""
JALON_BREVO_SMS_URL = "http://127.0.0.1:9/not-used"
JALON_MESSAGE_BACKENDS = {
    "email": "jalon.messaging.backends.EmailBackend",
    "sms": "jalon.messaging.backends.MemoryBackend",
    "letter": "jalon.messaging.backends.LetterBackend",
}
