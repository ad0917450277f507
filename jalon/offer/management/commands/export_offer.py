from pathlib import Path

from django.core.management.base import BaseCommand

from jalon.offer.exporter import offer_export


class Command(BaseCommand):
    help = (
        "Exporte l'offre publiée de Jalon au format data·inclusion (schéma v1, JSON "
        '{"structures": [...], "services": [...]}), chaque enregistrement validé par le paquet data-inclusion-schema.'
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FICHIER", help="fichier JSON à écrire")

    def handle(self, *args, **options):
        result = offer_export(path=options["path"])
        if options["verbosity"]:
            self.stdout.write(
                f"Export : {result.structures} structures, {result.services} services → {options['path']}."
            )
            for kind, source_id, message in result.left_out:
                self.stdout.write(f"  {kind} {source_id} écarté (non conforme au schéma) : {message}")
