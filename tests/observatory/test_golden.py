"""The golden population: a small Département built by hand, and the value of every computed indicator counted by
hand (each expectation says how). Nothing here is produced by the engine: a change of definition shows up here.

The year is 2025 (stocks on 31 December 2025) and the month is March 2025. Communes: Mont-de-Marsan (territory
« MdM », EPCI « Marsan Agglo »), Dax (territory « Dax »), Aire (no territory, no EPCI)."""

import datetime
from pathlib import Path

import pytest

from jalon.core.enums import Role
from jalon.notebook.enums import ContactKind
from jalon.notebook.models import (
    Appointment,
    Contact,
    Contract,
    ContractType,
    FreinCategory,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
)
from jalon.observatory.engine import computations, evaluate, value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.periods import Period
from jalon.orientation.enums import Attendance, OrientationType, ReorientationStatus, SessionKind
from jalon.orientation.models import (
    Interview,
    Orientation,
    OrientationSession,
    ReorientationRequest,
    SessionParticipant,
)
from jalon.people.enums import HouseholdRole
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import PARIS
from tests.people.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    RegionFactory,
    TerritoryFactory,
)


pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = Period(PeriodKind.YEAR, D(2025, 1, 1))
MARCH = Period(PeriodKind.MONTH, D(2025, 3, 1))


class World:
    pass


