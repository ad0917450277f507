from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "jalon.workspace"
    verbose_name = "Espace de travail"
