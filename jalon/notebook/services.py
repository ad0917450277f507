import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.notebook.enums import FreinNature, FreinStatus
from jalon.notebook.models import FreinCategory, Notebook, NotebookFrein, RomeAppellation, RomeCode
from jalon.notebook.referentials import DSP_OBSTACLE_TO_FREIN
from jalon.people.normalise import normalise_name


ROME_DATA_DIR = Path(__file__).parent / "data" / "rome"


class RomeSourceError(Exception):
    pass


def _read(path: Path, columns: tuple[str, ...]) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise RomeSourceError(f"{path.name} : colonnes manquantes : {', '.join(sorted(missing))}.")
            return list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise RomeSourceError(f"{path.name} illisible : {error}") from error


@transaction.atomic
def rome_load(*, source_dir: Path = ROME_DATA_DIR) -> dict[str, int]:
    """Load or update France Travail's ROME (codes and job titles) from `rome.csv` and `appellations.csv`
    (semicolon-separated, UTF-8). A newer release with the same columns updates labels in place; the file is
    checked whole before anything is written."""
    codes = _read(source_dir / "rome.csv", ("code_rome", "libelle"))
    titles = _read(source_dir / "appellations.csv", ("code_ogr_appellation", "libelle", "code_rome"))
    known = {row["code_rome"].strip() for row in codes}
    orphans = [row["code_ogr_appellation"] for row in titles if row["code_rome"].strip() not in known]
    if orphans:
        raise RomeSourceError(f"{len(orphans)} appellations renvoient à un code ROME absent (ex. {orphans[0]}).")
    RomeCode.objects.bulk_create(
        [RomeCode(code=row["code_rome"].strip(), label=row["libelle"].strip()) for row in codes],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label"],
    )
    RomeAppellation.objects.bulk_create(
        [
            RomeAppellation(
                code=row["code_ogr_appellation"].strip(),
                label=row["libelle"].strip(),
                normalized_label=normalise_name(row["libelle"]),
                rome_id=row["code_rome"].strip(),
            )
            for row in titles
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label", "normalized_label", "rome"],
        batch_size=2000,
    )
    counts = {"codes": len(codes), "appellations": len(titles)}
    audit_event_record(code=AuditCode.ROME_LOADED, actor_label="commande load_rome", extra=counts)
    return counts


@transaction.atomic
def notebook_open(*, actor, person) -> Notebook:
    """The person's carnet, created on first use with the freins the person declared in their DSP (needs,
    subjective, dated from the questionnaire). The caller has fetched `person` through a scoped selector."""
    notebook, created = Notebook.objects.get_or_create(person=person)
    if not created:
        return notebook
    dsp = getattr(person, "dsp", None)
    declared = (dsp.declared_obstacles or []) if dsp is not None else []
    codes = [DSP_OBSTACLE_TO_FREIN[code] for code in declared if code in DSP_OBSTACLE_TO_FREIN]
    categories = FreinCategory.objects.filter(code__in=codes, is_active=True)
    NotebookFrein.objects.bulk_create(
        [
            NotebookFrein(
                notebook=notebook,
                category=category,
                status=FreinStatus.NEED,
                nature=FreinNature.SUBJECTIVE,
                identified_on=dsp.filled_on if dsp is not None else None,
                comment="déclaré par la personne dans ses données socio-professionnelles",
                updated_by=actor.user if actor else None,
            )
            for category in categories
        ]
    )
    audit_event_record(
        code=AuditCode.NOTEBOOK_CREATED,
        actor=actor.user if actor else None,
        organisation=actor.organisation if actor else None,
        subject=notebook,
        person_id=person.pk,
        new={"freins": codes},
    )
    return notebook


NOTEBOOK_CONFLICT_MESSAGE = (
    "Ce carnet a été modifié par quelqu'un d'autre pendant que vous le consultiez : rechargez la page "
    "pour voir ses changements, puis refaites le vôtre."
)


def _is_sqlite_lock(error: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "database is locked" in str(error)


def notebook_touch(*, notebook: Notebook, expected_version: int) -> Notebook:
    """Bump the carnet's version for a write made on `expected_version`; refused when someone saved in between,
    so that nobody overwrites a colleague's change without seeing it."""
    try:
        updated = Notebook.objects.filter(pk=notebook.pk, version=expected_version).update(
            version=expected_version + 1, last_activity_at=timezone.now()
        )
    except OperationalError as error:
        # SQLite (the demo's database) refuses the second of two simultaneous writes instead of making it wait
        # when that transaction already read: it is the same conflict, and gets the same answer.
        if not _is_sqlite_lock(error):
            raise
        raise ValidationError(NOTEBOOK_CONFLICT_MESSAGE) from error
    if not updated:
        raise ValidationError(NOTEBOOK_CONFLICT_MESSAGE)
    notebook.version = expected_version + 1
    return notebook
