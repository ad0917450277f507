from django.apps import AppConfig


class NotebookConfig(AppConfig):
    name = "jalon.notebook"
    verbose_name = "carnet de bord"

    def ready(self):
        # Whether the reader of a notification (a person's message, a contract to renew) still reaches the carnet.
        from jalon.inbox.targets import target_check_register
        from jalon.notebook.access import notebooks_visible_to

        target_check_register(
            "notebook:detail",
            lambda actor, kwargs: notebooks_visible_to(actor).filter(person_id=kwargs["person_pk"]).exists(),
        )
