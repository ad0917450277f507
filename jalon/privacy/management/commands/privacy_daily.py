from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from jalon.core.daily import add_date_argument, moment_of
from jalon.core.request_context import acting_as
from jalon.privacy.services import privacy_daily


class Command(BaseCommand):
    help = (
        "Tâche quotidienne des données personnelles : anonymise les dossiers sans contact depuis "
        "JALON_RETENTION_MONTHS mois (24 par défaut) et sans droit RSA ouvert, purge le journal d'audit "
        "(consultations : JALON_AUDIT_READ_RETENTION_MONTHS mois, 12 par défaut ; modifications : "
        "JALON_AUDIT_WRITE_RETENTION_MONTHS mois, 36 par défaut) et désactive les comptes inutilisés depuis "
        "JALON_ACCOUNT_INACTIVITY_MONTHS mois (6 par défaut). À lancer chaque nuit (cron)."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, date=None, **options):
        today = timezone.localdate(moment_of(date))
        with acting_as("commande privacy_daily"):
            result = privacy_daily(today=today)
        audit = result["audit"]
        self.stdout.write(
            f"{today:%d/%m/%Y} : {result['anonymised']} dossier(s) sans contact depuis le "
            f"{result['cutoff']:%d/%m/%Y} anonymisé(s) ; journal d'audit : {audit['reads']} consultation(s) et "
            f"{audit['writes']} modification(s) purgée(s) ; {result['deactivated']} compte(s) inutilisé(s) depuis "
            f"{settings.JALON_ACCOUNT_INACTIVITY_MONTHS} mois désactivé(s)."
        )
