"""Reads of the intake app, scoped to the actor."""

from collections.abc import Iterator
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.core.services import audit_event_record
from jalon.intake.enums import ImportKind
from jalon.intake.models import ImportProfile, ImportRun, SocioProfessionalData, dsp_complete_q
from jalon.intake.spreadsheet import SpreadsheetError, read_table
from jalon.people.models import HouseholdMember, Person
from jalon.people.selectors import person_view_record


def dsp_get(*, actor: Actor, person_pk) -> tuple[Person, SocioProfessionalData | None]:
    """The person (404 when out of the actor's scope) and their DSP, if any, in one query. Opening it is audited."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("dsp"), pk=person_pk)
    person_view_record(actor=actor, person=person, screen="données socio-professionnelles")
    try:
        dsp = person.dsp
    except SocioProfessionalData.DoesNotExist:
        dsp = None
    return person, dsp


def dsp_completeness_rate(*, actor: Actor) -> dict:
    """Indicator "part de DSP renseignés" (PTI, target 100 %) over the persons visible to the actor who are
    currently subject to rights and duties: {"count", "complete", "rate"}; rate is None when count is 0.

    One aggregate query (plus, once per actor, the membership's territories)."""
    subject = HouseholdMember.objects.current().filter(subject_to_rights_and_duties=True)
    figures = (
        Person.objects.visible_to(actor)
        .filter(pk__in=subject.values("person_id"))
        .aggregate(count=Count("pk"), complete=Count("pk", filter=dsp_complete_q("dsp__")))
    )
    count, complete = figures["count"], figures["complete"]
    return {"count": count, "complete": complete, "rate": round(100 * complete / count, 1) if count else None}


def import_run_list(*, actor: Actor):
    return ImportRun.objects.visible_to(actor).select_related("organisation").order_by("-created_at", "-pk")


def import_run_get(*, actor: Actor, pk) -> ImportRun:
    return get_visible_or_404(ImportRun.objects.visible_to(actor).select_related("same_as", "organisation"), pk=pk)


REJECTED_PAGE_SIZE = 50


def rejected_rows_page(*, actor: Actor, run: ImportRun, page_number) -> Page:
    """One page of the lines an import set aside. They carry a beneficiary's identifier and the reason (often with
    the name) but no person of the base: reading them is recorded with the import and the lines shown."""
    page = Paginator(run.rejected_rows.order_by("line"), REJECTED_PAGE_SIZE).get_page(page_number)
    lines = [row.line for row in page]
    if lines:
        audit_event_record(
            code=AuditCode.PERSON_VIEWED,
            actor=actor.user,
            organisation=actor.organisation,
            subject=run,
            extra={"screen": "lignes écartées d'un import", "lines": lines},
        )
    return page


def import_profile_list(*, actor: Actor):
    return ImportProfile.objects.visible_to(actor).order_by("name")


def import_profile_get(*, actor: Actor, pk) -> ImportProfile:
    return get_visible_or_404(ImportProfile.objects.visible_to(actor), pk=pk)


SPREADSHEET_UNAVAILABLE = "Le fichier de cet import n'est plus disponible : déposez-le à nouveau."


def spreadsheet_table(*, run: ImportRun) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The headers and rows of a spreadsheet run's stored file (a run already fetched in the actor's scope).
    ValidationError with a French message when the file is gone or unreadable; the rows may still raise
    `SpreadsheetError` if the file breaks further down."""
    if run.kind != ImportKind.SPREADSHEET or not run.stored_file:
        raise ValidationError(SPREADSHEET_UNAVAILABLE)
    try:
        with run.stored_file.open("rb") as handle:
            return read_table(handle)  # read whole: the rows do not need the file any more
    except FileNotFoundError as error:
        raise ValidationError(SPREADSHEET_UNAVAILABLE) from error
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error


def spreadsheet_sample(*, run: ImportRun, size: int = 5) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The headers and the first rows of a spreadsheet run's file, for the column mapping screen."""
    headers, rows = spreadsheet_table(run=run)
    try:
        return headers, list(islice(rows, size))
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
