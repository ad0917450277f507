from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jalon.inbox import selectors, services
from jalon.inbox.forms import InboxFilterForm, InboxPreferenceForm
from jalon.inbox.targets import target_opens


def inbox_list(request):
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = selectors.notification_list(
        actor=request.actor, kind=filters.get("kind", ""), state=filters.get("state", "")
    )
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/inbox_list.html",
        {"form": form, "page_obj": page, "kind": filters.get("kind", ""), "next": request.get_full_path()},
    )


def notification_open(request, pk):
    """Opening an item reads it and leads to its work; a target no longer within reach is explained in French."""
    notification = selectors.notification_get(actor=request.actor, pk=pk)
    services.notification_mark_read(actor=request.actor, notification=notification)
    if not target_opens(actor=request.actor, url=notification.url):
        return render(request, "inbox/target_gone.html", {"notification": notification})
    return redirect(notification.url)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox:list")


@require_POST
def notification_mark_read(request, pk):
    notification = selectors.notification_get(actor=request.actor, pk=pk)
    services.notification_mark_read(actor=request.actor, notification=notification)
    return _back(request)


@require_POST
def notifications_mark_all_read(request):
    form = InboxFilterForm(request.POST)
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    count = services.notifications_mark_all_read(actor=request.actor, kind=kind)
    s = "s" if count > 1 else ""
    messages.success(request, f"{count} notification{s} marquée{s} comme lue{s}.")
    return _back(request)


def preferences(request):
    preference = selectors.preference_for(actor=request.actor)
    form = InboxPreferenceForm(request.POST or None, initial={"daily_digest": preference.daily_digest})
    if request.method == "POST" and form.is_valid():
        services.inbox_preference_update(actor=request.actor, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(
            request,
            "Vous recevrez un récapitulatif quotidien par e-mail."
            if form.cleaned_data["daily_digest"]
            else "Vous ne recevrez plus de récapitulatif quotidien par e-mail.",
        )
        return redirect("inbox:list")
    return render(request, "inbox/preferences.html", {"form": form})
