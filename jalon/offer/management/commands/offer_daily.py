from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.offer.daily import offer_daily
from jalon.offer.referrals.services import reminder_days


class Command(BaseCommand):
    help = (
        "Tâche quotidienne de l'offre d'insertion : relance une fois les structures des orientations restées sans "
        "réponse (JALON_REFERRAL_REMINDER_DAYS jours, 10 par défaut) et prévient leurs prescripteurs ; le 1er du "
        "mois, rappelle aux structures leurs services à confirmer (JALON_OFFER_STALE_MONTHS mois, 6 par défaut). "
        "À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande offer_daily"):
            result = offer_daily(today=today)
        self.stdout.write(
            f"{today:%d/%m/%Y} : {result['reminded']} orientation(s) sans réponse depuis {reminder_days()} jours "
            f"relancée(s) ({result['by_link']} par lien sécurisé, {result['structures']} structure(s) avec compte), "
            f"{result['senders']} prescripteur(s) prévenu(s)."
        )
        if result["stale_reminders"] is not None:
            sent = result["stale_reminders"]
            self.stdout.write(f"Services à confirmer : {sent} rappel(s) envoyé(s) aux structures.")
