"""Cohorts and trajectories on a small population built by hand; every expected value is counted by hand in the
comment beside it, never produced by the code under test.

The February 2025 cohort (rights opened in February 2025, applicant or partner subject to rights and duties):
- P1 (Mont-de-Marsan), opened 01/02: oriented social 10/02 (day 9); CER signed 20/03 (day 47), in force 20/03–19/09;
  referral sent 05/04 (day 63).
- P2 (Mont-de-Marsan), opened 10/02: oriented professional 05/03 (day 23); right closed 15/06 (day 125); a new
  household's right opened 01/09 (day 203: back in the RSA).
- P3 (Dax, partner) and P4 (Dax, applicant), opened 20/02: the flux said « closed » on 30/04 (day 69) and opened
  again on 10/06 (day 110); P3 oriented socio-professional 20/05 (day 89); P4's only orientation ended in 2020.
- P10 (Mont-de-Marsan), opened 15/02: oriented professional 05/01 (before the entry: day 0); CER 10/01–09/07 signed
  10/01 (before the entry: not a contract « since the entry »).
Not in it: the child of P1; Q (not subject); M (merged); J (another Département); Y opened 31/01; Z opened 01/03."""

import datetime
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from lxml import etree

from jalon.core.enums import Role
from jalon.notebook.models import Contract, ContractType, Notebook
from jalon.observatory import cohorts, trajectories
from jalon.observatory.enums import PeriodKind
from jalon.observatory.periods import Period
from jalon.offer.referrals.models import Referral
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation
from jalon.people.enums import ChangeKind, HouseholdRole, RightState
from jalon.people.models import ChangeEvent
from tests.offer.factories import ServiceFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import PARIS
from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

D = datetime.date
FEBRUARY = Period(PeriodKind.MONTH, D(2025, 2, 1))
TODAY = D(2026, 6, 1)  # every horizon of the February cohort is reached (28/02/2025 + 365 days = 28/02/2026)


class World:
    pass


