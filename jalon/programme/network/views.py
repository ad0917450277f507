"""Screens of the professionals' network: events and registrations, attendance, the document bank. Thin: each parses,
calls one service or selector, renders. Out of reach is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404
from jalon.programme import access as plan_access
from jalon.programme import selectors as plan_selectors
from jalon.programme.network import access, selectors, services
from jalon.programme.network.forms import (
    AttendanceForm,
    DocumentFilterForm,
    DocumentForm,
    EventFilterForm,
    EventForm,
    VersionForm,
)
from jalon.programme.network.models import BankDocumentVersion


def _programme(request, code):
    return plan_selectors.programme_for(actor=request.actor, code=code)


def _filtered_events(request, programme):
    form = EventFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_valid() else {}
    when = filters.get("quand") or "a_venir"
    items = selectors.events(
        programme=programme, when=when, kind=filters.get("format") or "", action_id=filters.get("action")
    )
    return form, when, items


@plan_access.require_plan_reader
def event_list(request, code):
    programme = _programme(request, code)
    form, when, items = _filtered_events(request, programme)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programme/network/events.html",
        {
            "programme": programme,
            "form": form,
            "when": when,
            "page_obj": Paginator(items, 20).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "may_create": access.may_run_events(request.actor, programme) or _piloted(request, programme),
            "counts": selectors.network_counts(programme=programme, year=timezone.localdate().year),
        },
    )


def _piloted(request, programme) -> bool:
    """The actor pilots an action of the plan (he may then organise its events)."""
    actor = request.actor
    return actor.has_role(*plan_access.PLAN_EDITORS) and programme.actions.piloted_by(actor.organisation_id).exists()


@plan_access.require_plan_reader
def event_list_export(request, code):
    programme = _programme(request, code)
    _form, when, items = _filtered_events(request, programme)
    rows = selectors.events_export_rows(items=items)
    return export_response(request, rows, f"{programme.code}-evenements-{when}-{timezone.localdate():%Y-%m-%d}.csv")


@plan_access.require_plan_reader
def event_create(request, code):
    programme = _programme(request, code)
    if not (access.may_run_events(request.actor, programme) or _piloted(request, programme)):
        raise Http404(NOT_FOUND_MESSAGE)
    initial = {}
    if (value := request.GET.get("action", "")).isdigit():
        initial["action"] = int(value)
    form = EventForm(request.POST or None, initial=initial, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.event_create(actor=request.actor, programme=programme, **data)
    )
    if written:
        messages.success(request, "L'événement est créé : les professionnels peuvent s'y inscrire.")
        return redirect("programme:network_event", code=code, pk=written.result.pk)
    return render(
        request,
        "programme/network/form.html",
        {"form": form, "programme": programme, "title": "Nouvel événement", "cancel": "events"},
    )


@plan_access.require_plan_reader
def event_detail(request, code, pk):
    programme = _programme(request, code)
    event = selectors.event_for(programme=programme, pk=pk)
    page = selectors.event_page(event=event, actor=request.actor)
    may_run = access.may_run_events(request.actor, programme, event.action)
    attendance = None
    if may_run and page["is_past"] and page["registrations"]:
        attendance = AttendanceForm(
            initial={"present": [r.pk for r in page["registrations"] if r.attended]},
            registrations=page["registrations"],
        )
    return render(
        request,
        "programme/network/event.html",
        {"programme": programme, "event": event, "may_run": may_run, "attendance_form": attendance, **page},
    )


def _event_write(request, code, pk, write, done: str):
    programme = _programme(request, code)
    event = selectors.event_for(programme=programme, pk=pk)
    try:
        write(event)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("programme:network_event", code=code, pk=pk)


@plan_access.require_plan_reader
@require_POST
def event_register(request, code, pk):
    return _event_write(
        request,
        code,
        pk,
        lambda event: services.event_register(actor=request.actor, event=event),
        "Vous êtes inscrit(e).",
    )


@plan_access.require_plan_reader
@require_POST
def event_unregister(request, code, pk):
    return _event_write(
        request,
        code,
        pk,
        lambda event: services.event_unregister(actor=request.actor, event=event),
        "Votre inscription est annulée.",
    )


@plan_access.require_plan_reader
@require_POST
def event_attendance(request, code, pk):
    programme = _programme(request, code)
    event = selectors.event_for(programme=programme, pk=pk)
    if not access.may_run_events(request.actor, programme, event.action):
        raise Http404(NOT_FOUND_MESSAGE)
    return _event_write(
        request,
        code,
        pk,
        lambda event: services.event_attendance_record(
            actor=request.actor, event=event, present_ids=request.POST.getlist("present")
        ),
        "Les présences sont enregistrées.",
    )


@plan_access.require_plan_reader
def document_list(request, code):
    programme = _programme(request, code)
    form = DocumentFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_valid() else {}
    documents = selectors.documents_for(
        actor=request.actor, programme=programme, kind=filters.get("nature") or "", action_id=filters.get("action")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programme/network/documents.html",
        {
            "programme": programme,
            "form": form,
            "page_obj": Paginator(documents, 20).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "may_manage": access.may_manage_documents(request.actor, programme),
        },
    )


@plan_access.require_plan_reader
def document_detail(request, code, pk):
    programme = _programme(request, code)
    document = selectors.document_for(actor=request.actor, programme=programme, pk=pk)
    return render(
        request,
        "programme/network/document.html",
        {
            "programme": programme,
            "document": document,
            "versions": list(document.versions.select_related("uploaded_by")),
            "may_manage": access.may_manage_documents(request.actor, programme),
        },
    )


@plan_access.require_plan_reader
def document_create(request, code):
    programme = _programme(request, code)
    if not access.may_manage_documents(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    form = DocumentForm(request.POST or None, request.FILES or None, programme=programme)
    written = submitted_write(
        request, form, lambda data: services.document_create(actor=request.actor, programme=programme, **data)
    )
    if written:
        messages.success(request, "Le document est ajouté à la banque documentaire.")
        return redirect("programme:network_document", code=code, pk=written.result.pk)
    return render(
        request,
        "programme/network/form.html",
        {"form": form, "programme": programme, "title": "Ajouter un document", "cancel": "documents"},
    )


@plan_access.require_plan_reader
def document_version_add(request, code, pk):
    programme = _programme(request, code)
    if not access.may_manage_documents(request.actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    document = selectors.document_for(actor=request.actor, programme=programme, pk=pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    written = submitted_write(
        request, form, lambda data: services.document_version_add(actor=request.actor, document=document, **data)
    )
    if written:
        messages.success(request, f"La version {written.result.version} est ajoutée.")
        return redirect("programme:network_document", code=code, pk=pk)
    return render(
        request,
        "programme/network/form.html",
        {
            "form": form,
            "programme": programme,
            "title": f"Nouvelle version : {document.title}",
            "cancel": "documents",
        },
    )


@plan_access.require_plan_reader
def document_file(request, code, pk):
    programme = _programme(request, code)
    visible = selectors.documents_for(actor=request.actor, programme=programme)
    version = get_visible_or_404(BankDocumentVersion.objects.filter(document__in=visible), pk=pk)
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.file_name)
    response["Cache-Control"] = "no-store"
    return response


@plan_access.require_plan_reader
@require_POST
def network_report(request, code, pk):
    """The fiche's yearly counts of events and documents, reported as drafts of its observatory indicators."""
    programme = _programme(request, code)
    action = plan_selectors.action_for(actor=request.actor, programme=programme, pk=pk)
    if not plan_access.may_edit_action(request.actor, action):
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        year = int(request.POST.get("year", ""))
        entries = services.network_counts_report(
            actor=request.actor, action=action, year=year, today=timezone.localdate()
        )
    except (ValueError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", ["Choisissez une année."])))
    else:
        codes = ", ".join(entry.indicator.code for entry in entries)
        messages.success(
            request, f"Les comptes de {year} sont reportés dans l'observatoire ({codes}), en brouillon à soumettre."
        )
    return redirect("programme:action", code=code, pk=pk)
