"""Writes of the intake app: the DSP (données socio-professionnelles)."""

from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record, changed_fields
from jalon.intake.enums import DeclaredObstacle
from jalon.intake.models import ImportRun, SocioProfessionalData
from jalon.people.models import Person


# The answers a DSP holds; who filled it in and when are set by `dsp_update` itself.
DSP_FIELDS = [
    "professional_situation",
    "education_level",
    "last_job",
    "last_job_rome_code",
    "last_job_end_date",
    "driving_licence",
    "has_vehicle",
    "declared_obstacles",
    "project",
    "filled_by_person",
]
_TEXT_FIELDS = ("last_job", "project")


def _normalise(data: dict) -> dict:
    """Canonical values, so that an identical questionnaire compares equal to the stored one."""
    data = {field: data[field] for field in DSP_FIELDS if field in data}
    for field in _TEXT_FIELDS:
        if field in data:
            data[field] = (data[field] or "").strip()
    if "last_job_rome_code" in data:
        data["last_job_rome_code"] = (data["last_job_rome_code"] or "").strip().upper()
    if data.get("declared_obstacles") is not None:
        codes = set(data["declared_obstacles"])
        # Enumeration order, unknown codes kept (at the end) so that validation refuses them.
        data["declared_obstacles"] = [code for code in DeclaredObstacle.values if code in codes] + sorted(
            codes - set(DeclaredObstacle.values)
        )
    return data


@transaction.atomic
def dsp_update(*, actor: Actor, person: Person, data: dict) -> SocioProfessionalData:
    """Create or update the person's DSP with the given answers (a partial dict updates only those).

    Records who filled it in and when, and an audit event with only the answers that changed. Nothing is
    written when nothing changes; a first questionnaire with no answer at all is not stored (the returned
    instance is then unsaved).
    """
    data = _normalise(data)
    dsp = SocioProfessionalData.objects.select_for_update().filter(person=person).first()
    created = dsp is None
    if dsp is None:
        dsp = SocioProfessionalData(person=person)
    old, new = changed_fields(dsp, DSP_FIELDS, data)
    if not new:
        return dsp
    for field, value in new.items():
        setattr(dsp, field, value)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    dsp.filled_by = user
    dsp.filled_on = timezone.localdate()
    dsp.full_clean()
    dsp.save()
    audit_event_record(
        code=AuditCode.DSP_UPDATED,
        actor=user,
        organisation=actor.organisation,
        subject=dsp,
        person_id=person.pk,
        old=old,
        new=new,
        extra={"created": True} if created else None,
    )
    return dsp


@transaction.atomic
def caf_flux_upload(*, actor, uploaded_file) -> ImportRun:
    """Store an uploaded flux and queue its import; the worker does the rest (see tasks.py)."""
    from jalon.intake.enums import ImportKind
    from jalon.intake.tasks import caf_flux_import_task

    run = ImportRun.objects.create(
        kind=ImportKind.CAF_FLUX,
        departement_id=actor.organisation.departement_id,
        organisation=actor.organisation,
        started_by=actor.user,
        started_by_label=actor.user.email,
        file_name=uploaded_file.name[:255],
        file_size=uploaded_file.size,
        stored_file=uploaded_file,
    )
    transaction.on_commit(lambda: caf_flux_import_task.enqueue(run.pk))
    return run


def rejected_rows_download_record(*, actor, run: ImportRun) -> None:
    audit_event_record(
        code=AuditCode.IMPORT_REPORT_DOWNLOADED, actor=actor.user, organisation=actor.organisation, subject=run
    )
