from django.conf import settings
from django_tasks import task

from jalon.core.request_context import acting_as
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.models import ImportRun


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
    with acting_as(run.started_by_label):
        run = caf_flux_import(
            path=run.stored_file.path,
            departement=run.departement,
            actor_user=run.started_by,
            organisation=run.organisation,
            run=run,
            progress=_progress_writer(run_id),
        )
    # The raw file holds personal data of the whole département: it is not kept once processed.
    run.stored_file.delete(save=True)
    return run.status
