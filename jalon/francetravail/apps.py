from django.apps import AppConfig


class FranceTravailConfig(AppConfig):
    name = "jalon.francetravail"
    label = "francetravail"
    verbose_name = "échanges avec France Travail"

    def ready(self):
        from jalon.francetravail.person_file import person_file_panels
        from jalon.people.file_panels import contribute

        contribute(person_file_panels)
