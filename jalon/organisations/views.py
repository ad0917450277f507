from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_roles
from jalon.organisations import selectors, services
from jalon.organisations.forms import (
    InvitationAcceptForm,
    InvitationForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
)


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def organisation_list(request):
    filter_form = OrganisationFilterForm(request.GET or None)
    search = filter_form.cleaned_data["q"] if filter_form.is_valid() else ""
    organisations = selectors.organisation_list(actor=request.actor, search=search)
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "can_create": request.actor.is_departement_admin or request.actor.is_platform_admin,
        },
    )


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def organisation_create(request):
    actor = request.actor
    if not (actor.is_departement_admin or actor.is_platform_admin):
        raise Http404(NOT_FOUND_MESSAGE)
    departement = actor.organisation.departement
    form = OrganisationForm(request.POST or None, departement=departement)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor_user=request.user, departement=departement, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"La structure « {organisation} » a été créée.")
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form})


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def organisation_detail(request, pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": selectors.membership_list(organisation=organisation),
            "invitations": selectors.invitation_list(organisation=organisation)[:50],
        },
    )


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def organisation_update(request, pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    form = OrganisationForm(request.POST or None, organisation=organisation, departement=organisation.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, actor_user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Les informations de la structure ont été enregistrées.")
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def invitation_create(request, pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                organisation=organisation, actor_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/invitation_form.html", {"form": form, "organisation": organisation})


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    invitation = selectors.invitation_get(organisation=organisation, pk=invitation_pk)
    try:
        services.invitation_revoke(invitation=invitation, actor_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"L'invitation de {invitation.email} a été révoquée.")
    return redirect("organisations:detail", pk=organisation.pk)


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
def membership_update(request, pk, membership_pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    membership = selectors.membership_get(organisation=organisation, pk=membership_pk)
    initial = {"role": membership.role, "territories": membership.territories.all()}
    form = MembershipForm(request.POST or None, initial=initial, departement=organisation.departement)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership,
                actor_user=request.user,
                role=form.cleaned_data["role"],
                territories=form.cleaned_data["territories"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le rôle de {membership.user} a été mis à jour.")
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_form.html",
        {"form": form, "organisation": organisation, "membership": membership},
    )


@require_roles(Role.ADMINISTRATOR, partner_admin=True)
@require_POST
def membership_deactivate(request, pk, membership_pk):
    organisation = selectors.organisation_get(actor=request.actor, pk=pk)
    membership = selectors.membership_get(organisation=organisation, pk=membership_pk)
    try:
        services.membership_deactivate(membership=membership, actor_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user} a été retiré(e) de la structure.")
    return redirect("organisations:detail", pk=organisation.pk)


@login_not_required
def invitation_accept(request, token):
    invitation = selectors.invitation_get_by_token(token=token)
    if not invitation.is_pending:
        return render(request, "organisations/invitation_invalid.html", {"invitation": invitation}, status=410)
    user = request.user if request.user.is_authenticated else None
    form = InvitationAcceptForm(request.POST or None) if user is None else None
    if request.method == "POST" and (user is not None or (form is not None and form.is_valid())):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=user,
                password=form.cleaned_data["password1"] if form else None,
                phone=form.cleaned_data["phone"] if form else "",
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                for message in error.messages:
                    form.add_error("password1" if "mot de passe" in message.lower() else None, message)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            services.current_membership_switch(request=request, membership=membership)
            messages.success(request, f"Bienvenue dans {membership.organisation} !")
            return redirect("workspace:home")
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "form": form, "password_help": password_validators_help_text_html()},
    )


@require_POST
def membership_switch(request):
    wanted = request.POST.get("membership")
    membership = next((m for m in request.actor.memberships if str(m.pk) == wanted), None)
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    services.current_membership_switch(request=request, membership=membership)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
