from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "jalon.programme"
    verbose_name = "programme d'insertion (PDI / PTI)"