@pytest.fixture
def world():
    w = World()
    landes = DepartementFactory(code="40")
    mdm = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes)
    dax = CommuneFactory(code="40088", name="Dax", departement=landes)
    w.t_mdm = TerritoryFactory(departement=landes, name="MdM")
    w.t_mdm.communes.set([mdm])
    w.t_dax = TerritoryFactory(departement=landes, name="Dax")
    w.t_dax.communes.set([dax])
    cd = OrganisationFactory(kind="cd", departement=landes, name="CD")
    referent = MembershipFactory(role=Role.REFERENT, organisation=cd).user
    cer = ContractType.objects.create(departement=landes, code="cer", name="CER")

    def household(opened, closed=None, departement=landes):
        h = HouseholdFactory(departement=departement)
        state = RightState.CLOSED if closed else RightState.OPEN
        RsaRightFactory(household=h, state=state, request_date=opened, opening_date=opened, closure_date=closed)
        return h

    def member(h, commune, role=HouseholdRole.APPLICANT, sdd=True, left_on=None, departement=landes):
        person = PersonFactory(departement=departement, commune=commune)
        HouseholdMemberFactory(
            household=h, person=person, role=role, subject_to_rights_and_duties=sdd, left_on=left_on
        )
        return person

    def orient(person, day, kind, ended_on=None):
        Orientation.objects.create(
            person=person, orientation_type=kind, organisation=cd, referent=referent, decided_on=day, ended_on=ended_on
        )

    def contract(person, start, end, signed):
        notebook, _ = Notebook.objects.get_or_create(person=person)
        Contract.objects.create(
            notebook=notebook, contract_type=cer, starts_on=start, ends_on=end, signed_on=signed, organisation=cd
        )

    def event(h, kind, day, **data):
        ChangeEvent.objects.create(
            household=h,
            kind=kind,
            occurred_at=datetime.datetime(day.year, day.month, day.day, 8, tzinfo=PARIS),
            data=data,
        )

    h1 = household(D(2025, 2, 1))
    w.p1 = p1 = member(h1, mdm)
    member(h1, mdm, role=HouseholdRole.CHILD, sdd=False)
    orient(p1, D(2025, 2, 10), OrientationType.SOCIAL)
    contract(p1, D(2025, 3, 20), D(2025, 9, 19), D(2025, 3, 20))
    service = ServiceFactory()
    sent = datetime.datetime(2025, 4, 5, 10, tzinfo=PARIS)
    Referral.objects.create(
        person=p1,
        notebook=p1.notebook,
        service=service,
        structure=service.structure,
        sender_organisation=cd,
        consent_given=True,
        consent_recorded_at=sent,
        sent_at=sent,
    )

    h2 = household(D(2025, 2, 10), closed=D(2025, 6, 15))
    w.p2 = p2 = member(h2, mdm, left_on=D(2025, 9, 1))
    HouseholdMemberFactory(household=household(D(2025, 9, 1)), person=p2, subject_to_rights_and_duties=True)
    orient(p2, D(2025, 3, 5), OrientationType.PROFESSIONAL)

    h34 = household(D(2025, 2, 20))
    w.p4 = p4 = member(h34, dax)
    w.p3 = p3 = member(h34, dax, role=HouseholdRole.PARTNER)
    event(h34, ChangeKind.CLOSED, D(2025, 5, 5), closure_date="2025-04-30", old_state=2, new_state=5)
    event(h34, ChangeKind.RIGHT_OPENED, D(2025, 6, 10), old_state=5, new_state=2)
    orient(p3, D(2025, 5, 20), OrientationType.SOCIO_PROFESSIONAL)
    orient(p4, D(2019, 3, 1), OrientationType.SOCIAL, ended_on=D(2020, 1, 1))

    w.p10 = p10 = member(household(D(2025, 2, 15)), mdm)
    orient(p10, D(2025, 1, 5), OrientationType.PROFESSIONAL)
    contract(p10, D(2025, 1, 10), D(2025, 7, 9), D(2025, 1, 10))

    member(household(D(2025, 2, 5)), mdm, sdd=False)  # Q
    merged = member(household(D(2025, 2, 3)), mdm)  # M
    merged.merged_into = p1
    merged.save()
    elsewhere = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    member(household(D(2025, 2, 3), departement=elsewhere), None, departement=elsewhere)  # J
    member(household(D(2025, 1, 31)), mdm)  # Y
    member(household(D(2025, 3, 1)), dax)  # Z
    return w


def shares(cohort, code):
    [row] = [row for row in cohort.rows if row.code == code]
    return [(cell.numerator, cell.denominator) for cell in row.cells]


def test_the_cohort_is_the_month_entrants(world):
    found = cohorts.entrants("40", FEBRUARY.start, FEBRUARY.end)
    assert sorted(found.values_list("pk", flat=True)) == sorted(
        p.pk for p in (world.p1, world.p2, world.p3, world.p4, world.p10)
    )
    assert {p.pk: p.entered_on for p in found}[world.p3.pk] == D(2025, 2, 20)


def test_shares_at_each_horizon(world):
    cohort = cohorts.cohort("40", FEBRUARY, TODAY)
    assert cohort.size == 5
    assert cohort.horizons == (15, 30, 60, 90, 180, 365)
    # Oriented: P10 (day 0), P1 (9) by 15 days; P2 (23) by 30; P3 (89) by 90; P4 never (his ended in 2020).
    assert shares(cohort, "oriented") == [(2, 5), (3, 5), (3, 5), (4, 5), (4, 5), (4, 5)]
    # Contract signed since the entry: P1 on day 47 (P10's was signed before his entry).
    assert shares(cohort, "contract") == [(0, 5), (0, 5), (1, 5), (1, 5), (1, 5), (1, 5)]
    # Referral: P1 on day 63.
    assert shares(cohort, "referral") == [(0, 5), (0, 5), (0, 5), (1, 5), (1, 5), (1, 5)]
    # Exits: P3 and P4 on day 69 (the flux's event), P2 on day 125 (the right's closure date).
    assert shares(cohort, "exited") == [(0, 5), (0, 5), (0, 5), (2, 5), (3, 5), (3, 5)]
    # Back, among those out by the horizon: P3 and P4 on day 110, P2 on day 203; nobody out before 90 days.
    assert shares(cohort, "back") == [(0, 0), (0, 0), (0, 0), (0, 2), (2, 3), (3, 3)]


