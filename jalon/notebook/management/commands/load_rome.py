from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.notebook.rome_source import RomeSourceError
from jalon.notebook.services import ROME_DATA_DIR, rome_load


class Command(BaseCommand):
    help = (
        "Charge ou met à jour le ROME de France Travail (codes et appellations de métiers) : la version livrée avec "
        "Jalon, ou une version publiée en open data (l'archive RefRomeCsv.zip ou ses fichiers CSV). Relançable sans "
        "effet de bord ; les codes et appellations disparus restent, marqués hors d'usage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=ROME_DATA_DIR,
            metavar="DOSSIER_OU_ZIP",
            help=(
                "l'archive RefRomeCsv.zip de France Travail, ou un dossier contenant ses fichiers "
                "unix_referentiel_code_rome_vNNN_utf8.csv et unix_referentiel_appellation_vNNN_utf8.csv "
                "(éventuellement compressés en .gz), ou rome.csv et appellations.csv ; par défaut : la version "
                "livrée avec Jalon"
            ),
        )

    def handle(self, *args, **options):
        try:
            counts = rome_load(source=options["source"])
        except RomeSourceError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            version = f" {counts['version']}" if counts["version"] else ""
            retired = int(counts["codes_retires"]) + int(counts["appellations_retirees"])
            self.stdout.write(
                f"ROME{version} : {counts['codes']} codes, {counts['appellations']} appellations"
                + (
                    f" ; {counts['codes_retires']} codes et {counts['appellations_retirees']} appellations "
                    "absents de cette version, gardés hors d'usage."
                    if retired
                    else "."
                )
            )
