"""An import that crashes, or whose worker dies, does not stay « en attente » forever nor keep its file."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake import services, tasks
from jalon.intake.enums import ImportKind, ImportStatus
from jalon.intake.models import ImportRun
from jalon.people.models import Person
from tests.conftest import actor_for
from tests.intake.flux_builder import H, P, flux
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin():
    departement = DepartementFactory()
    CommuneFactory(code="40192", departement=departement)
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=departement)


def test_a_crashing_import_task_fails_in_french_and_deletes_its_file(
    admin, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(**kwargs):
        kwargs["run"].status = ImportStatus.RUNNING
        kwargs["run"].save()
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "caf_flux_import", crash)
    content = flux([H("1234567", [P("DUPONT", "Marie", "1985-05-06", "2850540192123")])])
    upload = ContentFile(content, name="flux.xml")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.caf_flux_upload(actor=actor_for(admin), uploaded_file=upload)
        stored = run.stored_file.path
    assert callbacks  # the task ran (and crashed)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.error.startswith("L'import s'est arrêté sur une erreur inattendue : rien n'a été écrit")
    assert not run.stored_file and not _exists(stored)
    assert not Person.objects.exists()
    failed = AuditEvent.objects.get(code=AuditCode.IMPORT_FAILED)
    assert failed.data["reason"] == "crash"


def _exists(path) -> bool:
    import os

    return os.path.exists(path)


def _run(admin, *, kind, status, hours_ago, started=True) -> ImportRun:
    moment = timezone.now() - datetime.timedelta(hours=hours_ago)
    run = ImportRun.objects.create(
        kind=kind,
        status=status,
        departement_id=admin.organisation.departement_id,
        organisation=admin.organisation,
        file_name="f",
        stored_file=ContentFile(b"personal data", name="f.xml"),
        started_at=moment if started else None,
    )
    ImportRun.objects.filter(pk=run.pk).update(created_at=moment)
    return run


def test_the_daily_step_fails_stale_runs_and_deletes_their_files(admin, settings, django_capture_on_commit_callbacks):
    settings.JALON_IMPORT_STALE_HOURS = 12
    killed = _run(admin, kind=ImportKind.CAF_FLUX, status=ImportStatus.RUNNING, hours_ago=30)
    abandoned = _run(admin, kind=ImportKind.SPREADSHEET, status=ImportStatus.PENDING, hours_ago=13, started=False)
    recent = _run(admin, kind=ImportKind.CAF_FLUX, status=ImportStatus.RUNNING, hours_ago=2)
    paths = {run.pk: run.stored_file.path for run in (killed, abandoned, recent)}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("intake_daily", verbosity=0)
    for run in (killed, abandoned, recent):
        run.refresh_from_db()
    assert killed.status == abandoned.status == ImportStatus.FAILED
    assert killed.error.startswith("L'import ne s'est pas terminé (traitement interrompu)")
    assert abandoned.error.startswith("Import abandonné : la correspondance des colonnes n'a pas été confirmée")
    assert not _exists(paths[killed.pk]) and not _exists(paths[abandoned.pk])
    assert recent.status == ImportStatus.RUNNING and _exists(paths[recent.pk])
    assert AuditEvent.objects.filter(code=AuditCode.IMPORT_FAILED).count() == 2
