from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.observatory.services import catalogue_load
from jalon.programme.loader import load_file, plan_files


class Command(BaseCommand):
    help = "Charge un plan (PDI / PTI) depuis son fichier de données ; sans argument, tous les plans fournis."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fichiers YAML (par défaut : jalon/programme/data/*.yaml)")

    def handle(self, *args, **options):
        catalogue_load()  # the fiches point to the indicators of the catalogue
        for path in [Path(name) for name in options["files"]] or plan_files():
            try:
                result = load_file(path)
            except ValidationError as error:
                raise CommandError(f"{path.name} : rien n'est chargé.\n- " + "\n- ".join(error.messages)) from error
            if result.created:
                self.stdout.write(f"{result.programme} : chargé ({result.counts['actions']} actions).")
            else:
                self.stdout.write(f"{result.programme} : déjà chargé, laissé tel quel.")
