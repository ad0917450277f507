"""The carnet figures by territory and month: people with a carnet, contacts and appointments per person (fréquence
des RDV), perdus de vue at month end, contracts signed and in force — each read from the observatory's engine, where
it is defined once — and freins by type and status, objectives by status as they stand today.

People are placed by their commune, as in the orientation figures: a person counts in every territory of their
commune, once in the whole."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count

from jalon.core.periods import months_between
from jalon.notebook.enums import FreinStatus, WorkStatus
from jalon.notebook.models import FreinCategory, Notebook, NotebookFrein, Objective
from jalon.people.models import Person
from jalon.territories.models import Territory
from jalon.territories.selectors import territory_communes


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _ratio(count: int, people: int) -> str:
    return "—" if not people else f"{count / people:.2f}".replace(".", ",")


@dataclass
class NotebookMonth:
    month: date
    notebooks: int = 0  # people with a carnet at month end
    contacts: int = 0
    appointments: int = 0  # planned in the month, not cancelled
    lost_from_view: int = 0  # at month end
    contracts_signed: int = 0
    contracts_in_force: int = 0  # at month end

    def add(self, other: "NotebookMonth") -> None:
        for name in (
            "notebooks",
            "contacts",
            "appointments",
            "lost_from_view",
            "contracts_signed",
            "contracts_in_force",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def contacts_per_person(self) -> str:
        return _ratio(self.contacts, self.notebooks)

    @property
    def appointments_per_person(self) -> str:
        return _ratio(self.appointments, self.notebooks)


@dataclass
class NotebookScope:
    label: str
    territory_id: int | None
    months: list[NotebookMonth]
    # (frein category id, status) -> carnets; status -> objectives: the state at the time of reading (the
    # carnet keeps no history of statuses).
    freins: Counter = field(default_factory=Counter)
    objectives: Counter = field(default_factory=Counter)


@dataclass
class NotebookFigures:
    start: date
    end: date
    months: list[date]
    categories: list[tuple[int, str]]
    scopes: list[NotebookScope]  # the whole scope first, then each territory (when no territory is chosen)

    @property
    def main(self) -> NotebookScope:
        return self.scopes[0]

    @property
    def frein_statuses(self) -> list[tuple[str, str]]:
        return list(FreinStatus.choices)

    @property
    def objective_statuses(self) -> list[tuple[str, str]]:
        return list(WorkStatus.choices)


# Each monthly figure is an indicator of the observatory's catalogue, defined there once (decision 0025).
MONTHLY_INDICATORS = {
    "notebooks": "L66",
    "contacts": "J05",
    "appointments": "L13",
    "lost_from_view": "J06",
    "contracts_signed": "J07",
    "contracts_in_force": "J08",
}


def notebook_figures(*, departement_id, start: date, end: date, territory_id=None) -> NotebookFigures:
    from jalon.observatory.engine import Places, computations, evaluate
    from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
    from jalon.observatory.figures import full_months, stored_month_results
    from jalon.observatory.periods import Period, Span

    months = months_between(start, end)
    territory_qs = Territory.objects.in_departement(departement_id).order_by("name")
    if territory_id:
        territory_qs = territory_qs.filter(pk=territory_id)
    territories = list(territory_qs.values_list("pk", "name"))
    communes = territory_communes([pk for pk, _ in territories])
    persons = Person.objects.active().filter(departement_id=departement_id)
    if territory_id:
        persons = persons.filter(commune_id__in=communes.get(territory_id, set()))
    notebooks = Notebook.objects.filter(person__in=persons)

    if territory_id:
        places = [(TerritoryLevel.TERRITORY, str(territory_id), dict(territories).get(territory_id, "Territoire"))]
    else:
        places = [(TerritoryLevel.DEPARTEMENT, departement_id, "Ensemble du département")]
        places += [(TerritoryLevel.TERRITORY, str(pk), name) for pk, name in territories]
    registry, rollup = computations(), Places.of(departement_id)
    series: dict[str, list[NotebookMonth]] = {code: [] for _, code, _ in places}
    # The months the observatory has stored are read, not evaluated again; the month still running is evaluated.
    stored = stored_month_results(departement_id, MONTHLY_INDICATORS.values(), full_months(months, start, end))
    for month in months:
        span = Span(max(month, start), min(Period(PeriodKind.MONTH, month).end, end))
        if month in stored:
            results = {field_name: stored[month][code] for field_name, code in MONTHLY_INDICATORS.items()}
        else:
            results = {
                field_name: evaluate(registry[code], departement_id, span, segmented=False, places=rollup)
                for field_name, code in MONTHLY_INDICATORS.items()
            }
        for level, code, _ in places:
            figures = NotebookMonth(month)
            for field_name, result in results.items():
                cell = result.get((level, code, Dimension.ALL, ""))
                setattr(figures, field_name, int(cell.numerator) if cell else 0)
            series[code].append(figures)

    freins = Counter(
        {
            (row["notebook__person__commune_id"], row["category_id"], row["status"]): row["count"]
            for row in NotebookFrein.objects.filter(notebook__in=notebooks, category__is_active=True)
            .values("notebook__person__commune_id", "category_id", "status")
            .annotate(count=Count("pk"))
            .order_by()
        }
    )
    objectives = Counter(
        {
            (row["notebook__person__commune_id"], row["status"]): row["count"]
            for row in Objective.objects.filter(notebook__in=notebooks)
            .values("notebook__person__commune_id", "status")
            .annotate(count=Count("pk"))
            .order_by()
        }
    )

    def scope(label: str, scope_territory, code: str, commune_ids: set | None) -> NotebookScope:
        def inside(commune_id) -> bool:
            return commune_ids is None or commune_id in commune_ids

        result = NotebookScope(label, scope_territory, series[code])
        for (commune_id, category_id, status), count in freins.items():
            if inside(commune_id):
                result.freins[(category_id, status)] += count
        for (commune_id, status), count in objectives.items():
            if inside(commune_id):
                result.objectives[status] += count
        return result

    scopes = [
        scope(
            label,
            int(code) if level == TerritoryLevel.TERRITORY else None,
            code,
            communes.get(int(code), set()) if level == TerritoryLevel.TERRITORY else None,
        )
        for level, code, label in places
    ]
    categories = list(FreinCategory.objects.filter(is_active=True).values_list("pk", "label"))
    return NotebookFigures(start=start, end=end, months=months, categories=categories, scopes=scopes)


CSV_HEADER = [
    "territoire",
    "mois",
    "personnes avec un carnet",
    "contacts",
    "contacts par personne",
    "rendez-vous",
    "rendez-vous par personne",
    "perdus de vue",
    "contrats signés",
    "contrats en vigueur",
]


def figures_rows(figures: NotebookFigures):
    """The CSV export: the header, then one row per scope and month."""
    yield CSV_HEADER
    for scope in figures.scopes:
        for month in scope.months:
            yield [
                scope.label,
                f"{month.month:%Y-%m}",
                month.notebooks,
                month.contacts,
                month.contacts_per_person,
                month.appointments,
                month.appointments_per_person,
                month.lost_from_view,
                month.contracts_signed,
                month.contracts_in_force,
            ]


def freins_table(figures: NotebookFigures, scope: NotebookScope) -> list[tuple[str, list[int]]]:
    """(frein, carnets by status in the order of `frein_statuses`) for the frein categories in use."""
    statuses = [value for value, _ in figures.frein_statuses]
    rows = [(label, [scope.freins[(pk, status)] for status in statuses]) for pk, label in figures.categories]
    return [row for row in rows if any(row[1])]
