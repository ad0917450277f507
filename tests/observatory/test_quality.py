"""The data-quality panel on a small population built by hand (today: 01/06/2026); each count is written by hand
with the persons it counts.

- S1 (Mont-de-Marsan): subject since 2024, NIR, DSP complete, oriented 2024 with a référent, CER signed, in force.
- S2 (Mont-de-Marsan): subject, no NIR, no DSP, oriented 01/04/2026 but no référent designated (as an imported
  orientation); a CER begun 01/04 unsigned.
- S3 (Dax): subject, NIR, DSP begun, born in 2015, oriented 20/05/2026, her référent's membership since deactivated
  (12 days: not late yet).
- S4 (no commune): subject since 01/03/2025 (more than a year), NIR, never oriented.
- S5 (Mont-de-Marsan): subject since 01/01/2026, NIR, not oriented; a CER begun 25/05 unsigned (7 days).
- C1 (Mont-de-Marsan): right closed 01/03/2026, a CER in force until 31/12/2026.
- C2 (Mont-de-Marsan): right closed 01/03/2026, a carnet with only a cancelled appointment to come."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.enums import ImportKind, ImportStatus
from jalon.intake.models import ImportRun, SocioProfessionalData
from jalon.notebook.models import Appointment, Contract, ContractType, Notebook
from jalon.observatory import quality
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.enums import RightState
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.orientation.delays.conftest import PARIS
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=PARIS)


class World:
    pass


@pytest.fixture
def world():
    w = World()
    landes = DepartementFactory(code="40")
    mdm = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes)
    dax = CommuneFactory(code="40088", name="Dax", departement=landes)
    t_mdm = TerritoryFactory(departement=landes, name="MdM")
    t_mdm.communes.set([mdm])
    TerritoryFactory(departement=landes, name="Dax").communes.set([dax])
    w.cd = cd = OrganisationFactory(kind="cd", departement=landes, name="CD")
    w.admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd)
    w.analyst = MembershipFactory(role=Role.ANALYST, organisation=cd)
    w.manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=cd)
    w.manager.territories.set([t_mdm])
    w.referent_member = MembershipFactory(role=Role.REFERENT, organisation=cd)
    referent = w.referent_member.user
    cer = ContractType.objects.create(departement=landes, code="cer", name="CER")
    nirs = iter(f"18501401920{n:02d}" for n in range(10, 99))

    def person(name, commune, opened, closed=None, nir=True, **extra):
        p = PersonFactory(
            departement=landes, commune=commune, last_name=name, nir=next(nirs) if nir else None, **extra
        )
        member = HouseholdMemberFactory(person=p, household__departement=landes, subject_to_rights_and_duties=True)
        RsaRightFactory(
            household=member.household,
            state=RightState.CLOSED if closed else RightState.OPEN,
            opening_date=opened,
            closure_date=closed,
        )
        return p

    def orient(p, day, designated, by=None):
        by = by or w.referent_member
        Orientation.objects.create(
            person=p, orientation_type=OrientationType.SOCIAL, organisation=cd, referent=by.user, decided_on=day
        )
        if designated:
            ReferentAssignment.objects.create(person=p, referent=by.user, organisation=cd, started_on=day)

    def contract(p, start, end, signed):
        notebook, _ = Notebook.objects.get_or_create(person=p)
        Contract.objects.create(
            notebook=notebook, contract_type=cer, starts_on=start, ends_on=end, signed_on=signed, organisation=cd
        )

    w.s1 = s1 = person("UN", mdm, D(2024, 1, 1))
    SocioProfessionalData.objects.create(
        person=s1,
        professional_situation="sans_emploi",
        education_level="V",
        driving_licence="b",
        has_vehicle=True,
        declared_obstacles=[],
        project="Cariste.",
    )
    orient(s1, D(2024, 2, 1), True)
    contract(s1, D(2026, 1, 1), D(2026, 12, 31), D(2026, 1, 1))
    w.s2 = s2 = person("DEUX", mdm, D(2025, 6, 1), nir=False)
    orient(s2, D(2026, 4, 1), False)
    contract(s2, D(2026, 4, 1), D(2026, 9, 30), None)
    w.s3 = s3 = person("TROIS", dax, D(2025, 1, 1), birth_date=D(2015, 1, 1))
    SocioProfessionalData.objects.create(person=s3, project="À préciser.")
    gone = MembershipFactory(role=Role.REFERENT, organisation=cd)
    orient(s3, D(2026, 5, 20), True, by=gone)
    gone.is_active = False
    gone.save()
    w.s4 = person("QUATRE", None, D(2025, 3, 1))
    w.s5 = s5 = person("CINQ", mdm, D(2026, 1, 1))
    contract(s5, D(2026, 5, 25), D(2026, 11, 24), None)
    w.c1 = c1 = person("CLOS", mdm, D(2023, 1, 1), closed=D(2026, 3, 1))
    contract(c1, D(2026, 1, 1), D(2026, 12, 31), D(2026, 1, 1))
    c2 = person("CLOSAUSSI", mdm, D(2023, 1, 1), closed=D(2026, 3, 1))
    soon = datetime.datetime(2026, 6, 10, 10, tzinfo=PARIS)
    Appointment.objects.create(
        notebook=Notebook.objects.create(person=c2),
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
        professional=referent,
        organisation=cd,
        cancelled_at=NOW,
    )
    ImportRun.objects.create(
        kind=ImportKind.CAF_FLUX,
        departement=landes,
        file_name="flux.xml",
        status=ImportStatus.DONE,
        finished_at=datetime.datetime(2026, 4, 20, 3, tzinfo=PARIS),
    )
    ImportRun.objects.create(
        kind=ImportKind.CAF_FLUX, departement=landes, file_name="x.xml", status=ImportStatus.FAILED
    )
    return w


def counts(membership):
    return {
        row.check.code: (row.to_fix, row.population) for row in quality.checks_summary(actor_for(membership), TODAY)
    }


def test_the_counts_of_each_check(world):
    assert counts(world.admin) == {
        # Subject today: S1, S2, S3, S4, S5 (C1 and C2's rights are closed).
        "nir": (1, 5),  # S2
        "naissance": (1, 5),  # S3, 11 years old
        "commune": (1, 5),  # S4
        "dsp": (4, 5),  # all but S1 (S3's is begun, not complete)
        # Oriented today: S1, S2, S3; no référent: S2, S3.
        "referent": (2, 3),
        # A contract begun: S1, S2, S5, C1; unsigned: S2, S5.
        "signature": (2, 4),
        "orientation-sans-referent": (1, 3),  # S2 (61 days); S3 only 12 days
        "contrat-non-signe": (1, 4),  # S2 (61 days); S5 only 7 days
        "sdd-sans-orientation": (1, 5),  # S4 (S5's right is five months old)
        # Active carnets: S1, S2, S5 (contracts in force), C1; C2's only appointment is cancelled.
        "droit-clos-carnet-actif": (1, 4),  # C1
    }


def test_a_territory_manager_counts_his_territories_only(world):
    found = counts(world.manager)
    # Mont-de-Marsan: S1, S2, S5 subject; S2 without NIR; nobody without commune there.
    assert found["nir"] == (1, 3) and found["commune"] == (0, 3)
    assert found["droit-clos-carnet-actif"] == (1, 4)  # S1, S2, S5, C1 all live in Mont-de-Marsan


def test_imports_freshness(world):
    [flux, spreadsheet] = quality.imports_freshness(actor_for(world.analyst), NOW)
    # Last flux 20/04 03:00 → 01/06 12:00: 42 days, more than 35; the failure (created now, after it) is shown.
    assert (flux.age_days, flux.stale) == (42, True) and flux.last_failed is not None
    assert spreadsheet.last_done is None and not spreadsheet.stale


@time_machine.travel(NOW)
def test_the_panel_links_to_a_list_audited_and_exported(world, login_as):
    client = login_as(world.analyst)
    page = client.get(reverse("observatory:quality")).content.decode()
    url = reverse("observatory:quality_list", args=["orientation-sans-referent"])
    assert f'href="{url}"' in page
    listing = client.get(url).content.decode()
    assert "DEUX" in listing and "01/04/2026" in listing and "TROIS" not in listing
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).latest("pk")
    assert event.data["persons"] == [world.s2.pk]
    response = client.get(reverse("observatory:quality_list_csv", args=["orientation-sans-referent"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][-1] == "Orientée le" and rows[1][0] == "DEUX" and rows[1][-1] == "01/04/2026"
    export = AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED).latest("pk")
    assert export.data["persons"] == [world.s2.pk] and export.data["check"] == "orientation-sans-referent"


@time_machine.travel(NOW)
def test_lists_are_scoped_and_closed_to_others(world, login_as):
    # The Mont-de-Marsan manager does not see S4 (no commune), nor anyone of Dax.
    listing = login_as(world.manager).get(reverse("observatory:quality_list", args=["sdd-sans-orientation"]))
    assert "QUATRE" not in listing.content.decode()
    assert login_as(world.analyst).get(reverse("observatory:quality_list", args=["inconnu"])).status_code == 404
    assert login_as(world.referent_member).get(reverse("observatory:quality")).status_code == 404
