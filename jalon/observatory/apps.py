from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "jalon.observatory"
    label = "observatory"
    verbose_name = "Observatoire"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_catalogue, sender=self)
        # Where the reminders of entered indicators lead, and whether the reader still owns the indicator.
        from jalon.inbox.targets import target_check_register
        from jalon.observatory.entered.selectors import entry_form_opens, entry_opens

        target_check_register("observatory:entered_form", entry_form_opens)
        target_check_register("observatory:entered_detail", entry_opens)


def _load_catalogue(**kwargs):
    """The catalogue follows the code: every migration brings it up to date (idempotent)."""
    from jalon.observatory.services import catalogue_load

    catalogue_load()
