from django.apps import AppConfig


class NotebookConfig(AppConfig):
    name = "jalon.notebook"
    verbose_name = "carnet de bord"
