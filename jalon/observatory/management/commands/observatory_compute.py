from django.core.management.base import BaseCommand, CommandError

from jalon.core.daily import add_date_argument
from jalon.observatory.engine import computations
from jalon.observatory.services import catalogue_load, snapshot_compute


class Command(BaseCommand):
    help = (
        "Calcule et enregistre les indicateurs d'un département : les périodes des 35 derniers jours (chaque nuit) "
        "ou tout depuis trois ans (--complet)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", action="append", required=True, help="code INSEE (répétable)")
        parser.add_argument("--complet", action="store_true", help="recalcul complet (trois années)")
        parser.add_argument("--indicateur", action="append", default=None, help="code d'un indicateur (répétable)")
        add_date_argument(parser)

    def handle(self, *args, **options):
        unknown = set(options["indicateur"] or []) - set(computations())
        if unknown:
            raise CommandError(f"Indicateur inconnu ou non calculé : {', '.join(sorted(unknown))}.")
        catalogue_load()
        for code in options["departement"]:
            run = snapshot_compute(
                departement_id=code, today=options["date"], full=options["complet"], codes=options["indicateur"]
            )
            duration = (run.finished_at - run.started_at).total_seconds()
            self.stdout.write(f"{code} : {run.values_written} valeurs en {duration:.1f} s")
