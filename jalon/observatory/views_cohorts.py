"""The observatory's cohorts, trajectories and data-quality screens. Thin: the figures come from `cohorts`,
`trajectories` and `quality`; the lists of persons to fix are audited page by page, and their export in full."""

from django.shortcuts import render
from django.utils import timezone

from jalon.core.aggregates import kept
from jalon.core.enums import AuditCode
from jalon.core.exports import export_response
from jalon.core.scoping import require_departement_staff
from jalon.observatory import cohorts, quality, trajectories
from jalon.observatory.forms import CohortForm
from jalon.orientation.delays.selectors import actor_departement_id, visible_territories
from jalon.orientation.delays.views import FIGURES_ROLES
from jalon.people.selectors import PERSON_SEARCH_ROLES, persons_page_open, persons_view_record


PAGE_SIZE = 25


def _cohort_form(request):
    actor = request.actor
    form = CohortForm(
        request.GET or None,
        territories=visible_territories(actor),
        today=timezone.localdate(),
        limited=bool(actor.territory_ids),
    )
    territory = form.territory
    territory_ids = (territory.pk,) if territory else actor.territory_ids
    scope_label = (
        territory.name if territory else ("Mes territoires" if actor.territory_ids else "Tout le département")
    )
    return form, form.period, territory_ids, scope_label


@require_departement_staff(*FIGURES_ROLES)
def cohort(request):
    form, period, territory_ids, scope_label = _cohort_form(request)
    # The same for every viewer of the same scope: counted once a while (`core.aggregates`).
    key = (actor_departement_id(request.actor), period, timezone.localdate(), territory_ids)
    return render(
        request,
        "observatory/cohort_detail.html",
        {
            "form": form,
            "scope_label": scope_label,
            "cohort": kept("cohort", key, lambda: cohorts.cohort(*key)),
            "successive": kept("successive_cohorts", key, lambda: cohorts.successive_cohorts(*key)),
            "comparison_headers": cohorts.comparison_headers(),
            "query": request.GET.urlencode(),
        },
    )


@require_departement_staff(*FIGURES_ROLES)
def cohort_trajectories(request):
    form, period, territory_ids, scope_label = _cohort_form(request)
    key = (actor_departement_id(request.actor), period, timezone.localdate(), territory_ids)
    data = kept("trajectories", key, lambda: trajectories.trajectories(*key))
    steps = ", ".join(trajectories.step_label(m).lower() for m in data.steps)
    return render(
        request,
        "observatory/cohort_trajectories.html",
        {
            "form": form,
            "period": period,
            "scope_label": scope_label,
            "data": data,
            "chart": trajectories.chart(data),
            "title": f"Trajectoires des entrants de {period.label} — {scope_label}",
            "description": (
                f"Diagramme alluvial : l'état des {data.size} entrants à chaque date ({steps}) ; chaque flux relie un "
                "état à l'état suivant, son épaisseur est proportionnelle au nombre de personnes. Le tableau qui suit "
                "donne les mêmes effectifs."
            ),
            "rows": trajectories.transition_rows(data),
            "query": request.GET.urlencode(),
        },
    )


@require_departement_staff(*FIGURES_ROLES)
def quality_panel(request):
    actor = request.actor
    summary = quality.checks_summary(actor, timezone.localdate())
    return render(
        request,
        "observatory/quality_panel.html",
        {
            "completeness": [row for row in summary if row.check.kind == "completude"],
            "consistency": [row for row in summary if row.check.kind == "coherence"],
            "freshness": quality.imports_freshness(actor, timezone.now()),
            "stale_days": quality.FLUX_STALE_DAYS,
            "limited": bool(actor.territory_ids),
        },
    )


def _screen(check) -> str:
    return f"qualité des données : {check.label}"


@require_departement_staff(*FIGURES_ROLES)
def quality_list(request, check):
    actor = request.actor
    found = quality.check_for(check)
    page = persons_page_open(
        actor=actor,
        rows=quality.persons_to_fix(actor, found, timezone.localdate()),
        screen=_screen(found),
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "observatory/quality_list.html",
        {
            "check": found,
            "page_obj": page,
            "can_open_files": actor.is_platform_admin or actor.has_role(*PERSON_SEARCH_ROLES),
        },
    )


@require_departement_staff(*FIGURES_ROLES)
def quality_list_csv(request, check):
    actor = request.actor
    found = quality.check_for(check)
    qs = quality.persons_to_fix(actor, found, timezone.localdate())
    # Recorded before the rows stream: a download cut short has still shown its first rows.
    persons_view_record(
        actor=actor,
        screen=f"export — {_screen(found)}",
        person_ids=qs.values_list("pk", flat=True),
        code=AuditCode.PERSON_SEARCHED,
        extra={"export": "qualité des données", "check": found.code},
    )
    header = ["Nom", "Prénom", "Date de naissance", "Commune", "Identifiant départemental"]
    names = ["last_name", "first_name", "birth_date", "commune__name", "internal_id"]
    if found.detail_label:
        header.append(found.detail_label)
        names.append("detail")

    def rows():
        yield header
        for values in qs.values_list(*names).iterator(chunk_size=2000):
            yield [value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else (value or "") for value in values]

    return export_response(request, rows(), f"qualite-{found.code}-{timezone.localdate():%Y-%m-%d}.csv")
