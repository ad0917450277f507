from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "jalon.exits"
    verbose_name = "sorties de parcours et suivi en emploi"

    def ready(self):
        from jalon.employers.links import link_on_addition
        from jalon.exits.models import Exit

        link_on_addition(Exit, "person__departement_id")
