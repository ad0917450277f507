from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.francetravail import selectors, services
from jalon.francetravail.selectors import ROLES
from jalon.notebook.models import Appointment
from jalon.people.selectors import person_view_record


@require_roles(*ROLES)
def situation(request, person_pk):
    """The person's France Travail page: the appointments to report, and the situation when asked for."""
    page = selectors.france_travail_page(
        actor=request.actor, person_pk=person_pk, consult=request.GET.get("consulter") == "1"
    )
    return render(
        request,
        "francetravail/situation.html",
        {"page": page, "person": page.access.notebook.person, "consultation": page.consultation},
    )


@require_roles(*ROLES)
@require_POST
def attendance_push(request, person_pk, pk):
    access = selectors.france_travail_access(actor=request.actor, person_pk=person_pk)
    if not access.can_write:
        raise Http404(NOT_FOUND_MESSAGE)
    person_view_record(actor=request.actor, person=access.notebook.person, screen="France Travail : transmission")
    appointment = get_visible_or_404(
        Appointment.objects.filter(notebook=access.notebook).select_related("organisation", "notebook__person"), pk=pk
    )
    try:
        services.attendance_push_request(actor=request.actor, appointment=appointment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "La présence est mise en file d'envoi vers France Travail.")
    return redirect("francetravail:situation", person_pk=person_pk)
