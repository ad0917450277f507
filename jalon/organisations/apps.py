from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "jalon.organisations"
    verbose_name = "structures"
