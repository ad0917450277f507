from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jalon.demo"
    verbose_name = "données de démonstration"
