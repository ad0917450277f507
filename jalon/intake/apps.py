from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jalon.intake"
    verbose_name = "accueil et imports"

    def ready(self):
        from jalon.intake.person_file import person_file_panels
        from jalon.people.file_panels import contribute

        contribute(person_file_panels)
