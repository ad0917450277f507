import os
import sys

from django.apps import AppConfig
from django.conf import settings


def _command() -> str | None:
    """The management command this process runs, if it is one."""
    if len(sys.argv) > 1 and os.path.basename(sys.argv[0]) in ("manage.py", "django-admin"):
        return sys.argv[1]
    return None


class CoreConfig(AppConfig):
    name = "jalon.core"
    verbose_name = "socle"

    def ready(self):
        if _command() in settings.JALON_COMMANDS_WITHOUT_TEMPLATES:
            return
        # Load the template engines (and every template tag library) now, in the starting thread. Under
        # `runserver`, the autoreloader's thread and the server's thread would otherwise both import those
        # libraries at once, and Python's import deadlock breaker hands one of them a half-loaded psycopg.
        from django.template import engines

        engines.all()
