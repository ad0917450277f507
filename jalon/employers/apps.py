from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "jalon.employers"
    verbose_name = "entreprises et immersions"
