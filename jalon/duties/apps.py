from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "jalon.duties"
    verbose_name = "droits et devoirs (suspension-remobilisation)"

    def ready(self):
        from jalon.duties.person_space import person_space_panel
        from jalon.duties.timeline import timeline_events
        from jalon.notebook.carnet.selectors import timeline_source_contribute
        from jalon.notebook.person_space.panels import person_space_panels

        person_space_panels.contribute(person_space_panel)
        timeline_source_contribute("droits_devoirs", "droits et devoirs", timeline_events)
