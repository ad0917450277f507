from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.evaluation.loader import framework_files, load_file


class Command(BaseCommand):
    help = (
        "Charge le référentiel d'évaluation d'un plan depuis son fichier de données ; sans argument, tous les "
        "référentiels fournis (le plan doit être chargé avant : load_programme)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fichiers YAML (par défaut : jalon/evaluation/data/*.yaml)")

    def handle(self, *args, **options):
        for path in [Path(name) for name in options["files"]] or framework_files():
            try:
                result = load_file(path)
            except ValidationError as error:
                raise CommandError(f"{path.name} : rien n'est chargé.\n- " + "\n- ".join(error.messages)) from error
            if result.created:
                counts = result.counts
                self.stdout.write(
                    f"{result.framework} : chargé ({counts['questions']} questions, {counts['registers']} registres, "
                    f"{counts['work_items']} travaux de l'instance)."
                )
            else:
                self.stdout.write(f"{result.framework} : déjà chargé, laissé tel quel.")