@pytest.fixture
def world():
    w = World()
    landes = DepartementFactory(code="40")
    w.agglo = EpciFactory(code="244000865", name="Marsan Agglo")
    mdm = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes, epci=w.agglo)
    dax = CommuneFactory(code="40088", name="Dax", departement=landes)
    aire = CommuneFactory(code="40001", name="Aire-sur-l'Adour", departement=landes)
    w.t_mdm = TerritoryFactory(departement=landes, name="MdM")
    w.t_mdm.communes.set([mdm])
    w.t_dax = TerritoryFactory(departement=landes, name="Dax")
    w.t_dax.communes.set([dax])
    cd = OrganisationFactory(kind="cd", departement=landes, name="CD")
    ft = OrganisationFactory(kind="france_travail", departement=landes, name="FT")
    ml = OrganisationFactory(kind="mission_locale", departement=landes, name="ML")
    asso = OrganisationFactory(kind="association", departement=landes, name="Asso")
    referent = MembershipFactory(role=Role.REFERENT, organisation=cd).user
    staff = [MembershipFactory(role=Role.REFERENT, organisation=cd).user for _ in range(3)]
    cer = ContractType.objects.create(departement=landes, code="cer", name="CER")
    ppae = ContractType.objects.create(departement=landes, code="ppae", name="PPAE")

    def household(opened, requested, closed=None):
        h = HouseholdFactory(departement=landes)
        RsaRightFactory(household=h, request_date=requested, opening_date=opened, closure_date=closed)
        return h

    def member(h, *, sex, born, commune, role=HouseholdRole.APPLICANT, sdd=True, left_on=None, departement=landes):
        person = PersonFactory(departement=departement, sex=sex, birth_date=born, commune=commune)
        HouseholdMemberFactory(
            household=h, person=person, role=role, subject_to_rights_and_duties=sdd, left_on=left_on
        )
        return person

    def orient(person, day, organisation, kind=OrientationType.SOCIAL, session=None, ended_on=None):
        return Orientation.objects.create(
            person=person,
            orientation_type=kind,
            organisation=organisation,
            referent=referent,
            decided_on=day,
            session=session,
            ended_on=ended_on,
        )

    def cell(day, territory, professionals, present, kind=SessionKind.CELL, cancelled=False):
        starts = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
        s = OrientationSession.objects.create(
            departement=landes,
            organisation=cd,
            territory=territory,
            kind=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            capacity=10,
            cancelled_at=starts if cancelled else None,
        )
        s.professionals.set(staff[:professionals])
        for person in present:
            SessionParticipant.objects.create(session=s, person=person, attendance=Attendance.PRESENT)
        return s

    F, H = "2", "1"
    # A: woman, 45, alone, Mont-de-Marsan; requested 10/01/2025, opened 01/02/2025.
    w.a = a = member(household(D(2025, 2, 1), D(2025, 1, 10)), sex=F, born=D(1980, 5, 1), commune=mdm)
    # B and C: a couple with a child in Mont-de-Marsan; requested 01/02/2025, opened 15/02/2025.
    hbc = household(D(2025, 2, 15), D(2025, 2, 1))
    b = member(hbc, sex=H, born=D(1990, 1, 1), commune=mdm)
    c = member(hbc, sex=F, born=D(1992, 1, 1), commune=mdm, role=HouseholdRole.PARTNER)
    member(hbc, sex=F, born=D(2015, 1, 1), commune=mdm, role=HouseholdRole.CHILD, sdd=False)
    # D: man, 65, alone, Dax; opened in 2018.
    d = member(household(D(2018, 4, 1), D(2018, 3, 1)), sex=H, born=D(1960, 6, 1), commune=dax)
    # E: woman, 23, alone with a child, Dax; requested and opened 01/07/2025.
    he = household(D(2025, 7, 1), D(2025, 7, 1))
    e = member(he, sex=F, born=D(2002, 3, 1), commune=dax)
    member(he, sex=H, born=D(2020, 1, 1), commune=dax, role=HouseholdRole.CHILD, sdd=False)
    # F: man, 55, Aire; requested 20/12/2024, opened 15/01/2025; R, his partner until 30/06/2025, then left.
    hf = household(D(2025, 1, 15), D(2024, 12, 20))
    f = member(hf, sex=H, born=D(1970, 1, 1), commune=aire)
    member(hf, sex=F, born=D(1980, 1, 1), commune=aire, role=HouseholdRole.PARTNER, left_on=D(2025, 6, 30))
    # G: woman, Dax; her right closed on 31/03/2025 (an exit from the RSA).
    g = member(household(D(2023, 2, 1), D(2023, 1, 1), closed=D(2025, 3, 31)), sex=F, born=D(1985, 1, 1), commune=dax)
    # H: man, 50, alone, Mont-de-Marsan; requested 20/02/2025, opened 01/03/2025.
    h = member(household(D(2025, 3, 1), D(2025, 2, 20)), sex=H, born=D(1975, 1, 1), commune=mdm)
    # I: not subject to rights and duties (flag from the CAF); requested 15/02/2025.
    i = member(household(D(2025, 2, 1), D(2025, 2, 15)), sex=H, born=D(1988, 1, 1), commune=mdm, sdd=False)
    # N: woman, 30, alone, Mont-de-Marsan; opened 01/07/2024.
    n = member(household(D(2024, 7, 1), D(2024, 6, 1)), sex=F, born=D(1995, 6, 1), commune=mdm)
    # O: man, 42, alone, Dax; opened in 2020, oriented to France Travail in 2020.
    o = member(household(D(2020, 2, 1), D(2020, 1, 1)), sex=H, born=D(1983, 1, 1), commune=dax)
    # P: woman, 67, alone, Aire; opened in 2015, oriented to an association in 2016.
    p = member(household(D(2015, 2, 1), D(2015, 1, 1)), sex=F, born=D(1958, 1, 1), commune=aire)
    # M: merged into A (counts nowhere); J: in another Département (counts nowhere).
    m = member(household(D(2025, 2, 1), D(2025, 1, 1)), sex=F, born=D(1980, 5, 1), commune=mdm)
    m.merged_into = a
    m.save()
    elsewhere = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    hj = HouseholdFactory(departement=elsewhere)
    RsaRightFactory(household=hj, request_date=D(2025, 1, 1), opening_date=D(2025, 1, 1))
    j = member(hj, sex=F, born=D(1980, 1, 1), commune=None, departement=elsewhere)

    # Sessions: S1 cell MdM 05/03 (3 professionals: A, B present); S2 cell Dax 15/07 (1: E); S3 cell MdM 20/04
    # (2: H, A); S4 cell MdM 20/03 cancelled (N); S5 information collective Dax 25/03 (O).
    s1 = cell(D(2025, 3, 5), w.t_mdm, 3, [a, b])
    s2 = cell(D(2025, 7, 15), w.t_dax, 1, [e])
    cell(D(2025, 4, 20), w.t_mdm, 2, [h, a])
    cell(D(2025, 3, 20), w.t_mdm, 2, [n], cancelled=True)
    cell(D(2025, 3, 25), w.t_dax, 2, [o], kind=SessionKind.COLLECTIVE_INFORMATION)

    # Orientations.
    oa = orient(a, D(2025, 3, 5), cd, session=s1)
    Interview.objects.create(person=a, conducted_on=D(2025, 3, 5), orientation=oa)
    oa.first_appointment_on = D(2025, 3, 20)
    oa.save()
    ob = orient(b, D(2025, 4, 10), ft, OrientationType.PROFESSIONAL)
    ob.first_appointment_on = D(2025, 5, 2)
    ob.save()
    orient(c, D(2025, 4, 10), ft, OrientationType.PROFESSIONAL)
    orient(d, D(2019, 1, 10), cd)
    orient(e, D(2025, 7, 15), ml, OrientationType.PROFESSIONAL, session=s2)
    Interview.objects.create(person=e, conducted_on=D(2025, 7, 15))  # not linked to the decision
    orient(g, D(2023, 3, 1), asso)
    first_h = orient(h, D(2025, 5, 1), asso, OrientationType.SOCIO_PROFESSIONAL, ended_on=D(2025, 9, 1))
    second_h = orient(h, D(2025, 9, 1), cd)
    ReorientationRequest.objects.create(
        person=h,
        from_orientation=first_h,
        reason="projet",
        status=ReorientationStatus.ACCEPTED,
        decided_on=D(2025, 9, 1),
        new_orientation=second_h,
    )
    orient(i, D(2025, 3, 10), cd)
    orient(o, D(2020, 3, 1), ft, OrientationType.PROFESSIONAL)
    orient(p, D(2016, 1, 1), asso)
    orient(m, D(2025, 3, 12), cd)
    orient(j, D(2025, 3, 10), cd)

    # Carnets, contracts and appointments.
    def carnet(person, created):
        notebook = Notebook.objects.create(person=person)
        Notebook.objects.filter(pk=notebook.pk).update(
            created_at=datetime.datetime(created.year, created.month, created.day, 12, tzinfo=PARIS)
        )
        return notebook

    def contract(notebook, kind, start, end):
        return Contract.objects.create(
            notebook=notebook, contract_type=kind, starts_on=start, ends_on=end, signed_on=start, organisation=cd
        )

    def appointment(notebook, day, cancelled=False):
        starts = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=PARIS)
        Appointment.objects.create(
            notebook=notebook,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=45),
            professional=referent,
            organisation=cd,
            cancelled_at=starts if cancelled else None,
        )

    na, nd = carnet(a, D(2025, 3, 6)), carnet(d, D(2019, 2, 1))
    ne, np_, no = carnet(e, D(2026, 1, 5)), carnet(p, D(2016, 2, 1)), carnet(o, D(2020, 4, 1))
    first_a = contract(na, cer, D(2025, 4, 1), D(2025, 9, 30))
    second_a = contract(na, cer, D(2025, 10, 1), D(2026, 3, 31))
    cer_d = contract(nd, cer, D(2025, 6, 1), D(2025, 12, 31))
    contract(np_, cer, D(2024, 1, 1), D(2024, 12, 31))
    contract(no, ppae, D(2025, 1, 1), D(2025, 12, 31))

    # What the CERs hold (OARSA B15–B20): objectives tied to a frein of the référentiel or to the project.
    def objective(notebook, contract, frein="", project=None):
        notebook_frein = (
            NotebookFrein.objects.create(notebook=notebook, category=FreinCategory.objects.get(code=frein))
            if frein
            else None
        )
        contract.objectives.add(
            Objective.objects.create(notebook=notebook, title="objectif", frein=notebook_frein, project=project)
        )

    objective(na, first_a, "contraintes_familiales")  # a family action, in a CER ended on 30/09/2025
    objective(na, second_a, "logement")
    objective(na, second_a, "formation")
    objective(nd, cer_d, "sante")
    objective(nd, cer_d, project=ProfessionalProject.objects.create(notebook=nd, title="Cariste"))
    appointment(na, D(2025, 3, 20))
    appointment(na, D(2025, 3, 25), cancelled=True)
    appointment(na, D(2025, 11, 10))
    appointment(nd, D(2025, 6, 15))
    appointment(ne, D(2026, 1, 10))
    w.people = {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g, "H": h, "I": i, "N": n, "O": o, "P": p}
    w.cd = cd
    return w


