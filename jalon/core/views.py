from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from jalon.core import selectors
from jalon.core.enums import Role
from jalon.core.forms import AuditFilterForm
from jalon.core.scoping import require_departement_staff


@require_departement_staff(Role.ADMINISTRATOR)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(
        actor=request.actor,
        code=filters.get("code"),
        actor_email=filters.get("actor", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page_obj": page})


@login_not_required
def legal_page(request, page):
    return render(request, f"core/legal/{page}.html")


@login_not_required
@require_GET
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, status, title, message):
    # The API's callers are programs: they read the same JSON as the API's own errors, not a page.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"{title}."}, status=status)
    return render(request, "core/error.html", {"title": title, "message": message, "status": status}, status=status)


@login_not_required
def bad_request(request, exception=None):
    return _error(request, 400, "Requête invalide", "La requête envoyée n'a pas pu être comprise.")


@login_not_required
def permission_denied(request, exception=None):
    # Forbidden looks like not found: nobody learns that something exists out of their reach.
    return page_not_found(request, exception)


@login_not_required
def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page introuvable",
        "La page que vous cherchez n'existe pas, a été déplacée, ou n'est pas accessible avec votre compte.",
    )


@login_not_required
def server_error(request):
    # Rendered without the request's context processors: the failure may be the database they query.
    content = render_to_string(
        "core/error.html",
        {
            "title": "Erreur inattendue",
            "status": 500,
            "message": SERVER_ERROR_MESSAGE,
            "JALON_DEPARTEMENT_NAME": settings.JALON_DEPARTEMENT_NAME,
        },
    )
    return HttpResponseServerError(content)


SERVER_ERROR_MESSAGE = (
    "Désolé, le service a rencontré un problème, qui a été enregistré dans le journal du serveur. "
    "Réessayez dans un instant."
)
