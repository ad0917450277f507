from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jalon.core"
    verbose_name = "socle"

    def ready(self):
        # Load the template engines (and every template tag library) now, in the starting thread. Under
        # `runserver`, the autoreloader's thread and the server's thread would otherwise both import those
        # libraries at once, and Python's import deadlock breaker hands one of them a half-loaded psycopg.
        from django.template import engines

        engines.all()
