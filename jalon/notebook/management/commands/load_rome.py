from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.notebook.services import ROME_DATA_DIR, RomeSourceError, rome_load


class Command(BaseCommand):
    help = (
        "Charge ou met à jour le ROME de France Travail (codes et appellations de métiers) depuis rome.csv et "
        "appellations.csv. Relançable sans effet de bord."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=ROME_DATA_DIR,
            metavar="DOSSIER",
            help="dossier contenant rome.csv et appellations.csv (par défaut : la version livrée avec Jalon)",
        )

    def handle(self, *args, **options):
        try:
            counts = rome_load(source_dir=options["source"])
        except RomeSourceError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            self.stdout.write(f"ROME : {counts['codes']} codes, {counts['appellations']} appellations.")
