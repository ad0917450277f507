"""The « Chiffres de l'orientation » page, read from the indicator engine, on a small hand-built Département whose
every number is known (the old page counted every decision of the month over the people present: 400 % in February)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from jalon.observatory.figures import orientation_figures
from jalon.orientation.enums import Attendance, OrientationType, ReorientationStatus
from jalon.orientation.models import (
    Dispositif,
    Orientation,
    OrientationSession,
    ReorientationRequest,
    SessionParticipant,
)
from tests.organisations.factories import MembershipFactory
from tests.orientation.delays.conftest import PARIS, person_in_path
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)


@pytest.fixture
def dataset(landes, communes, territories, orientation_team, france_travail):
    agency, referent, professional = france_travail
    social = Dispositif.objects.create(departement=landes, name="Accompagnement social", orientation_type="social")
    staff = [MembershipFactory(role=Role.REFERENT, organisation=agency).user for _ in range(3)]

    def person(name, commune, requested):
        return person_in_path(landes, last_name=name, commune=communes[commune], requested=requested)

    a = person("A", "mdm", datetime.date(2025, 12, 20))
    b = person("B", "mdm", datetime.date(2026, 1, 5))
    c = person("C", "dax", datetime.date(2026, 1, 1))
    d = person("D", "dax", datetime.date(2026, 1, 1))
    e = person("E", "mdm", datetime.date(2026, 1, 1))
    f = person("F", "dax", datetime.date(2025, 11, 1))
    g = person("G", "dax", datetime.date(2026, 1, 1))
    h = person("H", "other", datetime.date(2026, 2, 1))
    j = person("J", "dax", datetime.date(2025, 5, 1))

    def session(day, territory, professionals, attendance, cancelled=False):
        starts = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
        created = OrientationSession.objects.create(
            departement=landes,
            organisation=orientation_team.organisation,
            territory=territories.get(territory) if territory else None,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            capacity=20,
            cancelled_at=starts if cancelled else None,
        )
        created.professionals.set(staff[:professionals])
        for participant, presence in attendance:
            SessionParticipant.objects.create(session=created, person=participant, attendance=presence)
        return created

    present, absent, excused = Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED
    s1 = session(
        datetime.date(2026, 1, 10), "mdm", 3, [(a, present), (b, present), (c, present), (d, absent), (e, excused)]
    )
    s2 = session(datetime.date(2026, 1, 20), "dax", 1, [(c, present), (f, present)])
    session(datetime.date(2026, 1, 25), "dax", 3, [(g, present)], cancelled=True)  # cancelled: not counted
    session(datetime.date(2026, 2, 12), None, 2, [(h, present)])

    def decide(who, day, kind, dispositif=None, ended_on=None, session=None):
        return Orientation.objects.create(
            session=session,
            person=who,
            orientation_type=kind,
            dispositif=dispositif,
            organisation=agency,
            referent=referent.user,
            decided_on=day,
            ended_on=ended_on,
        )

    # A and C are oriented by the cell of 10/01, F by the cell of 20/01; the others outside a cell.
    first_a = decide(
        a, datetime.date(2026, 1, 10), OrientationType.SOCIAL, social, ended_on=datetime.date(2026, 2, 15), session=s1
    )
    decide(c, datetime.date(2026, 1, 12), OrientationType.PROFESSIONAL, professional, session=s1)
    decide(f, datetime.date(2026, 1, 21), OrientationType.PROFESSIONAL, professional, session=s2)
    decide(a, datetime.date(2026, 2, 15), OrientationType.SOCIO_PROFESSIONAL)  # the réorientation
    decide(b, datetime.date(2026, 2, 3), OrientationType.SOCIAL, social)
    decide(h, datetime.date(2026, 2, 10), OrientationType.SOCIAL, social)
    decide(j, datetime.date(2025, 6, 1), OrientationType.SOCIAL, social, ended_on=datetime.date(2026, 2, 20))
    decide(j, datetime.date(2026, 2, 20), OrientationType.SOCIAL, social)  # not a first orientation
    ReorientationRequest.objects.create(
        person=a,
        from_orientation=first_a,
        reason="projet professionnel",
        status=ReorientationStatus.ACCEPTED,
        decided_on=datetime.date(2026, 2, 15),
    )
    # Another Département's figures never mix in.
    elsewhere = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    other = person_in_path(elsewhere, commune=CommuneFactory(code="64445", departement=elsewhere))
    Orientation.objects.create(
        person=other,
        orientation_type=OrientationType.SOCIAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 1, 15),
    )
    return {"social": social, "professional": professional}


def _month(scope, month):
    return next(figures for figures in scope.months if figures.month == month)


def test_figures_of_the_whole_departement(dataset):
    figures = orientation_figures(departement_id="40", start=START, end=END)
    whole = figures.main
    assert whole.label == "Ensemble du département" and figures.months == [JANUARY, FEBRUARY]

    january = _month(whole, JANUARY)
    # Present at a cell: A, B, C (10/01), C, F (20/01); oriented by it: A, C, F.
    assert (january.present, january.oriented, january.reorientations) == (4, 3, 0)
    assert january.orientation_rate == 0.75
    assert (january.sessions, january.professionals_per_session) == (2, 2.0)  # (3 + 1) / 2, the cancelled apart
    # First orientations: A 21 days, C 11, F 81.
    assert january.first_orientations == 3 and january.mean_delay == pytest.approx(113 / 3)
    assert january.within_15_days == pytest.approx(1 / 3) and january.within_30_days == pytest.approx(2 / 3)
    assert january.by_type == {OrientationType.SOCIAL: 1, OrientationType.PROFESSIONAL: 2}
    assert january.by_dispositif == {"Accompagnement social": 1, "Accompagnement professionnel": 2}

    february = _month(whole, FEBRUARY)
    # H, present on 12/02, was oriented on 10/02 outside the cell: the rate is 0 %, not the 400 % of four
    # decisions of the month over one person present.
    assert (february.present, february.oriented, february.reorientations) == (1, 0, 1)
    assert february.orientation_rate == 0.0
    # A's réorientation and J's new decision are not first orientations: B 29 days, H 9.
    assert february.first_orientations == 2 and february.mean_delay == 19
    assert (february.within_15_days, february.within_30_days) == (0.5, 1.0)
    assert february.by_type[OrientationType.SOCIO_PROFESSIONAL] == 1 and february.by_dispositif["sans dispositif"] == 1

    # Over the two months a person counts once: A, B, C, F, H present; A, C, F oriented by their cell.
    period = whole.period
    assert (period.present, period.oriented, period.orientation_rate) == (5, 3, 0.6)
    assert period.first_orientations == 5


def test_no_month_or_territory_exceeds_100_percent(dataset):
    figures = orientation_figures(departement_id="40", start=START, end=END)
    for scope in figures.scopes:
        for month in [*scope.months, scope.period]:
            assert month.oriented <= month.present


def test_figures_by_territory(dataset, territories):
    figures = orientation_figures(departement_id="40", start=START, end=END)
    by_label = {scope.label: scope for scope in figures.scopes}
    mdm, dax = by_label["Territoire de Mont-de-Marsan"], by_label["Territoire de Dax"]
    assert (_month(mdm, JANUARY).present, _month(mdm, JANUARY).oriented) == (2, 1)
    assert _month(mdm, JANUARY).professionals_per_session == 3.0
    assert _month(mdm, FEBRUARY).reorientations == 1 and _month(mdm, FEBRUARY).mean_delay == 29
    assert _month(mdm, FEBRUARY).professionals_per_session is None
    assert (_month(dax, JANUARY).orientation_rate, _month(dax, JANUARY).mean_delay) == (1.0, 46)
    assert _month(dax, JANUARY).professionals_per_session == 1.0

    only_dax = orientation_figures(departement_id="40", start=START, end=END, territory_id=territories["dax"].pk)
    assert [scope.label for scope in only_dax.scopes] == ["Territoire de Dax"]
    assert _month(only_dax.main, JANUARY).present == 2 and _month(only_dax.main, FEBRUARY).present == 0


def test_the_page_shows_the_values_the_observatory_stores(dataset):
    """The page and the stored snapshots come from the same definitions: the year 2026 agrees."""
    from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
    from jalon.observatory.models import IndicatorValue
    from jalon.observatory.services import catalogue_load, snapshot_compute

    catalogue_load()
    snapshot_compute(departement_id="40", today=datetime.date(2026, 12, 31), full=True, codes=["P01", "P02", "P06"])
    stored = {
        value.indicator.code: value
        for value in IndicatorValue.objects.filter(
            period_kind=PeriodKind.YEAR,
            period_start=datetime.date(2026, 1, 1),
            territory_level=TerritoryLevel.DEPARTEMENT,
            dimension=Dimension.ALL,
        ).select_related("indicator")
    }
    year = orientation_figures(departement_id="40", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert stored["P01"].value == year.main.period.present == 5
    assert (stored["P02"].numerator, stored["P02"].denominator) == (year.main.period.oriented, 5)
    assert stored["P06"].value == pytest.approx(year.main.period.mean_delay)


def test_the_figures_screen_csv_and_api(dataset, login_as, landes, territories):
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)
    client = login_as(pilot)
    query = {"debut": "2026-01-01", "fin": "2026-02-28"}
    page = client.get(reverse("observatory:orientation_figures"), query).content.decode()
    assert "<caption>Présents, orientés et délais par mois — Ensemble du département</caption>" in page
    assert '<th scope="row">Janvier 2026</th>' in page and "75,0 %" in page
    assert "Chiffres de la période par territoire" in page

    response = client.get(reverse("observatory:orientation_figures_csv"), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    january = dict(zip(header, rows[1], strict=True))
    assert (
        january["Territoire"],
        january["Mois"],
        january["Présents en cellule (P01)"],
        january["Orientés par la cellule (P02, numérateur)"],
    ) == (
        "Ensemble du département",
        "2026-01",
        "4",
        "3",
    )
    assert january["Taux d'orientation (%) (P02)"] == "75,0"
    assert january["Délai moyen demande → orientation (jours) (P06)"] == "37,7"
    assert len(rows) == 1 + 2 * 3  # the whole and two territories, two months each

    from rest_framework.test import APIClient

    api = APIClient(REMOTE_ADDR="127.0.0.1")
    api.force_authenticate(pilot.user)
    data = api.get("/api/v1/orientation/chiffres/", query).json()
    january_api = data["scopes"][0]["months"][0]
    assert january_api["present"] == 4 and january_api["orientation_rate"] == 0.75
    assert january_api["by_dispositif"] == {"Accompagnement social": 1, "Accompagnement professionnel": 2}
    bad = api.get("/api/v1/orientation/chiffres/", {"debut": "2026-03-01", "fin": "2026-01-01"})
    assert bad.status_code == 400


def test_a_territory_limited_manager_sees_only_their_territory(dataset, login_as, landes, territories):
    manager = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="sdsei", organisation__departement=landes
    )
    manager.territories.set([territories["dax"]])
    page = login_as(manager).get(
        reverse("observatory:orientation_figures"), {"debut": "2026-01-01", "fin": "2026-02-28"}
    )
    html = page.content.decode()
    assert "— Territoire de Dax</caption>" in html
    assert "Ensemble du département" not in html and "Mont-de-Marsan" not in html


def test_only_observatory_roles_see_the_figures(login_as, landes, france_travail):
    _, referent, _ = france_travail
    assert login_as(referent).get(reverse("observatory:orientation_figures")).status_code == 404


def test_the_months_the_observatory_stored_are_read_not_evaluated_again(dataset, monkeypatch):
    """The page reads the months `snapshot_compute` stored (computed after the month ended) and gives the same
    figures as the live evaluation; the whole period (a person counts once in it) and a month the period covers in
    part are still evaluated."""
    from jalon.observatory import figures as module
    from jalon.observatory.services import catalogue_load, snapshot_compute

    mid = datetime.date(2026, 2, 20)
    live, live_mid = (orientation_figures(departement_id="40", start=START, end=end) for end in (END, mid))
    catalogue_load()
    codes = [*module.CODES, "P05"]
    snapshot_compute(departement_id="40", today=datetime.date(2026, 3, 5), full=True, first_day=JANUARY, codes=codes)
    evaluated = []
    real = module.evaluate

    def spy(spec, departement_id, period, **kwargs):
        evaluated.append((period.start, period.end))
        return real(spec, departement_id, period, **kwargs)

    monkeypatch.setattr(module, "evaluate", spy)
    assert orientation_figures(departement_id="40", start=START, end=END) == live
    assert set(evaluated) == {(START, END)}
    evaluated.clear()
    assert orientation_figures(departement_id="40", start=START, end=mid) == live_mid
    assert set(evaluated) == {(FEBRUARY, mid), (START, mid)}
