from django.core.management.base import BaseCommand, CommandError

from jalon.core.request_context import acting_as
from jalon.orientation.interviews.services import criteria_national_load
from jalon.territories.models import Departement


class Command(BaseCommand):
    help = (
        "Charge les critères d'orientation nationaux (arrêté du 21 novembre 2024) comme critères actifs d'un "
        "département : ses critères actifs sont désactivés (ils restent dans la liste). Sans effet s'ils sont déjà "
        "chargés et actifs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", action="append", required=True, help="code INSEE (répétable)")

    def handle(self, *args, **options):
        for code in options["departement"]:
            departement = Departement.objects.filter(code=code).first()
            if departement is None:
                raise CommandError(f"Département inconnu : {code}.")
            with acting_as("commande orientation_national_criteria"):
                result = criteria_national_load(departement=departement)
            if result["created"]:
                self.stdout.write(
                    f"{code} : {result['created']} critères nationaux chargés, "
                    f"{result['deactivated']} critère(s) désactivé(s)."
                )
            else:
                self.stdout.write(f"{code} : critères nationaux déjà chargés et actifs, rien n'a changé.")