def whole(code, period, level=TerritoryLevel.DEPARTEMENT, territory="40", dimension=Dimension.ALL, segment=""):
    """(numerator, denominator, value) of an indicator for a territory and a segment."""
    spec = computations()[code]
    cell = evaluate(spec, "40", period).get((level, territory, dimension, segment))
    if cell is None:
        return (0, 0, None)
    return (cell.numerator, cell.denominator, value_of(spec.unit, cell.numerator, cell.denominator))


def test_cells(world):
    # P01: present at a cell, distinct: A, B (S1), H, A (S3), E (S2) = 4 in the year; A, B in March. S4 (cancelled)
    # and S5 (information collective) do not count.
    assert whole("P01", YEAR)[2] == 4 and whole("P01", MARCH)[2] == 2
    # P02: oriented by a cell they attended: A (S1), E (S2) among 4; in March A among A, B.
    assert whole("P02", YEAR) == (2, 4, 0.5) and whole("P02", MARCH) == (1, 2, 0.5)
    # By territory: MdM present A, B, H (A oriented by S1); Dax E (oriented by S2).
    assert whole("P02", YEAR, TerritoryLevel.TERRITORY, str(world.t_mdm.pk)) == (1, 3, 1 / 3)
    assert whole("P02", YEAR, TerritoryLevel.TERRITORY, str(world.t_dax.pk)) == (1, 1, 1.0)
    # P04: cells held: S1 (3 professionals), S2 (1), S3 (2) → 6 / 3; in March S1 alone; MdM S1 and S3 → 5 / 2.
    assert whole("P04", YEAR) == (6, 3, 2.0) and whole("P04", MARCH)[2] == 3.0
    assert whole("P04", YEAR, TerritoryLevel.TERRITORY, str(world.t_mdm.pk))[2] == 2.5


def test_decisions(world):
    # P03: H's réorientation accepted on 01/09.
    assert whole("P03", YEAR)[2] == 1 and whole("P03", MARCH)[2] == 0
    # P05: decisions of 2025: A, B, C, E, H (05/05), H (01/09), I — M merged and J elsewhere left out.
    assert whole("P05", YEAR)[2] == 7 and whole("P05", MARCH)[2] == 2  # A and I
    # … by their own type: social A, H's second, I; professional B, C, E; socio-professional H's first.
    assert whole("P05", YEAR, dimension=Dimension.ORIENTATION_TYPE, segment="social")[2] == 3
    assert whole("P05", YEAR, dimension=Dimension.ORIENTATION_TYPE, segment="professionnel")[2] == 3
    assert whole("P05", YEAR, dimension=Dimension.ORIENTATION_TYPE, segment="socio_professionnel")[2] == 1
    # P09 and L03: decided from a cell: A, E among 7; in March A among A, I.
    for code in ("P09", "L03"):
        assert whole(code, YEAR) == (2, 7, 2 / 7) and whole(code, MARCH) == (1, 2, 0.5)
    # L02: from a cell with the diagnosis interview linked: A only (E's interview is not linked).
    assert whole("L02", YEAR) == (1, 7, 1 / 7)


def test_delays(world):
    # P06, L05, L72: first orientations of 2025 with their request: A 54 d, B 68, C 68, E 14, H 70, I 23 → 297 / 6.
    for code in ("P06", "L05", "L72"):
        assert whole(code, YEAR) == (297, 6, 49.5)
        assert whole(code, MARCH) == (77, 2, 38.5)  # A 54, I 23
    # J01 within 15 days: E; J02 within 30 days: E, I.
    assert whole("J01", YEAR) == (1, 6, 1 / 6) and whole("J02", YEAR) == (2, 6, 2 / 6)
    assert whole("J02", MARCH) == (1, 2, 0.5)
    # J14 within the legal six weeks (42 days): E 14, I 23 (A 54, B and C 68, H 70 are late); in March I among A, I.
    assert whole("J14", YEAR) == (2, 6, 2 / 6) and whole("J14", MARCH) == (1, 2, 0.5)
    # L04: opening → first interview: A 32 d (01/02 → 05/03), E 14 d (01/07 → 15/07).
    assert whole("L04", YEAR) == (46, 2, 23.0)
    # P07: request → first appointment with the référent: A 69 d (10/01 → 20/03), B 90 d (01/02 → 02/05).
    assert whole("P07", YEAR) == (159, 2, 79.5)


