from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "jalon.exits"
    verbose_name = "sorties de parcours et suivi en emploi"
