"""The administrators' screen for partners' API tokens, and the API's reference page (the API itself lives in each
app's api.py)."""

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularRedocView

from jalon.api import selectors, services
from jalon.api.forms import ApiTokenForm
from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import require_roles


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def token_list(request):
    tokens = selectors.api_token_list(actor=request.actor)
    organisations = selectors.token_organisations(actor=request.actor)
    return render(
        request,
        "api/token_list.html",
        {
            "page_obj": Paginator(tokens, 25).get_page(request.GET.get("page")),
            "organisations": organisations[:500],
            "single_organisation": organisations.first() if organisations.count() == 1 else None,
        },
    )


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def token_issue_start(request):
    """The organisation chosen on the list page (a plain GET form) leads to its issue form."""
    organisation = selectors.token_organisation_get(actor=request.actor, pk=request.GET.get("structure"))
    return redirect("api_tokens:issue", organisation_pk=organisation.pk)


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def token_issue(request, organisation_pk):
    organisation = selectors.token_organisation_get(actor=request.actor, pk=organisation_pk)
    form = ApiTokenForm(request.POST or None, memberships=selectors.token_memberships(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_issue(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Rendered, not redirected: the secret is never put in a session or a message to be shown later.
            return render(request, "api/token_created.html", {"token": token, "key": key})
    return render(request, "api/token_form.html", {"form": form, "organisation": organisation})


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get(actor=request.actor, pk=pk)
    try:
        services.api_token_revoke(actor=request.actor, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("api_tokens:list")


# Redoc styles its page with inline styles: allowed on this page only, which shows no person's data.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}), name="dispatch")
class ApiDocsView(SpectacularRedocView):
    """The API's reference, readable without an account: Redoc from Jalon's static files, no outside font."""

    template_name = "api/docs.html"
