"""Reads of the plan, scoped: a programme of another Département, or one that does not name the actor's
organisation, answers 404 like a programme that does not exist."""

from collections import Counter
from datetime import date, datetime, time

from django.db.models import Prefetch, Q
from django.utils import timezone

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.observatory.models import IndicatorTarget
from jalon.observatory.selectors import format_value, latest_yearly_values
from jalon.programme.enums import ActionStatus, PartnerRole
from jalon.programme.models import (
    ActionIndicator,
    ActionPartner,
    ActionSheet,
    ActionStep,
    Programme,
    ProgressReview,
)


def programmes_for(*, actor: Actor):
    programmes = Programme.objects.all()
    if actor.is_platform_admin:
        return programmes
    if actor.is_departement_staff:
        return programmes.filter(departement_id=actor.departement_code)
    return programmes.filter(signatories__organisation_id=actor.organisation_id).distinct()


def programme_for(*, actor: Actor, code: str) -> Programme:
    return get_visible_or_404(programmes_for(actor=actor), code=code)


def action_for(*, actor: Actor, programme: Programme, pk) -> ActionSheet:
    return get_visible_or_404(programme.actions.select_related("axis", "objective", "programme"), pk=pk)


def _partners():
    return Prefetch("partners", queryset=ActionPartner.objects.select_related("organisation"))


def plan_tree(*, programme: Programme, status: str = "", axis: str = "", organisation_id: int | None = None):
    """The axes with their actions (filtered), each action with its pilots and its late steps."""
    today = timezone.localdate()
    actions = programme.actions.select_related("objective").prefetch_related(_partners(), "steps")
    if status:
        actions = actions.filter(status=status)
    if axis:
        actions = actions.filter(axis__code=axis)
    if organisation_id:
        actions = actions.filter(partners__organisation_id=organisation_id).distinct()
    by_axis: dict[int, list] = {}
    for action in actions:
        action.pilots = [p.organisation for p in action.partners.all() if p.role == PartnerRole.PILOT]
        action.late_steps = [step for step in action.steps.all() if step.is_late(today)]
        by_axis.setdefault(action.axis_id, []).append(action)
    axes = list(programme.axes.prefetch_related("objectives"))
    for item in axes:
        item.filtered_actions = by_axis.get(item.pk, [])
    return axes


def plan_overview(*, programme: Programme) -> dict:
    today = timezone.localdate()
    statuses = Counter(programme.actions.values_list("status", flat=True))
    late_steps = (
        ActionStep.objects.filter(action__programme=programme, done_on__isnull=True)
        .filter(Q(planned_end__lt=today) | Q(planned_end__isnull=True, planned_start__lt=today))
        .select_related("action")
        .order_by("planned_end", "planned_start")
    )
    return {
        "report_years": list(range(programme.start.year, min(programme.end.year, today.year) + 1)),
        "actions": sum(statuses.values()),
        "sheets": programme.actions.filter(has_sheet=True).count(),
        "by_status": [(label, statuses.get(value, 0), value) for value, label in ActionStatus.choices],
        "late_steps": late_steps,
        "late_count": late_steps.count(),
        "signatories": programme.signatories.select_related("organisation").order_by("circle", "organisation__name"),
        "bodies": programme.bodies.prefetch_related("chairs"),
        "funding_sources": programme.funding_sources.select_related("funder"),
    }


def action_page(*, action: ActionSheet) -> dict:
    """Everything the fiche shows: partners, steps, indicators with the observatory's targets and last value,
    amounts, funding, yearly reviews and the versions."""
    programme = action.programme
    indicators = list(ActionIndicator.objects.filter(action=action).select_related("indicator"))
    targets = IndicatorTarget.objects.filter(
        indicator_id__in=[link.indicator_id for link in indicators],
        departement_id=programme.departement_id,
        territory__isnull=True,
    )
    target_by = {(t.indicator_id, t.year): t for t in targets}
    latest = latest_yearly_values(
        departement_id=programme.departement_id, codes=[i.indicator.code for i in indicators]
    )
    for link in indicators:
        unit = link.indicator.unit
        link.years = [
            (year, format_value(unit, target.value) if (target := target_by.get((link.indicator_id, year))) else "")
            for year in programme.years
        ]
        link.latest = latest.get(link.indicator.code)
    partners = list(action.partners.select_related("organisation"))
    steps = list(action.steps.all())
    for step in steps:
        step.late = step.is_late(timezone.localdate())
    return {
        "pilots": [p.organisation for p in partners if p.role == PartnerRole.PILOT],
        "contributors": [p.organisation for p in partners if p.role == PartnerRole.CONTRIBUTOR],
        "steps": steps,
        "indicators": indicators,
        "amounts": list(action.amounts.select_related("funding_source")),
        "funding": [link.funding_source for link in action.funding.select_related("funding_source")],
        "services": list(action.services.select_related("structure").order_by("name")),
        "plateaux": list(action.plateaux.order_by("name")),
        "dispositifs": list(action.dispositifs.order_by("name")),
        "reviews": list(ProgressReview.objects.filter(action=action).select_related("author")),
        "versions": list(action.history.select_related("history_user").order_by("-history_date")[:20]),
    }


def action_as_of(*, action: ActionSheet, when) -> dict | None:
    """The fiche as it stood at the end of `when`: its fields, steps and partners then; None before it existed."""
    moment = timezone.make_aware(datetime.combine(when, time.max))
    try:
        past = action.history.as_of(moment)
    except ActionSheet.DoesNotExist:
        return None
    steps = [s for s in ActionStep.history.as_of(moment) if s.action_id == action.pk]
    partners = [p for p in ActionPartner.history.as_of(moment) if p.action_id == action.pk]
    return {
        "past": past,
        "steps": sorted(steps, key=lambda s: s.position),
        "pilots": [p.organisation for p in partners if p.role == PartnerRole.PILOT],
        "contributors": [p.organisation for p in partners if p.role == PartnerRole.CONTRIBUTOR],
    }


def actions_export_rows(*, programme: Programme):
    yield [
        "Code",
        "Intitulé",
        "Axe",
        "Objectif",
        "Fiche rédigée",
        "État",
        "Pilotes",
        "Contributeurs",
        "Échéancier",
        "Source",
    ]
    for action in programme.actions.select_related("axis", "objective").prefetch_related(_partners()):
        partners = list(action.partners.all())
        yield [
            action.code,
            action.title,
            action.axis.code,
            action.objective.code if action.objective else "",
            "oui" if action.has_sheet else "non",
            action.get_status_display(),
            ", ".join(p.organisation.name for p in partners if p.role == PartnerRole.PILOT),
            ", ".join(p.organisation.name for p in partners if p.role == PartnerRole.CONTRIBUTOR),
            action.schedule,
            action.source,
        ]


def steps_timeline(*, programme: Programme, axis: str = "") -> list[tuple[int | None, list]]:
    """Every dated step of the plan by year of its due date (undated last), each with its action and whether it is
    done, late or to come."""
    today = timezone.localdate()
    steps = ActionStep.objects.filter(action__programme=programme).select_related("action__axis")
    if axis:
        steps = steps.filter(action__axis__code=axis)
    by_year: dict[int | None, list] = {}
    for step in sorted(steps, key=lambda s: (s.planned_end or s.planned_start or date.max, s.action.number)):
        due = step.planned_end or step.planned_start
        step.state = "réalisée" if step.done_on else "en retard" if step.is_late(today) else "à venir"
        by_year.setdefault(due.year if due else None, []).append(step)
    return list(by_year.items())
