import os
import sys

from django.apps import AppConfig


# Batch commands that run in one thread and render no template: they do not load the template engines at start
# (some 0.2 s of each start, as much as a tenth of a monthly CAF import whose households are all unchanged).
COMMANDS_WITHOUT_TEMPLATES = frozenset({"import_caf_flux"})


def _command() -> str | None:
    """The management command this process runs, if it is one."""
    if len(sys.argv) > 1 and os.path.basename(sys.argv[0]) in ("manage.py", "django-admin"):
        return sys.argv[1]
    return None


class CoreConfig(AppConfig):
    name = "jalon.core"
    verbose_name = "socle"

    def ready(self):
        if _command() in COMMANDS_WITHOUT_TEMPLATES:
            return
        # Load the template engines (and every template tag library) now, in the starting thread. Under
        # `runserver`, the autoreloader's thread and the server's thread would otherwise both import those
        # libraries at once, and Python's import deadlock breaker hands one of them a half-loaded psycopg.
        from django.template import engines

        engines.all()
