from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "jalon.observatory"
    label = "observatory"
    verbose_name = "Observatoire"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_catalogue, sender=self)


def _load_catalogue(**kwargs):
    """The catalogue follows the code: every migration brings it up to date (idempotent)."""
    from jalon.observatory.services import catalogue_load

    catalogue_load()
