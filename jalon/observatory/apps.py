from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "jalon.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