def test_population(world):
    # L69: subject on 31/12/2025: A, B, C, D, E, F, H, N, O, P (G closed, I not flagged, R left, children,
    # M merged, J elsewhere). On 31/03/2025: A, B, C, D, F, H, N, O, P, R (E opened in July, G closed that day).
    assert whole("L69", YEAR)[2] == 10 and whole("L69", MARCH)[2] == 10
    # L70: opened four years ago or more: D (2018), O (2020), P (2015).
    assert whole("L70", YEAR)[2] == 3
    # L20: 60 or older on 31/12/2025: D (65), P (67).
    assert whole("L20", YEAR)[2] == 2
    # L10: G's right closed on 31/03/2025.
    assert whole("L10", YEAR)[2] == 1 and whole("L10", MARCH)[2] == 1
    # By territory: MdM A, B, C, H, N; Dax D, E, O; the EPCI of Mont-de-Marsan as MdM; Aire (F, P) only in the whole.
    assert whole("L69", YEAR, TerritoryLevel.TERRITORY, str(world.t_mdm.pk))[2] == 5
    assert whole("L69", YEAR, TerritoryLevel.TERRITORY, str(world.t_dax.pk))[2] == 3
    assert whole("L69", YEAR, TerritoryLevel.EPCI, world.agglo.code)[2] == 5
    assert whole("L69", YEAR, TerritoryLevel.COMMUNE, "40001")[2] == 2


def test_segments(world):
    def segment(dimension, code):
        return whole("L69", YEAR, dimension=dimension, segment=code)[2]

    assert (segment(Dimension.SEX, "F"), segment(Dimension.SEX, "H")) == (5, 5)
    # Ages on 31/12/2025: E 23; B 35, C 33, N 30; A 45, O 42; F 55, H 50; D 65, P 67.
    ages = {"moins_25": 1, "30_39": 3, "40_49": 2, "50_59": 2, "60_plus": 2}
    assert {code: segment(Dimension.AGE_BAND, code) for code in ages} == ages
    assert segment(Dimension.AGE_BAND, "25_29") is None
    # Households: B and C a couple with a child, E alone with a child, the 7 others alone (R left F in June).
    households = {"seul": 7, "couple_enfants": 2, "seul_enfants": 1}
    assert {code: segment(Dimension.HOUSEHOLD, code) for code in households} == households
    # Seniority of the household's right: E < 6 months; A, B, C, H, F 6–12 months; N 1–4 years; D, O, P ≥ 4 years.
    seniority = {"moins_6_mois": 1, "6_12_mois": 5, "1_4_ans": 1, "4_ans_plus": 3}
    assert {code: segment(Dimension.SENIORITY, code) for code in seniority} == seniority
    # Orientation on the day: social (A, D, H's second), professional (B, C, E, O), none (F, N), P social.
    assert segment(Dimension.ORIENTATION_TYPE, "non_oriente") == 2
    assert segment(Dimension.ORIENTATION_TYPE, "professionnel") == 4
    # Landes profils-types: D man alone 50+ ≥4 years; P woman alone 50+ ≥4 years; O man alone <50 ≥4 years.
    assert segment(Dimension.PROFILE, "H-seul-50_plus-4_ans_plus") == 1
    assert segment(Dimension.PROFILE, "F-seul-50_plus-4_ans_plus") == 1
    assert segment(Dimension.PROFILE, "H-seul-moins_50-4_ans_plus") == 1
    # A rate by segment: P02 among women (A, E present, both oriented by their cell) and men (B, H: none).
    assert whole("P02", YEAR, dimension=Dimension.SEX, segment="F") == (2, 2, 1.0)
    assert whole("P02", YEAR, dimension=Dimension.SEX, segment="H") == (0, 2, 0.0)


def test_segment_intervals_are_the_days_segments(world):
    """On PostgreSQL a batch computes the segments of all its days in one statement, as intervals over them
    (`INTERVALS_SQL`): on each of its days, the rows that hold are those the one-day statement (`BUILD_SQL`, which
    SQLite runs) computes for that day, and computed in two parts of the persons it gives the same rows. Checked on
    every day of fourteen months, and on month ends only (a change between two month ends is seen at the next one),
    with a flux clearing a person at midnight and in the afternoon (and one of another Département), a child and a
    second household left, a person in two households."""
    from django.db import connection

    from jalon.observatory.models import PersonSegment
    from jalon.observatory.segments import BUILD_SQL, SegmentBatch
    from jalon.people.enums import ChangeKind
    from jalon.people.models import ChangeEvent, HouseholdMember

    if connection.vendor != "postgresql":
        pytest.skip("the intervals are PostgreSQL's; SQLite computes each day apart")
    a, b, c, e = (world.people[name] for name in "ABCE")
    elsewhere = HouseholdMember.objects.get(person__departement_id="64").person  # J: counted nowhere in the 40
    for person, at in (
        (a, datetime.datetime(2025, 6, 10, 15, tzinfo=PARIS)),
        (b, datetime.datetime(2025, 8, 1, 0, tzinfo=PARIS)),
        (elsewhere, datetime.datetime(2025, 5, 5, 10, tzinfo=PARIS)),
    ):
        member = HouseholdMember.objects.get(person=person)
        HouseholdMember.objects.filter(pk=member.pk).update(subject_to_rights_and_duties=False)
        ChangeEvent.objects.create(
            kind=ChangeKind.NO_LONGER_SUBJECT, household=member.household, person=person, occurred_at=at
        )
    child = HouseholdMember.objects.get(
        household=HouseholdMember.objects.get(person=b).household, role=HouseholdRole.CHILD
    )
    HouseholdMember.objects.filter(pk=child.pk).update(left_on=D(2025, 8, 31))
    HouseholdMemberFactory(
        household=HouseholdMember.objects.get(person=e).household,
        person=c,
        role=HouseholdRole.PARTNER,
        left_on=D(2025, 10, 15),
    )
    columns = [
        field.column
        for field in PersonSegment._meta.concrete_fields
        if field.column not in ("id", "batch", "day", "until")
    ]

    def holding(batch_id, day) -> list:
        rows = PersonSegment.objects.filter(batch=batch_id, day__lte=day, until__gt=day)
        return sorted(rows.values_list(*columns))

    every_day = [D(2024, 12, 1) + datetime.timedelta(days=n) for n in range(427)]  # to 31/01/2026
    month_ends = [D(2025, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 12)] + [D(2025, 12, 31)]
    for days in (every_day, month_ends):
        by_day = []
        with SegmentBatch("40") as intervals, SegmentBatch("40") as one_day:
            intervals.prepare(*days)
            for day in days:
                with connection.cursor() as cursor:
                    cursor.execute(*one_day._statement(BUILD_SQL, day=day, next_day=day + datetime.timedelta(days=1)))
                by_day.append(holding(one_day.id, day))
                assert holding(intervals.id, day) == by_day[-1], day
                PersonSegment.objects.filter(batch=one_day.id).delete()
            stored = PersonSegment.objects.filter(batch=intervals.id).count()
            # Computed in two parts (two ranges of the persons' keys, as on two connections): the same rows.
            with SegmentBatch("40") as in_parts:
                claimed = in_parts.claim(*days)
                for part in (0, 1):
                    in_parts.compute(claimed, part, 2)
                assert sorted(
                    PersonSegment.objects.filter(batch=in_parts.id).values_list("day", "until", *columns)
                ) == sorted(PersonSegment.objects.filter(batch=intervals.id).values_list("day", "until", *columns))
        # Not vacuous: at least ten persons every day, whose segments change on several of the days; fewer rows
        # stored than one per person and day.
        assert min(len(rows) for rows in by_day) >= 10
        assert sum(earlier != later for earlier, later in zip(by_day[:-1], by_day[1:], strict=True)) >= 6
        assert stored < sum(len(rows) for rows in by_day) / 2


