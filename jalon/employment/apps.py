from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "jalon.employment"
    verbose_name = "offres d'emploi, positionnements et entrées en formation"

    def ready(self):
        from jalon.employers.links import link_on_addition
        from jalon.employment.models import JobOffer

        link_on_addition(JobOffer, "departement_id")
