"""The observatory's carnet figures by territory and month (issue 5, point 12): people with a carnet, contacts and
appointments per person (fréquence des RDV), perdus de vue at month end, freins by type and status, objectives by
status, contracts signed and in force. Set-based: a constant number of queries whatever the Département's size.

People are placed by their commune, as in the orientation figures: a person counts in every territory of their
commune, once in the whole."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jalon.core.periods import as_month, months_between
from jalon.notebook.enums import FreinStatus, WorkStatus
from jalon.notebook.followup.selectors import DEFAULT_MAX_WEEKS
from jalon.notebook.models import Appointment, Contact, Contract, FreinCategory, Notebook, NotebookFrein, Objective
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


def notebook_figures(*, departement_id, start: date, end: date, territory_id=None) -> NotebookFigures:
    months = months_between(start, end)
    ends = {month: month_end(month) for month in months}
    persons = Person.objects.active().filter(departement_id=departement_id)
    territory_qs = Territory.objects.in_departement(departement_id).order_by("name")
    if territory_id:
        territory_qs = territory_qs.filter(pk=territory_id)
    territories = list(territory_qs.values_list("pk", "name"))
    communes = territory_communes([pk for pk, _ in territories])
    if territory_id:
        persons = persons.filter(commune_id__in=communes.get(territory_id, set()))
    notebooks = Notebook.objects.filter(person__in=persons)

    cells: dict[tuple, NotebookMonth] = {}

    def cell(commune_id, month: date) -> NotebookMonth:
        key = (commune_id, month)
        if key not in cells:
            cells[key] = NotebookMonth(month)
        return cells[key]

    # Carnets and perdus de vue: each carnet with its creation, and its contact days up to the period's end.
    carnets = {
        pk: (commune_id, timezone.localdate(created_at))
        for pk, commune_id, created_at in notebooks.filter(created_at__date__lte=end).values_list(
            "pk", "person__commune_id", "created_at"
        )
    }
    contact_days: dict[int, list[date]] = defaultdict(list)
    for notebook_id, day in (
        Contact.objects.filter(notebook__in=notebooks, occurred_on__lte=end)
        .values_list("notebook_id", "occurred_on")
        .distinct()
        .order_by("notebook_id", "occurred_on")
    ):
        contact_days[notebook_id].append(day)
    for pk, (commune_id, created_on) in carnets.items():
        days = contact_days.get(pk, [])
        for month, last_day in ends.items():
            if created_on > last_day:
                continue
            cell(commune_id, month).notebooks += 1
            last_contact = max((day for day in days if day <= last_day), default=None)
            # A new carnet is not lost before the référentiel's delay has run from its opening.
            reference = max(last_contact or created_on, created_on)
            if reference < last_day - timedelta(weeks=DEFAULT_MAX_WEEKS):
                cell(commune_id, month).lost_from_view += 1

    contacts = (
        Contact.objects.filter(notebook__in=notebooks, occurred_on__gte=start, occurred_on__lte=end)
        .annotate(month=TruncMonth("occurred_on"))
        .values("notebook__person__commune_id", "month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in contacts:
        cell(row["notebook__person__commune_id"], as_month(row["month"])).contacts += row["count"]

    appointments = (
        Appointment.objects.filter(
            notebook__in=notebooks, cancelled_at=None, starts_at__date__gte=start, starts_at__date__lte=end
        )
        .annotate(month=TruncMonth("starts_at"))
        .values("notebook__person__commune_id", "month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in appointments:
        cell(row["notebook__person__commune_id"], as_month(row["month"])).appointments += row["count"]

    contracts = Contract.objects.filter(notebook__in=notebooks, starts_on__lte=end, ends_on__gte=start)
    for commune_id, signed_on, starts_on, ends_on in contracts.values_list(
        "notebook__person__commune_id", "signed_on", "starts_on", "ends_on"
    ):
        if signed_on and start <= signed_on <= end:
            cell(commune_id, as_month(signed_on)).contracts_signed += 1
        for month, last_day in ends.items():
            if signed_on and signed_on <= last_day and starts_on <= last_day <= ends_on:
                cell(commune_id, month).contracts_in_force += 1
    # A contract signed in the period but starting after it still counts as signed.
    for commune_id, signed_on in Contract.objects.filter(
        notebook__in=notebooks, starts_on__gt=end, signed_on__gte=start, signed_on__lte=end
    ).values_list("notebook__person__commune_id", "signed_on"):
        cell(commune_id, as_month(signed_on)).contracts_signed += 1

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

    def scope(label: str, scope_territory, commune_ids: set | None) -> NotebookScope:
        def inside(commune_id) -> bool:
            return commune_ids is None or commune_id in commune_ids

        by_month = {month: NotebookMonth(month) for month in months}
        for (commune_id, month), figures in cells.items():
            if month in by_month and inside(commune_id):
                by_month[month].add(figures)
        result = NotebookScope(label, scope_territory, list(by_month.values()))
        for (commune_id, category_id, status), count in freins.items():
            if inside(commune_id):
                result.freins[(category_id, status)] += count
        for (commune_id, status), count in objectives.items():
            if inside(commune_id):
                result.objectives[status] += count
        return result

    whole_label = dict(territories).get(territory_id, "Territoire") if territory_id else "Ensemble du département"
    scopes = [scope(whole_label, territory_id, communes.get(territory_id, set()) if territory_id else None)]
    if not territory_id:
        scopes += [scope(name, pk, communes.get(pk, set())) for pk, name in territories]
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
