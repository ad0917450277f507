from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.orientation.delays.services import orientation_daily


class Command(BaseCommand):
    help = (
        "Tâche quotidienne de l'orientation : lève les alertes de délai (et clôt celles dont l'étape est réalisée) "
        "pour chaque Département, puis envoie les relances des séances à venir. À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        now = moment_of(date)
        with acting_as("commande orientation_daily"):
            result = orientation_daily(today=date, now=now)
        alerts = result["alerts"]
        self.stdout.write(
            f"{timezone.localdate(now):%d/%m/%Y} : {alerts['raised']} alerte(s) levée(s), "
            f"{alerts['closed']} close(s), {alerts['notified']} destinataire(s) prévenu(s) ; "
            f"{result['reminders']} relance(s) envoyée(s)."
        )
