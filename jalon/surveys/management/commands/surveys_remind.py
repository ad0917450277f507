from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.surveys.services import invitations_remind


class Command(BaseCommand):
    help = (
        "Tâche quotidienne des enquêtes : relance une fois, par un nouveau lien, les personnes qui n'ont pas répondu "
        "quelques jours après leur invitation (délai choisi pour chaque campagne). À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande surveys_remind"):
            count = invitations_remind(today=today)
        self.stdout.write(f"{today:%d/%m/%Y} : {count} relance(s) d'enquête envoyée(s).")
