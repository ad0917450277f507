from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.observatory.services import observatory_daily


class Command(BaseCommand):
    help = (
        "Tâche quotidienne de l'observatoire : recalcule, pour chaque département, les indicateurs des mois, "
        "trimestres et années qui touchent les 35 derniers jours. À lancer chaque nuit (cron), après les imports."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande observatory_daily"):
            runs = observatory_daily(today=today)
        for run in runs:
            duration = (run.finished_at - run.started_at).total_seconds()
            self.stdout.write(f"{run.departement_id} : {run.values_written} valeurs en {duration:.1f} s")