def test_shares_on_days_are_the_days_shares(world):
    """The stock shares over the persons subject to rights and duties are evaluated on many days in one statement
    (`SharesOnDays`: each segment row cut into pieces, each piece evaluated on its first day): on every month end,
    and on quarter ends only, the same cells as the day's own evaluation, and the same again in two runs of days
    (as two workers share them). The population crosses what the shares read of the day between two month ends: a
    25th birthday on 29 February (1 March by `add_months`, 28 February by PostgreSQL), a right six months old on
    1 March (opened on 31 August), another four years old, a 60th birthday, a contrat d'engagement signed (J15)."""
    from django.db import connection

    from jalon.observatory.engine import Places, evaluate_shares
    from jalon.observatory.indicators.common import subject_base
    from jalon.observatory.segments import SegmentBatch
    from jalon.observatory.shares_on_days import SharesOnDays
    from jalon.people.models import RsaRight

    if connection.vendor != "postgresql":
        pytest.skip("the shares are grouped together by PostgreSQL's GROUPING SETS, the intervals are PostgreSQL's")
    a, d, f, n = (world.people[name] for name in "ADFN")
    n.birth_date = D(2000, 2, 29)
    n.save()
    f.birth_date = D(1965, 6, 15)
    f.save()
    RsaRight.objects.filter(household__members__person=a).update(opening_date=D(2024, 8, 31))
    RsaRight.objects.filter(household__members__person=d).update(opening_date=D(2021, 3, 31))
    Orientation.objects.create(
        person=n,
        orientation_type=OrientationType.SOCIAL,
        organisation=world.cd,
        referent=Orientation.objects.filter(person=a).first().referent,
        decided_on=D(2024, 11, 1),
        engagement_signed_on=D(2025, 5, 20),
    )
    specs = [spec for spec in computations().values() if spec.share is not None and spec.share.base is subject_base]
    assert {"B1", "B15", "J15", "L20", "L69", "L70"} <= {spec.code for spec in specs}
    places = Places.of("40")
    month_ends = [D(2025, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 12)] + [D(2025, 12, 31)]
    quarter_ends = [D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)]
    for days in ([D(2024, 12, 31), *month_ends], quarter_ends):
        with SegmentBatch("40") as batch:
            batch.prepare(*days)
            on_days = SharesOnDays(specs, "40", days, places=places, segments=batch)
            whole, in_two = {}, {}
            on_days.results(on_days.statement(days[0]), whole.__setitem__)
            middle = days[len(days) // 2]
            on_days.results(on_days.statement(days[0], middle), in_two.__setitem__)
            on_days.results(on_days.statement(middle), in_two.__setitem__)
            by_day = []
            for day in days:
                period = Period(PeriodKind.MONTH, day.replace(day=1))
                alone = evaluate_shares(specs, "40", period, places=places, segments=batch, commune_segments=False)
                # A stock's results are the day's for every period ending on it.
                assert period in whole[day] and all(results == alone for results in whole[day].values()), day
                assert in_two[day] == whole[day], day
                by_day.append(alone)
            # Not vacuous: the figures change from day to day.
            assert sum(earlier != later for earlier, later in zip(by_day[:-1], by_day[1:], strict=True)) >= 3


def test_carnet_shares_on_days_are_the_days_shares(world):
    """The shares over the persons with a carnet (L66, J06 stocks; L13, J05 flows) are evaluated on many days in one
    statement too: the stocks on each day, the flows for the day's month, quarter and year to date, the same cells as
    each period's own evaluation (the month's, and the quarter's and the year's on their last day), in one run of
    days or two. Between two month ends: carnets opened, appointments and contacts on a period's first and last
    days (an appointment at 00:30 on 1 April is April's in the project's time zone, 31 March in UTC), a carnet lost
    from view 8 weeks after its last contact or its opening, an appointment cancelled."""
    from django.db import connection

    from jalon.observatory.engine import Places, evaluate_shares
    from jalon.observatory.indicators.notebook import _with_carnet
    from jalon.observatory.periods import period_of
    from jalon.observatory.segments import SegmentBatch
    from jalon.observatory.shares_on_days import SharesOnDays

    if connection.vendor != "postgresql":
        pytest.skip("the shares are grouped together by PostgreSQL's GROUPING SETS, the intervals are PostgreSQL's")
    na, nd, no = (Notebook.objects.get(person=world.people[name]) for name in "ADO")
    referent = Appointment.objects.filter(notebook=na).first().professional

    def appointment(notebook, at, cancelled=False):
        Appointment.objects.create(
            notebook=notebook,
            starts_at=at,
            ends_at=at + datetime.timedelta(minutes=30),
            professional=referent,
            organisation=world.cd,
            cancelled_at=at if cancelled else None,
        )

    appointment(na, datetime.datetime(2025, 4, 1, 0, 30, tzinfo=PARIS))
    appointment(na, datetime.datetime(2025, 6, 30, 23, 30, tzinfo=PARIS))
    appointment(nd, datetime.datetime(2025, 7, 1, 9, tzinfo=PARIS))
    appointment(nd, datetime.datetime(2025, 9, 12, 9, tzinfo=PARIS), cancelled=True)
    appointment(no, datetime.datetime(2025, 12, 31, 16, tzinfo=PARIS))
    for notebook, day in [
        (na, D(2025, 4, 30)),
        (na, D(2025, 7, 1)),
        (nd, D(2025, 2, 10)),
        (nd, D(2025, 2, 11)),
        (nd, D(2025, 10, 31)),
        (no, D(2025, 1, 1)),
        (no, D(2025, 6, 30)),
    ]:
        Contact.objects.create(notebook=notebook, occurred_on=day, kind=ContactKind.OFFICE, summary="entretien")
    specs = [spec for spec in computations().values() if spec.share is not None and spec.share.base is _with_carnet]
    assert {spec.code for spec in specs} == {"L66", "L13", "J05", "J06"}
    places = Places.of("40")
    month_ends = [D(2025, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 12)] + [D(2025, 12, 31)]
    quarter_ends = [D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31), D(2026, 3, 31)]
    for days in ([D(2024, 12, 31), *month_ends, D(2026, 1, 31), D(2026, 2, 28)], quarter_ends):
        with SegmentBatch("40") as batch:
            batch.prepare(*days)
            on_days = SharesOnDays(specs, "40", days, places=places, segments=batch)
            whole, in_two = {}, {}
            statement = on_days.statement(days[0])
            assert statement is not None
            on_days.results(statement, whole.__setitem__)
            middle = days[len(days) // 2]
            on_days.results(on_days.statement(days[0], middle), in_two.__setitem__)
            on_days.results(on_days.statement(middle), in_two.__setitem__)
            by_day = []
            for day in days:
                periods = [period_of(kind, day) for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)]
                periods = [period for period in periods if period.end == day]
                assert set(whole[day]) == set(periods), day
                for period in periods:
                    alone = evaluate_shares(specs, "40", period, places=places, segments=batch, commune_segments=False)
                    assert whole[day][period] == alone, (day, period)
                assert in_two[day] == whole[day], day
                by_day.append(whole[day])
            # Not vacuous: every share changes from day to day, the flows count something.
            everyone = (TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, "")
            for code in ("L66", "L13", "J05", "J06"):
                figures = [tuple(results[code][everyone].numerator for results in day.values()) for day in by_day]
                assert len(set(figures)) >= 3, (code, figures)


