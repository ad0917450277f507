import logging

from django.conf import settings
from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.models import ImportRun
from jalon.intake.services import import_run_crashed


logger = logging.getLogger(__name__)


def _progress_writer(run_id: int):
    """Report bytes read on a second connection, visible while the import's own transaction is open.
    Without one (SQLite, tests) the page shows the run as in progress without a percentage."""
    if "progress" not in settings.DATABASES:
        return None

    def write(bytes_done: int) -> None:
        ImportRun.objects.using("progress").filter(pk=run_id).update(bytes_done=bytes_done)

    return write


@task()
def caf_flux_import_task(run_id: int) -> str:
    run = ImportRun.objects.select_related("started_by").get(pk=run_id)
    try:
        with acting_as(run.started_by_label):
            run = caf_flux_import(
                path=run.stored_file.path,
                departement=run.departement,
                actor_user=run.started_by,
                organisation=run.organisation,
                run=run,
                progress=_progress_writer(run_id),
            )
    except Exception:
        # The import's transaction rolled back: the run must not stay "en cours" nor keep the file. Re-raised so
        # that the worker records the failure with its traceback.
        logger.exception("CAF/MSA flux import %s crashed", run_id)
        import_run_crashed(run_id=run_id)
        raise
    # The raw file holds personal data of the whole département: it is not kept once processed.
    run.stored_file.delete(save=True)
    return run.status
