from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jalon.intake"
    verbose_name = "accueil et imports"
