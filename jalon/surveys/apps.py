from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "jalon.surveys"
    verbose_name = "enquêtes auprès des personnes et des professionnels"

    def ready(self):
        from jalon.notebook.person_space.panels import person_space_panels
        from jalon.surveys.person_space import person_space_panel

        person_space_panels.contribute(person_space_panel)
