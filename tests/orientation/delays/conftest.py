import datetime
import zoneinfo

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment
from jalon.people.enums import RightState
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def on(day: datetime.date):
    """Freeze the clock at 10:00 (Paris) on the day."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=PARIS), tick=False)


def person_in_path(departement, *, requested=datetime.date(2026, 9, 1), commune=None, state=RightState.OPEN, **kw):
    """A person subject to rights and duties, in a household whose right is open and was requested on `requested`."""
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=departement, commune=commune, **kw),
        household__departement=departement,
        subject_to_rights_and_duties=True,
    )
    RsaRightFactory(household=member.household, state=state, request_date=requested)
    return member.person


def orient(person, *, organisation, referent, decided_on, orientation_type=OrientationType.SOCIAL, **fields):
    """A current orientation and its référent, written directly (the decision screen is tested elsewhere)."""
    orientation = Orientation.objects.create(
        person=person,
        orientation_type=orientation_type,
        organisation=organisation,
        referent=referent,
        decided_on=decided_on,
        **fields,
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent, organisation=organisation, started_on=decided_on
    )
    return orientation


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def communes(landes):
    return {
        "mdm": CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes),
        "dax": CommuneFactory(code="40088", name="Dax", departement=landes),
        "other": CommuneFactory(code="40001", name="Aire-sur-l'Adour", departement=landes),
    }


@pytest.fixture
def territories(landes, communes):
    mdm = TerritoryFactory(departement=landes, name="Territoire de Mont-de-Marsan")
    mdm.communes.set([communes["mdm"]])
    dax = TerritoryFactory(departement=landes, name="Territoire de Dax")
    dax.communes.set([communes["dax"]])
    return {"mdm": mdm, "dax": dax}


@pytest.fixture
def orientation_team(landes):
    """The Département's orientation platform with one chargé d'orientation."""
    return MembershipFactory(
        role=Role.ORIENTATION_OFFICER,
        organisation__kind="cd",
        organisation__name="Plateforme d'orientation",
        organisation__departement=landes,
        user__first_name="Karim",
    )


@pytest.fixture
def france_travail(landes):
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency, user__first_name="Julien")
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)
    return agency, referent, dispositif


@pytest.fixture
def cd_admin(landes, orientation_team):
    return MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes, organisation__name="CD"
    )
