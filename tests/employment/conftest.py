import datetime
from dataclasses import dataclass

import pytest

from jalon.core.enums import Role
from jalon.employment.services import job_offer_publish
from jalon.exits.models import ExitType
from jalon.exits.services import exit_typology_default_create
from jalon.notebook.enums import FreinStatus
from jalon.notebook.models import (
    FreinCategory,
    Notebook,
    NotebookFrein,
    ProfessionalProject,
    RomeAppellation,
    RomeCode,
)
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


TODAY = datetime.date(2026, 12, 1)
ORIENTED_ON = datetime.date(2026, 1, 5)
SIRET = "73282932000074"


@dataclass
class World:
    departement: object
    cd: object
    agency: object
    referent: object  # membership (France Travail agency)
    cd_admin: object  # membership
    outsider: object  # a référent of an association that follows nobody here
    person: object  # Léa, whose project is « Cariste », lives in Mont-de-Marsan
    mdm: object
    dax: object
    aire: object
    cariste: object
    magasinier: object
    aide_soignant: object
    n1103: object

    @property
    def actor(self):
        return actor_for(self.referent)

    def type(self, code: str) -> ExitType:
        return ExitType.objects.get(departement=self.departement, code=code)

    def offer(self, **overrides):
        values = dict(
            employer_name="Conserverie Lafitte",
            employer_siret=SIRET,
            employer_commune=self.mdm,
            appellation=self.cariste,
            contract="cdi",
            weekly_hours=35,
            commune=self.dax,
            published_on=datetime.date(2026, 11, 2),
            fill_by=datetime.date(2026, 12, 31),
            positions=1,
        )
        values.update(overrides)
        actor = values.pop("actor", actor_for(self.cd_admin))
        return job_offer_publish(actor=actor, today=TODAY, **values)


def followed_person(world_parts, *, commune, project=None, rome=None, mobility_km=None, **names):
    departement, agency, referent = world_parts
    person = PersonFactory(departement=departement, commune=commune, **names)
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=ORIENTED_ON,
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=ORIENTED_ON
    )
    notebook = Notebook.objects.create(person=person)
    if project is not None or rome is not None:
        ProfessionalProject.objects.create(
            notebook=notebook, appellation=project, rome=rome, mobility_km=mobility_km, contract_types=["cdi"]
        )
    return person


@pytest.fixture
def world(db):
    landes = DepartementFactory(code="40")
    exit_typology_default_create(departement=landes)
    mdm = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes, latitude=43.8902, longitude=-0.4999)
    dax = CommuneFactory(code="40088", name="Dax", departement=landes, latitude=43.7102, longitude=-1.0536)
    aire = CommuneFactory(
        code="40001", name="Aire-sur-l'Adour", departement=landes, latitude=43.7020, longitude=-0.2630
    )
    n1103 = RomeCode.objects.create(code="N1103", label="Magasinage et préparation de commandes")
    j1501 = RomeCode.objects.create(code="J1501", label="Soins d'hygiène, de confort du patient")
    cariste = RomeAppellation.objects.create(code="11111", label="Cariste", normalized_label="cariste", rome=n1103)
    magasinier = RomeAppellation.objects.create(
        code="22222", label="Magasinier / Magasinière", normalized_label="magasinier magasiniere", rome=n1103
    )
    aide_soignant = RomeAppellation.objects.create(
        code="33333", label="Aide-soignant", normalized_label="aide soignant", rome=j1501
    )
    cd = OrganisationFactory(kind="cd", departement=landes, name="Département des Landes")
    agency = OrganisationFactory(kind="france_travail", departement=landes, name="France Travail Dax")
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    cd_admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd)
    outsider = MembershipFactory(
        role=Role.REFERENT, organisation__kind="association", organisation__departement=landes
    )
    person = followed_person(
        (landes, agency, referent), commune=mdm, project=cariste, mobility_km=30, first_name="Léa", last_name="Durand"
    )
    NotebookFrein.objects.create(
        notebook=person.notebook, category=FreinCategory.objects.get(code="mobilite"), status=FreinStatus.NEED
    )
    return World(
        departement=landes,
        cd=cd,
        agency=agency,
        referent=referent,
        cd_admin=cd_admin,
        outsider=outsider,
        person=person,
        mdm=mdm,
        dax=dax,
        aire=aire,
        cariste=cariste,
        magasinier=magasinier,
        aide_soignant=aide_soignant,
        n1103=n1103,
    )
