from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "jalon.orientation"
    verbose_name = "orientation"
