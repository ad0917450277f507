from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.notebook.followup.services import contract_renewals_remind


class Command(BaseCommand):
    help = (
        "Tâche quotidienne du carnet de bord : prévient chaque référent des contrats d'engagement de son portefeuille "
        "qui arrivent à échéance (une fois par contrat). À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande notebook_daily"):
            result = contract_renewals_remind(today=today)
        self.stdout.write(
            f"{today:%d/%m/%Y} : {result['reminded']} contrat(s) à renouveler signalé(s) à "
            f"{result['notified']} référent(s)."
        )
