from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "jalon.employment"
    verbose_name = "offres d'emploi, positionnements et entrées en formation"

    def ready(self):
        from jalon.employers.links import link_on_addition
        from jalon.employment.models import JobOffer
        from jalon.employment.person_space import person_space_panel
        from jalon.notebook.person_space.panels import person_space_panels

        link_on_addition(JobOffer, "departement_id")
        person_space_panels.contribute(person_space_panel)
