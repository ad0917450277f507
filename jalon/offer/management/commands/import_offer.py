import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from jalon.offer.importer import FORMATS, SERVICES, STRUCTURES, OfferImportError, offer_import, rejections_write


VACUUM_AFTER = 10_000  # services created or updated


class Command(BaseCommand):
    help = (
        "Importe un export data·inclusion (schéma v1) : structures et services, en JSON ou CSV. Chaque enregistrement "
        "est validé par le paquet data-inclusion-schema ; les enregistrements invalides sont écartés et listés. "
        "Relançable : un enregistrement inchangé n'est pas réécrit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="CHEMIN",
            help="fichier(s) structures/services, ou dossier contenant structures.json|csv et services.json|csv",
        )
        parser.add_argument("--format", choices=FORMATS, help="format des fichiers (deviné par l'extension sinon)")
        parser.add_argument("--source", metavar="NOM", help="n'importer que les enregistrements de cette source")
        parser.add_argument("--report", type=Path, metavar="FICHIER", help="écrire le rapport des rejets (CSV)")
        parser.add_argument(
            "--sans-zone",
            action="store_true",
            dest="allow_missing_zone",
            help="garder les services sans zone d'éligibilité (ils ne sortent dans aucune recherche par commune)",
        )

    def handle(self, *args, **options):
        show = options["verbosity"] > 0
        bars = {
            kind: tqdm(desc=label, unit=" enr.", file=sys.stderr, disable=not show, leave=True)
            for kind, label in ((STRUCTURES, "structures"), (SERVICES, "services"))
        }
        try:
            result = offer_import(
                paths=options["paths"],
                format=options["format"],
                source=options["source"],
                require_zone=not options["allow_missing_zone"],
                progress=lambda kind, count: bars[kind].update(count),
            )
        except OfferImportError as error:
            raise CommandError(f"Import refusé, rien n'a été enregistré : {error}") from error
        finally:
            for bar in bars.values():
                bar.close()
        if options["report"]:
            rejections_write(result.rejections, options["report"])
        written = result.created[SERVICES] + result.updated[SERVICES]
        if connection.vendor == "postgresql" and written >= VACUUM_AFTER:
            # A large import leaves the GIN indexes' pending entries unmerged until autovacuum: every search reads
            # them meanwhile (p95 66 ms instead of 43 ms after 140 000 services, bench/README.md).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE offer_service")
        if show:
            for kind, label in ((STRUCTURES, "Structures"), (SERVICES, "Services")):
                line = (
                    f"{label} : {result.created[kind]} créées, {result.updated[kind]} mises à jour, "
                    f"{result.unchanged[kind]} inchangées, {result.rejected[kind]} rejetées"
                )
                if result.skipped[kind]:
                    line += f", {result.skipped[kind]} ignorées (autre source)"
                self.stdout.write(line + ".")
            if result.rejections and options["report"]:
                self.stdout.write(f"Rapport des rejets : {options['report']}")
            elif result.rejections:
                for rejection in result.rejections[:20]:
                    self.stdout.write(
                        f"  {rejection.kind} n° {rejection.position} ({rejection.record_id or 'sans id'}) "
                        f"{rejection.field or ''} : {rejection.message}"
                    )
                if len(result.rejections) > 20:
                    self.stdout.write(f"  … et {len(result.rejections) - 20} autres (voir --report).")
