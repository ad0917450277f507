import datetime

import pytest
from django.utils import timezone

from jalon.core.enums import Role
from jalon.notebook.enums import FreinStatus, WorkStatus
from jalon.notebook.figures import MONTHLY_INDICATORS, notebook_figures
from jalon.notebook.models import (
    Appointment,
    Contact,
    Contract,
    ContractType,
    FreinCategory,
    Notebook,
    NotebookFrein,
    Objective,
)
from tests.organisations.factories import MembershipFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
START, END = JANUARY, datetime.date(2026, 2, 28)
D = datetime.date


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def dataset():
    landes = DepartementFactory()
    town, village = CommuneFactory(code="40001", departement=landes), CommuneFactory(code="40002", departement=landes)
    north = TerritoryFactory(departement=landes, name="Nord")
    north.communes.add(town)
    staff = MembershipFactory(role=Role.REFERENT, organisation__departement=landes)
    cer = ContractType.objects.create(departement=landes, code="cer", name="CER")
    mobility, health = FreinCategory.objects.get(code="mobilite"), FreinCategory.objects.get(code="sante")

    def carnet(commune, opened):
        notebook = Notebook.objects.create(person=PersonFactory(departement=landes, commune=commune))
        Notebook.objects.filter(pk=notebook.pk).update(created_at=_at(opened))
        return notebook

    def contract(notebook, starts_on, ends_on, signed_on):
        Contract.objects.create(
            notebook=notebook,
            contract_type=cer,
            organisation=staff.organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=signed_on,
        )

    def contact(notebook, day):
        Contact.objects.create(notebook=notebook, occurred_on=day, kind="telephone", summary="Appel")

    def appointment(notebook, day, **extra):
        Appointment.objects.create(
            notebook=notebook,
            starts_at=_at(day),
            ends_at=_at(day) + datetime.timedelta(hours=1),
            professional=staff.user,
            organisation=staff.organisation,
            **extra,
        )

    # One in the north territory, met regularly, CER signed in January.
    first = carnet(town, D(2025, 10, 1))
    for day in (D(2025, 12, 20), D(2026, 1, 10), D(2026, 1, 20)):
        contact(first, day)
    appointment(first, D(2026, 1, 15))
    appointment(first, D(2026, 2, 3), cancelled_at=_at(D(2026, 1, 30)))
    contract(first, D(2026, 1, 10), D(2026, 7, 9), D(2026, 1, 10))
    frein = NotebookFrein.objects.create(notebook=first, category=mobility, status=FreinStatus.NEED)
    Objective.objects.create(notebook=first, title="Permis", frein=frein, status=WorkStatus.IN_PROGRESS)
    Objective.objects.create(notebook=first, title="Vélo", frein=frein, status=WorkStatus.DONE)
    # One outside any territory, lost from view in January (last contact in November), met again in February;
    # their contract ends on January 31st.
    second = carnet(village, D(2025, 9, 1))
    contact(second, D(2025, 11, 15))
    contact(second, D(2026, 2, 10))
    contract(second, D(2025, 8, 1), D(2026, 1, 31), D(2025, 8, 1))
    frein = NotebookFrein.objects.create(notebook=second, category=mobility, status=FreinStatus.SUPPORT)
    Objective.objects.create(notebook=second, title="Covoiturage", frein=frein)
    # A carnet opened mid-February, without contact yet (not lost: too new), with a contract not signed.
    third = carnet(town, D(2026, 2, 15))
    contract(third, D(2026, 2, 15), D(2026, 8, 14), None)
    NotebookFrein.objects.create(notebook=third, category=health, status=FreinStatus.NEED)
    # Opened after the period: counted nowhere.
    later = carnet(village, D(2026, 3, 5))
    contact(later, D(2026, 3, 6))
    return {"landes": landes, "north": north, "mobility": mobility, "health": health}


def _month(scope, month):
    return next(figures for figures in scope.months if figures.month == month)


