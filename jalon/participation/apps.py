from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "jalon.participation"
    verbose_name = "participation des usagers"

    def ready(self):
        from jalon.notebook.person_space.panels import person_space_panels
        from jalon.participation.person_space import person_space_panel

        person_space_panels.contribute(person_space_panel)
