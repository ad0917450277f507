from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "jalon.orientation"
    verbose_name = "orientation"

    def ready(self):
        from jalon.orientation.person_file import person_file_panels
        from jalon.people.file_panels import contribute

        contribute(person_file_panels)