def test_the_figures_count_each_month_exactly(dataset, django_assert_max_num_queries):
    # One query per indicator and month (the engine's, six indicators), one for the months the observatory stored
    # (none here), and a few for the places and today's freins.
    with django_assert_max_num_queries(6 * 2 + 8):
        figures = notebook_figures(departement_id="40", start=START, end=END)
    whole = figures.main
    assert whole.label == "Ensemble du département" and figures.months == [JANUARY, FEBRUARY]

    january = _month(whole, JANUARY)
    assert (january.notebooks, january.contacts, january.appointments, january.lost_from_view) == (2, 2, 1, 1)
    assert (january.contracts_signed, january.contracts_in_force) == (1, 2)
    assert (january.contacts_per_person, january.appointments_per_person) == ("1,00", "0,50")
    february = _month(whole, FEBRUARY)
    assert (february.notebooks, february.contacts, february.appointments, february.lost_from_view) == (3, 1, 0, 0)
    assert (february.contracts_signed, february.contracts_in_force) == (0, 1)

    mobility, health = dataset["mobility"].pk, dataset["health"].pk
    assert whole.freins == {(mobility, FreinStatus.NEED): 1, (mobility, FreinStatus.SUPPORT): 1, (health, "besoin"): 1}
    assert whole.objectives == {WorkStatus.IN_PROGRESS: 1, WorkStatus.DONE: 1, WorkStatus.PLANNED: 1}

    north = next(scope for scope in figures.scopes if scope.territory_id == dataset["north"].pk)
    assert [(m.notebooks, m.contacts, m.lost_from_view, m.contracts_in_force) for m in north.months] == [
        (1, 2, 0, 1),
        (2, 0, 0, 1),
    ]
    assert north.freins == {(mobility, FreinStatus.NEED): 1, (health, FreinStatus.NEED): 1}
    assert north.objectives == {WorkStatus.IN_PROGRESS: 1, WorkStatus.DONE: 1}


def test_a_chosen_territory_keeps_only_its_people(dataset):
    figures = notebook_figures(departement_id="40", start=START, end=END, territory_id=dataset["north"].pk)
    assert [scope.label for scope in figures.scopes] == ["Nord"]
    assert [(m.notebooks, m.contacts, m.appointments, m.contracts_signed) for m in figures.main.months] == [
        (1, 2, 1, 1),
        (2, 0, 0, 0),
    ]


def test_the_figures_screen_and_its_export_are_for_the_observatory(dataset, login_as):
    pilot = MembershipFactory(
        role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=dataset["landes"]
    )
    query = "?debut=2026-01-01&fin=2026-02-28"
    page = login_as(pilot).get("/carnets/chiffres/" + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Suivi des carnets par mois — Ensemble du département" in html and "Nord" in html
    export = login_as(pilot).get("/carnets/chiffres/export.csv" + query)
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("territoire;mois;personnes avec un carnet")
    assert "Ensemble du département;2026-01;2;2;1,00;1;0,50;1;1;2" in lines
    referent = MembershipFactory(role=Role.REFERENT, organisation=pilot.organisation)
    assert login_as(referent).get("/carnets/chiffres/").status_code == 404


def test_the_months_the_observatory_stored_are_read_not_evaluated_again(dataset, monkeypatch):
    """The months `snapshot_compute` stored (computed after the month ended) are read, with the same figures as
    the live evaluation; a month the period covers in part, or not yet stored, is evaluated."""
    from jalon.observatory import engine
    from jalon.observatory.services import catalogue_load, snapshot_compute

    live = notebook_figures(departement_id="40", start=START, end=END)
    north_live = notebook_figures(departement_id="40", start=START, end=END, territory_id=dataset["north"].pk)
    catalogue_load()
    snapshot_compute(
        departement_id="40", today=D(2026, 3, 5), full=True, first_day=JANUARY, codes=list(MONTHLY_INDICATORS.values())
    )
    evaluated = []
    real = engine.evaluate
    monkeypatch.setattr(
        engine, "evaluate", lambda spec, dep, period, **kw: evaluated.append(period) or real(spec, dep, period, **kw)
    )
    assert notebook_figures(departement_id="40", start=START, end=END) == live
    assert notebook_figures(departement_id="40", start=START, end=END, territory_id=dataset["north"].pk) == north_live
    assert evaluated == []

    partial = notebook_figures(departement_id="40", start=START, end=D(2026, 2, 20))
    assert {(period.start, period.end) for period in evaluated} == {(FEBRUARY, D(2026, 2, 20))}
    assert partial.main.months[0] == live.main.months[0]
