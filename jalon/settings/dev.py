"""Local development and the demo served by `make run`: SQLite by default, e-mails printed to the console."""

from jalon.settings.base import *  # noqa: F403


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: S105

# The embedded SQLite database lives in var/, created on first use.
(BASE_DIR / "var").mkdir(exist_ok=True)

# SMS are recorded, not sent, unless a developer asks for a real provider.
JALON_MESSAGE_BACKENDS = {
    **JALON_MESSAGE_BACKENDS,
    "sms": env.str("JALON_SMS_BACKEND", default="jalon.messaging.backends.RecordingBackend"),
}
