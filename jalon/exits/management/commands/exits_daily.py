from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.exits.services import exits_daily


class Command(BaseCommand):
    help = (
        "Tâche quotidienne des sorties : propose une sortie au référent quand la CAF a clos le droit d'une personne "
        "encore en parcours, et repère les points de suivi en emploi en retard. À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande exits_daily"):
            result = exits_daily(today=today)
        self.stdout.write(
            f"{today:%d/%m/%Y} : {result['proposed']} sortie(s) proposée(s) après une clôture du droit, "
            f"{result['withdrawn']} retirée(s) (droit rouvert), {result['overdue']} point(s) de suivi en retard."
        )