def test_a_territory_and_unreached_horizons(world):
    # Mont-de-Marsan: P1, P2, P10, all oriented by 30 days.
    cohort = cohorts.cohort("40", FEBRUARY, TODAY, territory_ids=(world.t_mdm.pk,))
    assert cohort.size == 3 and shares(cohort, "oriented")[1] == (3, 3)
    # On 15/04/2025 only the horizons of 15, 30 and 45 days after 28/02 are reached: 15 and 30.
    early = cohorts.cohort("40", FEBRUARY, D(2025, 4, 15))
    assert early.reached == [True, True, False, False, False, False]
    assert early.rows[0].cells[2] is None


def test_a_quarter_and_successive_cohorts(world):
    # Q1 2025: Y (31/01), the five of February, Z (01/03).
    assert cohorts.cohort("40", Period(PeriodKind.QUARTER, D(2025, 1, 1)), TODAY).size == 7
    rows = cohorts.successive_cohorts("40", Period(PeriodKind.MONTH, D(2025, 9, 1)), TODAY)
    sizes = {row.period.start: row.size for row in rows}
    assert len(rows) == 12 and rows[0].period.start == D(2024, 10, 1)
    # January Y, February five, March Z, September P2 again (his new household's right).
    assert {k: v for k, v in sizes.items() if v} == {
        D(2025, 1, 1): 1,
        D(2025, 2, 1): 5,
        D(2025, 3, 1): 1,
        D(2025, 9, 1): 1,
    }
    february = rows[4]
    assert [(c.numerator, c.denominator) for c in february.cells[:4]] == [(2, 5), (3, 5), (3, 5), (4, 5)]


def test_transitions(world):
    data = trajectories.trajectories("40", FEBRUARY, TODAY)
    assert data.steps == (0, 3, 6, 12) and data.size == 5
    entry_to_3, three_to_6, six_to_12 = data.transitions
    # Entry: P1, P2, P3, P4 not oriented yet, P10 under his contract; at +3 months P1 under contract (20/03), P2
    # professional, P3 and P4 out (30/04, back 10/06), P10 still under contract (until 09/07).
    assert entry_to_3 == {
        ("non_oriente", "contrat"): 1,
        ("non_oriente", "professionnel"): 1,
        ("non_oriente", "sorti"): 2,
        ("contrat", "contrat"): 1,
    }
    # +6: P1 under contract (until 19/09); P2 out (15/06, back 01/09); P3 back and socio-professional; P4 back, not
    # oriented; P10's contract ended: professional.
    assert three_to_6 == {
        ("contrat", "contrat"): 1,
        ("professionnel", "sorti"): 1,
        ("sorti", "socio_professionnel"): 1,
        ("sorti", "non_oriente"): 1,
        ("contrat", "professionnel"): 1,
    }
    # +12: P1's contract ended, social; P2 back, professional; the others unchanged.
    assert six_to_12 == {
        ("contrat", "social"): 1,
        ("sorti", "professionnel"): 1,
        ("socio_professionnel", "socio_professionnel"): 1,
        ("non_oriente", "non_oriente"): 1,
        ("professionnel", "professionnel"): 1,
    }


def test_only_the_steps_reached(world):
    # The last entrants (28/02) are 6 months past their entry on 28/08/2025, not the day before.
    assert trajectories.steps_reached(FEBRUARY, D(2025, 8, 27)) == (0, 3)
    assert trajectories.steps_reached(FEBRUARY, D(2025, 8, 28)) == (0, 3, 6)


def _numbers(path):
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]


