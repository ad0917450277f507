from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.text import normalise_name
from jalon.notebook.enums import FreinNature, FreinStatus
from jalon.notebook.models import FreinCategory, Notebook, NotebookFrein, RomeAppellation, RomeCode
from jalon.notebook.referentials import DSP_OBSTACLE_TO_FREIN
from jalon.notebook.rome_source import rome_release_read


ROME_DATA_DIR = Path(__file__).parent / "data" / "rome"


@transaction.atomic
def rome_load(*, source: Path = ROME_DATA_DIR) -> dict[str, int | str]:
    """Load or update France Travail's ROME (codes and job titles) from a release: the official open-data zip or
    its CSV files (see `rome_source`). The release is read and checked whole before anything is written; codes and
    appellations are upserted by code, and those the release no longer has are kept inactive (carnets may point
    to them), not deleted."""
    release = rome_release_read(source)
    RomeCode.objects.bulk_create(
        [RomeCode(code=code, label=label, active=True) for code, label in release.codes.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label", "active"],
    )
    RomeAppellation.objects.bulk_create(
        [
            RomeAppellation(code=code, label=label, normalized_label=normalise_name(label), rome_id=rome, active=True)
            for code, label, rome in release.appellations
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label", "normalized_label", "rome", "active"],
        batch_size=2000,
    )
    titles = {code for code, _, _ in release.appellations}
    retired_titles = RomeAppellation.objects.filter(active=True).exclude(code__in=titles).update(active=False)
    retired_codes = RomeCode.objects.filter(active=True).exclude(code__in=list(release.codes)).update(active=False)
    counts: dict[str, int | str] = {
        "version": release.version,
        "codes": len(release.codes),
        "appellations": len(release.appellations),
        "codes_retires": retired_codes,
        "appellations_retirees": retired_titles,
    }
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


NOTEBOOK_CLOSED_MESSAGE = (
    "Le parcours de cette personne est clos : son carnet se consulte mais ne se modifie plus. "
    "Rouvrez le parcours si la personne revient."
)


def notebook_ensure_open(*, notebook: Notebook) -> None:
    """Refuse a write on a carnet whose path has ended (read from the database: the caller's copy may be old)."""
    if Notebook.objects.filter(pk=notebook.pk).exclude(closed_on=None).exists():
        raise ValidationError(NOTEBOOK_CLOSED_MESSAGE)


def notebook_close(*, notebook: Notebook, on, organisation) -> Notebook:
    """Close the carnet to writes from `on` (the path's exit), still readable by `organisation` which ended it;
    the caller's transaction and audit cover it."""
    Notebook.objects.filter(pk=notebook.pk).update(
        closed_on=on, closed_by_organisation=organisation, version=F("version") + 1, last_activity_at=timezone.now()
    )
    notebook.refresh_from_db(fields=["closed_on", "closed_by_organisation", "version", "last_activity_at"])
    return notebook


def notebook_reopen(*, notebook: Notebook) -> Notebook:
    Notebook.objects.filter(pk=notebook.pk).update(
        closed_on=None, closed_by_organisation=None, version=F("version") + 1, last_activity_at=timezone.now()
    )
    notebook.refresh_from_db(fields=["closed_on", "closed_by_organisation", "version", "last_activity_at"])
    return notebook


def notebook_touch(*, notebook: Notebook, expected_version: int) -> Notebook:
    """Bump the carnet's version for a write made on `expected_version`; refused when someone saved in between,
    so that nobody overwrites a colleague's change without seeing it, and when the path has ended."""
    notebook_ensure_open(notebook=notebook)
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
