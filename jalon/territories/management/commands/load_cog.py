from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.territories.services import CogSourceError, cog_default_source_dir, cog_load


class Command(BaseCommand):
    help = (
        "Charge ou met à jour le référentiel géographique officiel (COG : régions, départements, EPCI, communes) "
        "depuis le paquet npm @etalab/decoupage-administratif. Relançable sans effet de bord."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--departements",
            nargs="+",
            metavar="CODE",
            help="codes des départements dont charger les EPCI et les communes, par exemple : 40 64",
        )
        scope.add_argument("--all", action="store_true", help="charger toute la France")
        parser.add_argument(
            "--source",
            type=Path,
            metavar="DOSSIER",
            help="dossier de données au format de @etalab/decoupage-administratif (par défaut : node_modules)",
        )

    def handle(self, *args, **options):
        if not (options["all"] or options["departements"]):
            raise CommandError(
                "Précisez les départements à charger (--departements 40 64) ou toute la France (--all)."
            )
        source_dir = options["source"] or cog_default_source_dir()
        departement_codes = None if options["all"] else options["departements"]
        verbosity = options["verbosity"]
        try:
            counts = cog_load(source_dir=source_dir, departement_codes=departement_codes, progress=verbosity > 0)
        except CogSourceError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity > 0:
            created = counts["created"]
            scope = "toute la France" if departement_codes is None else "départements " + ", ".join(departement_codes)
            self.stdout.write(self.style.SUCCESS(f"Référentiel géographique chargé ({scope}) :"))
            for key, label in (
                ("regions", "régions"),
                ("departements", "départements"),
                ("epci", "EPCI"),
                ("communes", "communes"),
            ):
                self.stdout.write(f"  {counts[key]:>6} {label} (dont {created[key]} nouveaux)")