def test_a_segment_batch_does_not_prepare_a_day_inside_what_it_prepared(world):
    """A batch's intervals say nothing of the days between those it was given: a later day may be added, not one in
    between (it would be counted twice)."""
    from django.db import connection

    from jalon.observatory.segments import SegmentBatch

    if connection.vendor != "postgresql":
        pytest.skip("the intervals are PostgreSQL's")
    with SegmentBatch("40") as batch:
        batch.prepare(D(2025, 1, 31), D(2025, 3, 31))
        with pytest.raises(ValueError):
            batch.prepare(D(2025, 2, 28))
        batch.prepare(D(2025, 4, 30), D(2025, 3, 31))
        assert batch.days == {D(2025, 1, 31), D(2025, 3, 31), D(2025, 4, 30)}


def test_carnets(world):
    # L66: carnets on 31/12/2025: A (03/2025), D, P, O (E's is of 2026); on 31/03/2025 the same four.
    assert whole("L66", YEAR)[2] == 4 and whole("L66", MARCH)[2] == 4
    # L13: appointments of 2025 not cancelled: A 20/03 and 10/11, D 15/06 → 3 over 4 carnets; March: A 20/03 → 1 / 4.
    assert whole("L13", YEAR) == (3, 4, 0.75) and whole("L13", MARCH) == (1, 4, 0.25)


