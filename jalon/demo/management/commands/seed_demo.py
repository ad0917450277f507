from django.core.management.base import BaseCommand, CommandError

from jalon.core.request_context import acting_as
from jalon.demo.builder import DEMO_PASSWORD, demo_build
from jalon.demo.departements import DEMO_DEPARTEMENTS
from jalon.territories.models import Departement


class Command(BaseCommand):
    help = "Crée (ou complète) un Département de démonstration réaliste. Relançable sans effet de bord."

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement", action="append", choices=sorted(DEMO_DEPARTEMENTS), help="40 (par défaut) et/ou 64"
        )
        parser.add_argument(
            "--households",
            type=int,
            help="nombre de foyers CAF par Département (par défaut, sa taille réelle : 8 500 dans les Landes)",
        )

    def handle(self, *args, **options):
        codes = options["departement"] or ["40"]
        if options["households"] is not None and options["households"] < 50:
            raise CommandError("--households : au moins 50 foyers, pour que chaque rôle ait des dossiers à suivre.")
        missing = [
            code for code in codes if not Departement.objects.filter(code=code, communes__isnull=False).exists()
        ]
        if missing:
            raise CommandError(
                f"Référentiel géographique absent pour {', '.join(missing)} : lancez d'abord "
                f"`manage.py load_cog --departements {' '.join(missing)}`."
            )
        for code in codes:
            self.stdout.write(f"Département de démonstration {code} :")
            with acting_as("commande seed_demo"):
                ctx = demo_build(departement_code=code, log=self.stdout.write, households=options["households"])
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS(f"Comptes de démonstration ({code}) — mot de passe : {DEMO_PASSWORD}")
            )
            for email, role, organisation in ctx.logins:
                self.stdout.write(f"  {email:<42} {role:<26} {organisation}")
