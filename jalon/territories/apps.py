from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "jalon.territories"
    verbose_name = "territoires"
