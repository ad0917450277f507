from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jalon.core.request_context import acting_as
from jalon.orientation.delays.services import orientation_daily


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide : {value} (attendu : AAAA-MM-JJ).") from error


class Command(BaseCommand):
    help = (
        "Tâche quotidienne de l'orientation : lève les alertes de délai (et clôt celles dont l'étape est réalisée) "
        "pour chaque Département, puis envoie les relances des séances à venir. À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_day, default=None, help="jour à traiter (AAAA-MM-JJ), par défaut aujourd'hui"
        )

    def handle(self, *args, date=None, **options):
        now = timezone.now()
        if date is not None:
            # Replaying a day: as if run that day at the current time.
            now = timezone.make_aware(datetime.combine(date, timezone.localtime(now).time()))
        with acting_as("commande orientation_daily"):
            result = orientation_daily(today=date, now=now)
        alerts = result["alerts"]
        self.stdout.write(
            f"{timezone.localdate(now):%d/%m/%Y} : {alerts['raised']} alerte(s) levée(s), "
            f"{alerts['closed']} close(s), {alerts['notified']} destinataire(s) prévenu(s) ; "
            f"{result['reminders']} relance(s) envoyée(s)."
        )