def test_oarsa(world):
    # SDD on 31/12/2025: A, B, C, D, E, F, H, N, O, P; oriented: all but F and N → B1 8 / 10.
    assert whole("B1", YEAR) == (8, 10, 0.8)
    # B2 < 6 months: E (oriented); B3 6–12 months: A, B, C, H oriented, F not; B4 ≥ 1 year: D, O, P oriented, N not.
    assert whole("B2", YEAR) == (1, 1, 1.0)
    assert whole("B3", YEAR) == (4, 5, 0.8)
    assert whole("B4", YEAR) == (3, 4, 0.75)
    # Where the 8 are oriented: France Travail B, C, O; SPE other: E (mission locale); Département A, D, H;
    # elsewhere P (association).
    assert whole("B5", YEAR)[:2] == (3, 8)
    assert whole("B6", YEAR)[:2] == (1, 8)
    assert whole("B7", YEAR)[:2] == (3, 8)
    assert whole("B8", YEAR)[:2] == (1, 8)
    # B9: oriented elsewhere than France Travail: A, D, E, H, P; a CER valid on 31/12: A (10/2025–03/2026), D
    # (06–12/2025); P's ended in 2024.
    assert whole("B9", YEAR) == (2, 5, 0.4)
    # B13: entrants of 2025 (request in 2025) subject on 31/12 and oriented: A 54, B 68, C 68, E 14, H 70 → 274 / 5.
    assert whole("B13", YEAR) == (274, 5, 54.8)
    # B14: of them, oriented elsewhere than France Travail with a first CER: A, 05/03 → 01/04 = 27 days.
    assert whole("B14", YEAR) == (27, 1, 27.0)
    # B10–B12, B9 by organisme: SPE other than France Travail E (no CER) → 0 / 1; Département A, D, H with a CER
    # valid on 31/12 for A and D → 2 / 3; elsewhere P (CER ended in 2024) → 0 / 1.
    assert whole("B10", YEAR) == (0, 1, 0.0)
    assert whole("B11", YEAR) == (2, 3, 2 / 3)
    assert whole("B12", YEAR) == (0, 1, 0.0)
    # B15–B20 among the 2 oriented elsewhere than France Travail with a CER valid on 31/12 (A's second, D's):
    # B15 training: A (frein « formation », thématique se-former); B16 job search: D (objective of his project);
    # B17 social link: nobody (no frein of the référentiel is about remobilisation: the return says ND);
    # B18 housing: A (« logement »); B19 health: D (« santé »); B20 family: nobody (A's family objective is in
    # her first CER, ended on 30/09/2025).
    assert whole("B15", YEAR) == (1, 2, 0.5)
    assert whole("B16", YEAR) == (1, 2, 0.5)
    assert whole("B17", YEAR) == (0, 2, 0.0)
    assert whole("B18", YEAR) == (1, 2, 0.5)
    assert whole("B19", YEAR) == (1, 2, 0.5)
    assert whole("B20", YEAR) == (0, 2, 0.0)


