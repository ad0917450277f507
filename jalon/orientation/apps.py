from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "jalon.orientation"
    verbose_name = "orientation"

    def ready(self):
        from jalon.orientation.person_file import person_file_panels, person_file_print
        from jalon.people.file_panels import contribute, contribute_printer

        contribute(person_file_panels)
        contribute_printer(person_file_print)
