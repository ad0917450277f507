from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jalon.people"
    verbose_name = "personnes"
