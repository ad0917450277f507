from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "jalon.employment"
    verbose_name = "offres d'emploi, positionnements et entrées en formation"
