from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "jalon.offer"
    verbose_name = "offre d'insertion"

    def ready(self):
        # Registers the `has_any` lookup on JSONField.
        from jalon.offer import lookups  # noqa: F401
