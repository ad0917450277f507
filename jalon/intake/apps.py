from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jalon.intake"
    verbose_name = "accueil et imports"

    def ready(self):
        from jalon.intake.person_file import person_file_panels, person_file_print
        from jalon.people.file_panels import contribute, contribute_printer

        contribute(person_file_panels)
        contribute_printer(person_file_print)
