from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.programme.governance.services import bodies_remind_late


class Command(BaseCommand):
    help = (
        "Tâche quotidienne des instances du plan : prévient les pilotes du programme, une fois par épisode de "
        "retard, qu'une instance ne s'est pas réunie à sa fréquence. À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande governance_daily"):
            result = bodies_remind_late(today=today)
        self.stdout.write(
            f"{today:%d/%m/%Y} : {result['opened']} instance(s) en retard signalée(s) "
            f"({result['notified']} notification(s)), {result['closed']} revenue(s) à jour."
        )
