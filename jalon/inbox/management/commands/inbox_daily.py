from django.core.management.base import BaseCommand

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.inbox.services import inbox_digests_send


class Command(BaseCommand):
    help = (
        "Tâche quotidienne de la boîte de réception : envoie à chaque professionnel qui l'a demandé un récapitulatif "
        "de ses nouvelles notifications (nombres et liens, aucune donnée personnelle). À lancer chaque matin (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        now = moment_of(date)
        with acting_as("commande inbox_daily"):
            result = inbox_digests_send(now=now)
        self.stdout.write(f"{now:%d/%m/%Y} : {result['sent']} récapitulatif(s) envoyé(s).")
