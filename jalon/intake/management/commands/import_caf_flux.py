import gc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jalon.core.request_context import acting_as
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.enums import ImportStatus
from jalon.territories.models import Departement


def _bar_updater(bar):
    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update


class Command(BaseCommand):
    help = "Importe un ou plusieurs flux bénéficiaires RSA de la CAF ou de la MSA (XML, schéma vrsb0801)."
    # A batch command run each month: the system checks (about a second) belong to deployment, not to each import.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--departement", default=None, help="code du Département (par défaut : celui de l'instance)"
        )
        parser.add_argument(
            "--autre-departement",
            action="store_true",
            dest="other_departement",
            help="importer le flux même s'il est adressé à un autre Département (IDEPARTE) : par défaut il est refusé",
        )

    def run_from_argv(self, argv):
        super().run_from_argv(argv)
        # The process ends now: its last collection would walk every object of Django and of the project (some 0.2 s)
        # just before the system frees them all. What is garbage is collected here; the rest is left alone.
        gc.collect()
        gc.freeze()

    def handle(self, *args, files, departement, verbosity, other_departement=False, **options):
        from django.conf import settings

        code = departement or settings.JALON_DEPARTEMENT_CODE
        departement_obj = Departement.objects.filter(code=code).first()
        if departement_obj is None:
            raise CommandError(
                f"Département {code} inconnu : lancez d'abord `manage.py load_cog --departements {code}`."
            )
        failed = False
        for path in files:
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
            with (
                tqdm(
                    total=path.stat().st_size, unit="o", unit_scale=True, desc=path.name, disable=verbosity < 1
                ) as bar,
                acting_as("commande import_caf_flux"),
            ):
                run = caf_flux_import(
                    path=path,
                    departement=departement_obj,
                    actor_label="commande import_caf_flux",
                    progress=_bar_updater(bar),
                    other_departement_allowed=other_departement,
                )
            failed |= self._report(run)
        if failed:
            raise CommandError("Au moins un fichier n'a pas pu être importé (voir ci-dessus).")

    def _report(self, run) -> bool:
        if run.status == ImportStatus.FAILED:
            self.stderr.write(self.style.ERROR(f"{run.file_name} : refusé, rien n'a été écrit. {run.error}"))
            return True
        if run.status == ImportStatus.ALREADY_IMPORTED:
            self.stdout.write(
                f"{run.file_name} : déjà importé le {run.same_as.finished_at:%d/%m/%Y %H:%M} — rien n'a changé."
            )
            return False
        self.stdout.write(
            self.style.SUCCESS(f"{run.file_name} : import n° {run.pk} terminé en {run.duration.total_seconds():.1f} s")
            + f"\n  foyers : {run.households_created} créés, {run.households_updated} modifiés, "
            f"{run.households_unchanged} inchangés"
            f"\n  personnes : {run.persons_created} créées, {run.persons_updated} modifiées"
            f"\n  événements : {run.events_created} ; doublons possibles : {run.duplicates_found} ; "
            f"lignes rejetées : {run.rejected}"
        )
        for row in run.rejected_rows.all()[:20]:
            self.stdout.write(f"    ligne {row.line} ({row.identifier or '?'}) : {row.reason}")
        if run.rejected > 20:
            self.stdout.write(f"    … et {run.rejected - 20} autres (rapport CSV sur l'écran de l'import)")
        return False