def test_the_chart_bands_are_proportional_to_their_counts(world):
    data = trajectories.trajectories("40", FEBRUARY, TODAY)
    chart = trajectories.chart(data)
    assert len(chart.bands) == 4 + 5 + 5
    ratios = set()
    for band in chart.bands:
        # The path: M x0,y0 C … x1,y1 L x1,y1+t C … x0,y0+t Z — its thickness is read from the drawing itself.
        numbers = _numbers(band.path)
        y1, y1_low = numbers[7], numbers[9]
        y0, y0_low = numbers[1], numbers[-1]
        assert y1_low - y1 == pytest.approx(y0_low - y0)
        ratios.add(round((y1_low - y1) / band.count, 6))
    assert len(ratios) == 1  # one scale: a band of 2 persons is twice as thick as a band of 1
    # At +3 months the two out of the RSA make a node twice as high as the lone professional's.
    second_column = sorted({node.x for node in chart.nodes})[1]
    at_3 = {node.state: node.height for node in chart.nodes if node.x == second_column}
    assert at_3["sorti"] == pytest.approx(2 * at_3["professionnel"])


def test_the_svg_is_accessible_and_holds_its_bands(world):
    data = trajectories.trajectories("40", FEBRUARY, TODAY)
    svg = render_to_string(
        "observatory/cohort_sankey.html",
        {"chart": trajectories.chart(data), "title": "Trajectoires", "description": "…"},
    )
    root = etree.fromstring(svg.encode())  # our own template's output
    assert root.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f"{ns}title").get("id"), root.find(f"{ns}desc").get("id")] == labelled
    paths = root.findall(f".//{ns}path")
    thickness = {}
    for path in paths:
        numbers = _numbers(path.get("d"))
        count = int(path.get("data-count"))
        thickness.setdefault(count, set()).add(round(numbers[9] - numbers[7], 2))
    # Bands of 2 persons are exactly twice as thick as bands of 1.
    assert set(thickness) == {1, 2}
    [one], [two] = thickness[1], thickness[2]
    assert two == pytest.approx(2 * one, abs=0.02)
    # The columns' headings: the first starts at its nodes (centred on them, half of it fell off the left edge).
    headings = root.findall(f"{ns}text")[: len(data.steps)]
    assert [heading.text for heading in headings] == [trajectories.step_label(m) for m in data.steps]
    first_node_x = min(node.x for node in trajectories.chart(data).nodes)
    assert headings[0].get("text-anchor") == "start" and float(headings[0].get("x")) == pytest.approx(first_node_x)
    assert {heading.get("text-anchor") for heading in headings[1:]} == {"middle"}


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=PARIS))
def test_the_cohort_and_trajectory_screens(world, login_as):
    landes_cd = OrganisationFactory(kind="cd", departement_id="40", name="CD analyse")
    client = login_as(MembershipFactory(role=Role.ANALYST, organisation=landes_cd))
    page = client.get(reverse("observatory:cohort"), {"periode": "2025-02"}).content.decode()
    assert "Entrants de février 2025 — Tout le département : 5 personnes" in page
    assert "40,0 %" in page and "2 / 5" in page  # oriented within 15 days: P10 and P1
    assert "Les douze dernières cohortes mensuelles jusqu'à février 2025" in page
    page = client.get(reverse("observatory:cohort_trajectories"), {"periode": "2025-02"}).content.decode()
    assert 'role="img"' in page and "<caption>Transitions entre deux dates" in page
    assert "Sorti du RSA" in page


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=PARIS))
def test_a_territory_manager_sees_his_territories_only(world, login_as):
    landes_cd = OrganisationFactory(kind="cd", departement_id="40", name="CD MdM")
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=landes_cd)
    manager.territories.set([world.t_mdm])
    client = login_as(manager)
    # His own territories by default (P1, P2, P10); Dax is not his: refused, and still his territories shown.
    page = client.get(reverse("observatory:cohort"), {"periode": "2025-02"}).content.decode()
    assert "Mes territoires : 3 personnes" in page
    page = client.get(reverse("observatory:cohort"), {"periode": "2025-02", "territoire": world.t_dax.pk})
    assert "Mes territoires : 3 personnes" in page.content.decode()
