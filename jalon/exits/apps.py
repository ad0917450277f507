from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "jalon.exits"
    verbose_name = "sorties de parcours et suivi en emploi"

    def ready(self):
        from jalon.employers.links import link_on_addition
        from jalon.exits.models import Exit
        from jalon.exits.person_space import person_space_panel
        from jalon.inbox.targets import target_check_register
        from jalon.notebook.access import notebooks_visible_to
        from jalon.notebook.person_space.panels import person_space_panels

        link_on_addition(Exit, "person__departement_id")
        # A situation at risk leads to the person's exits, reached through the carnet.
        target_check_register(
            "exits:person",
            lambda actor, kwargs: notebooks_visible_to(actor).filter(person_id=kwargs["person_pk"]).exists(),
        )
        person_space_panels.contribute(person_space_panel)