def test_every_computed_indicator_is_checked_here():
    """A new computed indicator needs its golden expectation in this module or a `test_golden_*` beside it."""
    source = "".join(path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_golden*.py"))
    unchecked = [code for code in computations() if f'"{code}"' not in source]
    assert unchecked == []


def test_no_rate_exceeds_100_percent(world):
    for code, spec in computations().items():
        if not spec.bound_to_100:
            continue
        for period in (YEAR, MARCH):
            for key, cell in evaluate(spec, "40", period).items():
                assert cell.numerator <= cell.denominator, (code, period.key, key)


def test_the_segment_batch_and_the_per_row_subqueries_give_the_same_figures(world):
    """The stock filters are read from the day's segment batch in a computation, and by per-row subqueries in a
    read-only evaluation (screens, a replica): both paths give every indicator the same Département figures."""
    from jalon.observatory.engine import whole as whole_cell

    for code, spec in computations().items():
        for period in (YEAR, MARCH):
            batched = whole_cell(evaluate(spec, "40", period))
            direct = whole_cell(evaluate(spec, "40", period, segmented=False))
            assert (batched.numerator, batched.denominator) == (direct.numerator, direct.denominator), code


def test_grouping_sets_give_the_cells_of_the_python_roll_up(world, monkeypatch):
    """PostgreSQL groups by one dimension at a time (GROUPING SETS, the profil-type computed in SQL); SQLite groups
    every combination and rolls them up in Python (the profil-type by `profile_of`): the same cells, for every
    indicator, territory, dimension and segment."""
    from django.db import connection

    from jalon.observatory import engine

    if connection.vendor != "postgresql":
        pytest.skip("GROUPING SETS are PostgreSQL's; SQLite always rolls up in Python")
    python_roll_up = engine._by_place
    rolled_up_in_python = []
    monkeypatch.setattr(engine, "_by_place", lambda *args: rolled_up_in_python.append(1) or python_roll_up(*args))
    for code, spec in computations().items():
        rolled_up_in_python.clear()
        in_sets = evaluate(spec, "40", YEAR)
        if spec.person_path is not None:
            assert not rolled_up_in_python, f"{code}: grouped in Python, not by GROUPING SETS"
        monkeypatch.setattr(engine, "GROUPING_SETS", False)
        rolled_up = evaluate(spec, "40", YEAR)
        monkeypatch.setattr(engine, "GROUPING_SETS", True)
        as_pairs = {key: (cell.numerator, cell.denominator) for key, cell in in_sets.items()}
        assert as_pairs == {key: (cell.numerator, cell.denominator) for key, cell in rolled_up.items()}, code


def test_shares_over_the_same_base_computed_together_give_each_one_s_cells(world):
    """A computation evaluates the OARSA shares over the persons subject to rights and duties in one query
    (`evaluate_shares`): the same cells as each evaluated alone, every territory, dimension and segment."""
    from django.db import connection

    from jalon.observatory.engine import Places, evaluate_shares
    from jalon.observatory.segments import SegmentBatch

    if connection.vendor != "postgresql":
        pytest.skip("the shares are grouped together by PostgreSQL's GROUPING SETS")
    by_base = {}
    for spec in computations().values():
        if spec.share is not None:
            by_base.setdefault(spec.share.base, []).append(spec)
    codes = {spec.code for shares in by_base.values() for spec in shares}
    assert codes >= {f"B{n}" for n in (*range(1, 13), *range(15, 21))}
    # Counts (L69, J06), ratios (L13) and days (P06) beside the rates.
    assert codes >= {"L66", "L13", "J05", "J06", "L69", "L70", "L20", "J15", "P06", "J01"}
    places = Places.of("40")
    by_period = {}
    for period in (YEAR, MARCH):
        with SegmentBatch("40") as batch:
            by_period[period] = {}
            for shares in by_base.values():
                together = evaluate_shares(shares, "40", period, places=places, segments=batch)
                by_period[period] |= together
                for spec in shares:
                    alone = evaluate(spec, "40", period, places=places, segments=batch)
                    as_pairs = {key: (cell.numerator, cell.denominator) for key, cell in together[spec.code].items()}
                    assert as_pairs == {key: (c.numerator, c.denominator) for key, c in alone.items()}, spec.code
    # Not a vacuous comparison: the golden B1 of 2025, 8 oriented of 10 SDD (test_oarsa).
    b1 = by_period[YEAR]["B1"][(TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, "")]
    assert (b1.numerator, b1.denominator) == (8, 10)
    l69 = by_period[YEAR]["L69"][(TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, "")]
    assert (l69.numerator, l69.denominator) == (10, 0)


def test_shares_of_the_periods_ending_on_a_day_computed_together_give_each_period_s_cells(world):
    """A computation evaluates the shares over a base that reads only the last day (the persons with a carnet, the
    persons subject to rights and duties) for the month, the quarter and the year that end that day in one query
    (`evaluate_shares_over`): the same cells as each period's own evaluation. A base that reads the period's start
    (the persons first oriented in the period) is refused."""
    from django.db import connection

    from jalon.observatory.engine import (
        Places,
        Scope,
        base_reads_the_last_day_only,
        evaluate_shares,
        evaluate_shares_over,
    )
    from jalon.observatory.segments import SegmentBatch

    if connection.vendor != "postgresql":
        pytest.skip("the shares are grouped together by PostgreSQL's GROUPING SETS")
    by_base = {}
    for spec in computations().values():
        if spec.share is not None:
            by_base.setdefault(spec.share.base, []).append(spec)
    ending = [
        Period(PeriodKind.MONTH, datetime.date(2025, 12, 1)),
        Period(PeriodKind.QUARTER, datetime.date(2025, 10, 1)),
        YEAR,
    ]
    places = Places.of("40")
    merged = 0
    with SegmentBatch("40") as batch:
        for base, shares in by_base.items():
            scopes = [Scope("40", period, batch) for period in ending]
            if not base_reads_the_last_day_only(base, scopes):
                assert "P06" in {spec.code for spec in shares}  # the first orientations of the period
                with pytest.raises(ValueError):
                    evaluate_shares_over([(period, shares) for period in ending], "40", places=places, segments=batch)
                continue
            merged += 1
            together = evaluate_shares_over(
                [(period, shares) for period in ending], "40", places=places, segments=batch
            )
            for period in ending:
                alone = evaluate_shares(shares, "40", period, places=places, segments=batch)
                assert together[period] == alone, (period, [spec.code for spec in shares])
        assert merged == 2
        # Not a vacuous comparison: the carnet's appointments differ between the month and the year.
        carnet = next(shares for shares in by_base.values() if "L13" in {spec.code for spec in shares})
        l13 = evaluate_shares_over([(period, carnet) for period in ending], "40", places=places, segments=batch)
        everyone = (TerritoryLevel.DEPARTEMENT, "40", Dimension.ALL, "")
        assert l13[ending[0]]["L13"][everyone] != l13[YEAR]["L13"][everyone]


def test_without_the_communes_segments_every_other_cell_is_the_same(world):
    """A computation stores a commune whole: it groups the segments by zone of communes (their EPCI and
    territories) instead of by commune. Every cell but a commune's segments is the same as the full result's, for
    each indicator alone and for the shares evaluated together (three communes: one in an EPCI and a territory, one
    in a territory only, one in neither)."""
    from django.db import connection

    from jalon.observatory.engine import Places, evaluate_shares
    from jalon.observatory.segments import SegmentBatch

    if connection.vendor != "postgresql":
        pytest.skip("the zones are grouped by PostgreSQL's GROUPING SETS")

    def pairs(result, communes_whole=False):
        return {
            key: (cell.numerator, cell.denominator)
            for key, cell in result.items()
            if not (communes_whole and key[0] == TerritoryLevel.COMMUNE and key[2] != Dimension.ALL)
        }

    places = Places.of("40")
    by_base = {}
    for spec in computations().values():
        if spec.share is not None:
            by_base.setdefault(spec.share.base, []).append(spec)
    for period in (YEAR, MARCH):
        with SegmentBatch("40") as batch:
            for code, spec in computations().items():
                full = evaluate(spec, "40", period, places=places, segments=batch)
                stored = evaluate(spec, "40", period, places=places, segments=batch, commune_segments=False)
                assert pairs(stored) == pairs(full, communes_whole=True), code
            for shares in by_base.values():
                full = evaluate_shares(shares, "40", period, places=places, segments=batch)
                stored = evaluate_shares(shares, "40", period, places=places, segments=batch, commune_segments=False)
                for spec in shares:
                    assert pairs(stored[spec.code]) == pairs(full[spec.code], communes_whole=True), spec.code
    # Not vacuous: the communes, their EPCI and territories, and segments above the commune are all there.
    b1 = pairs(evaluate(computations()["B1"], "40", YEAR, places=places, commune_segments=False))
    assert (
        b1[(TerritoryLevel.COMMUNE, "40088", Dimension.ALL, "")]
        == b1[(TerritoryLevel.TERRITORY, str(world.t_dax.pk), Dimension.ALL, "")]
    )
    assert (TerritoryLevel.EPCI, "244000865", Dimension.SEX, "F") in b1
    assert (TerritoryLevel.COMMUNE, "40001", Dimension.ALL, "") in b1
    assert not [key for key in b1 if key[0] == TerritoryLevel.COMMUNE and key[2] != Dimension.ALL]


def test_the_transition_to_the_contrat_d_engagement(world):
    # J15: subject on the last day and oriented before 2025: D (2019), O (2020), P (2016); G's right closed on
    # 31/03/2025, so she is not subject on 31/03 nor on 31/12. None has a contrat d'engagement: 3 / 3.
    assert whole("J15", YEAR) == (3, 3, 1.0) and whole("J15", MARCH) == (3, 3, 1.0)
    # O signs his contrat d'engagement on 01/06/2025: still to sign on 31/03, signed on 31/12.
    Orientation.objects.filter(person=world.people["O"], ended_on=None).update(engagement_signed_on=D(2025, 6, 1))
    assert whole("J15", YEAR) == (2, 3, 2 / 3) and whole("J15", MARCH) == (3, 3, 1.0)
