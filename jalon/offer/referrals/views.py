"""Screens of the referrals: send from a carnet, the structure's inbox, the sender's list, the detail with its
history and actions, and the secure answer page of a structure without Jalon account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.exports import export_query, export_response
from jalon.core.forms import add_service_errors, submitted_write
from jalon.core.request_context import client_ip
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_roles
from jalon.core.sorting import Sorting
from jalon.notebook.access import notebook_access
from jalon.offer.referrals import selectors, services
from jalon.offer.referrals.forms import ACTION_FORMS, ACTION_LABELS, ReferralForm, StatusFilterForm
from jalon.people.selectors import person_view_record


CARNET_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)
ACTING_ROLES = selectors.ACTING_ROLES
PAGE_SIZE = 50
# Wrong secure links tolerated per client address and quarter of an hour before the page stops answering.
LINK_FAILURES_ALLOWED = 20
LINK_FAILURES_WINDOW = 15 * 60
_COLUMNS = {"numero": ("pk",), "service": ("service__name",), "envoi": ("sent_at",), "statut": ("status",)}
# The other side's structure: who sent the referral for the structure that receives it, and the reverse.
RECEIVED_SORTING = Sorting({**_COLUMNS, "structure": ("sender_organisation__name",)}, default="-envoi")
SENT_SORTING = Sorting({**_COLUMNS, "structure": ("structure__name",)}, default="-envoi")


def _action_forms(actions, data=None, wanted=None):
    return [
        (action, ACTION_LABELS[action], ACTION_FORMS[action](data if action == wanted else None, prefix=action))
        for action in actions
    ]


# --- from the carnet --------------------------------------------------------------------------------------------


@require_roles(*CARNET_ROLES)
def referral_create(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    if not access.can_write:
        raise Http404(NOT_FOUND_MESSAGE)
    notebook = access.notebook
    person = notebook.person
    person_view_record(actor=request.actor, person=person, screen="carnet : orienter vers un service")
    preselected = request.GET.get("service")
    preselected = int(preselected) if preselected and preselected.isdigit() else None
    form = ReferralForm(
        request.POST or None,
        initial={"version": notebook.version, "service": preselected},
        services=selectors.services_for_referral(person=person, preselected=preselected),
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.referral_send(actor=request.actor, notebook=notebook, **form.service_fields()),
    )
    if written:
        referral = written.result
        messages.success(
            request, f"L'orientation vers « {referral.service.name} » est envoyée à {referral.structure}."
        )
        return redirect("offer:notebook_referrals", person_pk=person.pk)
    return render(request, "offer/referrals/create.html", {"form": form, "person": person, "access": access})


@require_roles(*CARNET_ROLES)
def notebook_referrals(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    person = access.notebook.person
    person_view_record(actor=request.actor, person=person, screen="carnet : orientations vers l'offre")
    return render(
        request,
        "offer/referrals/notebook_list.html",
        {
            "person": person,
            "access": access,
            "referrals": selectors.referrals_of_notebook(notebook=access.notebook),
        },
    )


# --- lists ------------------------------------------------------------------------------------------------------


def _filtered(request, queryset_for, sorting: Sorting):
    """The list as the screen filters and sorts it: its page and its export show the same referrals, in one order."""
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else None
    sort = sorting.state(request)
    return form, sort, sort.apply(queryset_for(actor=request.actor, status=status or None))


def _list(request, queryset_for, sorting: Sorting, *, template: str, title: str, export: str):
    form, sort, referrals = _filtered(request, queryset_for, sorting)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "form": form,
            "page_obj": page,
            "title": title,
            "export_url": export,
            "export_query": export_query(request),
            "sort": sort,
        },
    )


def _export(request, queryset_for, sorting: Sorting, *, name: str):
    _, _, referrals = _filtered(request, queryset_for, sorting)
    rows = selectors.referrals_export(referrals)
    return export_response(request, rows, f"{name}-{timezone.localdate():%Y-%m-%d}.csv")


@require_roles(*ACTING_ROLES, partner_admin=True)
def referrals_received(request):
    return _list(
        request,
        selectors.referrals_received,
        RECEIVED_SORTING,
        template="offer/referrals/received.html",
        title="Orientations reçues",
        export="offer:referrals_received_csv",
    )


@require_roles(*ACTING_ROLES, partner_admin=True)
def referrals_received_csv(request):
    return _export(request, selectors.referrals_received, RECEIVED_SORTING, name="orientations-recues")


@require_roles(*ACTING_ROLES, partner_admin=True)
def referrals_sent(request):
    return _list(
        request,
        selectors.referrals_sent,
        SENT_SORTING,
        template="offer/referrals/sent.html",
        title="Orientations envoyées",
        export="offer:referrals_sent_csv",
    )


@require_roles(*ACTING_ROLES, partner_admin=True)
def referrals_sent_csv(request):
    return _export(request, selectors.referrals_sent, SENT_SORTING, name="orientations-envoyees")


# --- one referral -----------------------------------------------------------------------------------------------


@require_roles(*CARNET_ROLES, partner_admin=True)
def referral_detail(request, pk, action=None):
    page = selectors.referral_page(actor=request.actor, pk=pk)
    referral = page.referral
    if request.method == "POST":
        # A step not offered here (skipped, already taken, another organisation's) still goes to the service,
        # which refuses it in French and writes nothing.
        form_class = ACTION_FORMS.get(action or "")
        if form_class is None:
            raise Http404(NOT_FOUND_MESSAGE)
        form = form_class(request.POST, prefix=action)
        written = submitted_write(
            request,
            form,
            lambda data: services.referral_status_change(
                action=action, actor=request.actor, referral=referral, **data
            ),
        )
        if written:
            messages.success(request, f"L'orientation est désormais « {written.result.get_status_display()} ».")
            return redirect("offer:referral_detail", pk=referral.pk)
        refusals = list(form.non_field_errors())
        forms = [
            (name, label, form if name == action else ACTION_FORMS[name](prefix=name))
            for name, label, _ in _action_forms(page.actions)
        ]
    else:
        refusals, forms = [], _action_forms(page.actions)
    return render(
        request,
        "offer/referrals/detail.html",
        {"page": page, "referral": referral, "action_forms": forms, "refusals": refusals},
    )


# --- the secure link --------------------------------------------------------------------------------------------


def _failures_key(request) -> str:
    return f"referral-link-failures:{client_ip(request) or 'inconnue'}"


@login_not_required
@cache_control(no_store=True, private=True)  # a person's shared data, opened without an account
def referral_link(request, token):
    """The answer page of a structure without Jalon account: only what the person consented to share."""
    key = _failures_key(request)
    if cache.get(key, 0) >= LINK_FAILURES_ALLOWED:
        return render(
            request,
            "offer/referrals/link_invalid.html",
            {"reason": "Trop de liens invalides ont été essayés depuis votre connexion : réessayez dans 15 minutes."},
            status=429,
        )
    try:
        referral = services.referral_for_link(token)
    except ValidationError as error:
        cache.set(key, cache.get(key, 0) + 1, LINK_FAILURES_WINDOW)
        return render(request, "offer/referrals/link_invalid.html", {"reason": " ".join(error.messages)}, status=404)
    actions = selectors.allowed_actions(referral=referral, is_receiver=True, is_sender=False)
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = ACTION_FORMS.get(action)
        if form_class is None or action == "withdraw":
            raise Http404(NOT_FOUND_MESSAGE)
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                referral = services.referral_status_change(action=action, token=token, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Merci : l'orientation est désormais « {referral.get_status_display()} ».")
                if not referral.is_open:
                    return render(request, "offer/referrals/link_done.html", {"referral": referral})
                return redirect("offer:referral_link", token=token)
        forms = [
            (name, label, form if name == action else ACTION_FORMS[name](prefix=name))
            for name, label, _ in _action_forms(actions)
        ]
    else:
        services.referral_link_view_record(referral=referral)
        forms = _action_forms(actions)
    return render(
        request,
        "offer/referrals/link.html",
        {
            "referral": referral,
            "person": referral.person,
            "events": list(selectors.referral_events(referral=referral)),
            "action_forms": forms,
        },
    )


@require_POST
@require_roles(*ACTING_ROLES, partner_admin=True)
def referral_action(request, pk, action):
    return referral_detail(request, pk, action=action)
