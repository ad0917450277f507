from django.core.management.base import BaseCommand

from jalon.core.request_context import acting_as
from jalon.intake.services import import_runs_stale_fail


class Command(BaseCommand):
    help = (
        "Tâche quotidienne des imports : les imports restés « en attente » ou « en cours » depuis plus de "
        "JALON_IMPORT_STALE_HOURS heures (traitement interrompu, correspondance des colonnes jamais confirmée) "
        "sont marqués en échec et leur fichier déposé est supprimé. À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--heures", type=int, default=None, help="délai en heures (par défaut : le réglage)")

    def handle(self, *args, heures=None, **options):
        with acting_as("commande intake_daily"):
            count = import_runs_stale_fail(hours=heures)
        self.stdout.write(f"{count} import(s) interrompu(s) ou abandonné(s) marqué(s) en échec, fichier supprimé.")
