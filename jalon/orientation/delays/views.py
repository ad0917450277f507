from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jalon.core.aggregates import kept
from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, require_departement_staff, require_roles
from jalon.core.sorting import Sorting
from jalon.orientation.delays import selectors, services
from jalon.orientation.delays.forms import (
    AlertCloseForm,
    AlertFilterForm,
    DelaysFilterForm,
    FiguresFilterForm,
    ThresholdsForm,
)
from jalon.orientation.enums import DelayStep
from jalon.people.selectors import PERSON_SEARCH_ROLES, persons_page_open


DELAYS_ROLES = (Role.ORIENTATION_OFFICER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)
ALERTS_ROLES = (*DELAYS_ROLES, Role.REFERENT)
FIGURES_ROLES = (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR)
PAGE_SIZE = 25
_NAME = ("normalized_last_name", "normalized_first_name")
# The longest overdue first: the earliest due date (its start, the step's delay being the same for everyone).
OVERDUE_SORTING = Sorting({"nom": _NAME, "commune": ("commune__name",), "echeance": ("start_on",)}, default="echeance")
ALERTS_SORTING = Sorting(
    {
        "nom": tuple(f"person__{name}" for name in _NAME),
        "commune": ("person__commune__name",),
        "echeance": ("due_on",),
    },
    default="echeance",
)


def _can_open_files(actor) -> bool:
    return actor.is_platform_admin or actor.has_role(*PERSON_SEARCH_ROLES)


# -- people over threshold ---------------------------------------------------------------------------------------


@require_departement_staff(*DELAYS_ROLES)
def overview(request):
    actor = request.actor
    territories = selectors.visible_territories(actor)
    form = DelaysFilterForm(request.GET or None, territories=territories)
    step, territory_id = form.step, form.territory_id
    summary = selectors.delays_summary(actor=actor)
    sort = OVERDUE_SORTING.state(request)
    page = selectors.overdue_page(
        actor=actor,
        step=step,
        summary=summary,
        territory_id=territory_id,
        page_number=request.GET.get("page"),
        sort=sort,
    )
    return render(
        request,
        "orientation/delays/overview.html",
        {
            "form": form,
            "summary": summary,
            "steps": list(DelayStep),
            "step": DelayStep(step),
            "threshold": summary.thresholds.days_for(step),
            "legal_references": services.legal_references(summary.thresholds),
            "territory_id": territory_id,
            "page_obj": page,
            "can_open_files": _can_open_files(actor),
            "export_query": request.GET.urlencode(),
            "sort": sort,
        },
    )


@require_departement_staff(*DELAYS_ROLES)
def overview_csv(request):
    actor = request.actor
    form = DelaysFilterForm(request.GET or None, territories=selectors.visible_territories(actor))
    step, territory_id = form.step, form.territory_id
    rows = selectors.overdue_export(
        actor=actor, step=step, territory_id=territory_id, sort=OVERDUE_SORTING.state(request)
    )
    return export_response(request, rows, f"retards-{step}-{timezone.localdate():%Y-%m-%d}.csv")


# -- alerts ------------------------------------------------------------------------------------------------------


@require_roles(*ALERTS_ROLES)
def alerts(request):
    actor = request.actor
    territories = selectors.visible_territories(actor)
    form = AlertFilterForm(request.GET or None, territories=territories, with_scope=not actor.has_role(Role.REFERENT))
    filters = form.selector_kwargs() if form.is_bound else {}
    sort = ALERTS_SORTING.state(request)
    page = persons_page_open(
        actor=actor,
        rows=sort.apply(selectors.alerts_for(actor=actor, **filters)),
        screen="alertes de délai",
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        persons_of=lambda alert: (alert.person_id,),
    )
    today = timezone.localdate()
    for alert in page:
        alert.days_over = (today - alert.due_on).days
    return render(
        request,
        "orientation/delays/alerts.html",
        {"form": form, "page_obj": page, "can_open_files": _can_open_files(actor), "sort": sort},
    )


@require_roles(*ALERTS_ROLES)
def alert_close(request, pk):
    actor = request.actor
    alert = selectors.alert_for(actor=actor, pk=pk)
    form = AlertCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delay_alert_close(actor=actor, alert=alert, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"L'alerte « {alert.get_step_display()} » de {alert.person} est traitée.")
            return redirect("orientation:alerts")
    alert.days_over = (timezone.localdate() - alert.due_on).days  # type: ignore[attr-defined]
    return render(request, "orientation/delays/alert_close.html", {"form": form, "alert": alert})


# -- thresholds --------------------------------------------------------------------------------------------------


def _thresholds_departement(actor):
    if not (actor.is_platform_admin or actor.is_departement_admin):
        raise Http404(NOT_FOUND_MESSAGE)  # an association's administrator does not set the Département's delays
    return selectors.actor_departement_id(actor)


@require_departement_staff(Role.ADMINISTRATOR)
def thresholds(request):
    actor = request.actor
    departement_id = _thresholds_departement(actor)
    current = selectors.thresholds_for(departement_id)
    initial = {name: getattr(current, name) for name in services.EDITABLE_FIELDS}
    form = ThresholdsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.delay_thresholds_update(actor=actor, departement_id=departement_id, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Les délais sont enregistrés.")
            return redirect("orientation:delay_thresholds")
    return render(
        request,
        "orientation/delays/thresholds.html",
        {
            "form": form,
            "thresholds": current,
            "legal_deadlines": services.LEGAL_DEADLINES,
            "legal_references": services.legal_references(current),
        },
    )


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def thresholds_legal(request):
    actor = request.actor
    departement_id = _thresholds_departement(actor)
    try:
        services.delay_thresholds_apply_legal(actor=actor, departement_id=departement_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "Délais légaux appliqués (décret n° 2024-1244) : orientation sous six semaines après la demande, "
            "contrat d'engagement sous un mois après l'orientation, diagnostic conjoint du parcours social sous six "
            "mois (douze s'il est prolongé), contrat d'engagement des personnes accompagnées avant 2025 au plus tard "
            "le 1er janvier 2027.",
        )
    return redirect("orientation:delay_thresholds")


# -- observatory figures -----------------------------------------------------------------------------------------


def filtered_figures(request, figures_selector):
    """The filter form of a figures page (period, territory within the actor's reach) and the figures its
    `figures_selector` computes for it: shared by the orientation, carnet and offer figures. The figures depend on
    the arguments only (the period, the territory): every user of the Département shares them for a few minutes
    (`jalon.core.aggregates`)."""
    actor = request.actor
    today = timezone.localdate()
    form = FiguresFilterForm(request.GET or None, territories=selectors.visible_territories(actor), today=today)
    kwargs = form.selector_kwargs(
        departement_id=selectors.actor_departement_id(actor), limited_to_territories=bool(actor.territory_ids)
    )
    name = f"figures:{figures_selector.__module__}.{figures_selector.__qualname__}"
    return form, kept(name, (today, sorted(kwargs.items())), lambda: figures_selector(**kwargs))
