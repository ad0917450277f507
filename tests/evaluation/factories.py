"""The Pyrénées-Atlantiques plan as the demo has it: the plan and its référentiel loaded from their files onto the
Département 64 with its Conseil départemental, its pilot and analyst, and the demo's frameworks, instance and
findings (`jalon.evaluation.demo.build_for`)."""

import copy
from datetime import date

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.evaluation import demo
from jalon.evaluation.loader import DATA_DIR, framework_load, read_framework
from jalon.observatory.services import catalogue_load
from jalon.programme.loader import DATA_DIR as PLAN_DIR
from jalon.programme.loader import load_file as load_plan
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import DepartementFactory


PA_CODE = "pyrenees-atlantiques-pdi-pti-2024-2028"
PA_FILE = DATA_DIR / f"{PA_CODE}-evaluation.yaml"
TODAY = date(2026, 12, 5)


def pa_data() -> dict:
    return copy.deepcopy(read_framework(PA_FILE))


def load_pa_plan():
    departement = DepartementFactory(code="64")
    cd = OrganisationFactory(name="Conseil départemental des Pyrénées-Atlantiques", kind="cd", departement=departement)
    catalogue_load()
    programme = load_plan(PLAN_DIR / f"{PA_CODE}.yaml").programme
    return programme, cd


def actor_of(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def pa_with_demo():
    """The plan, its référentiel and the demo's evaluation; returns (programme, pilot membership, analyst one)."""
    programme, cd = load_pa_plan()
    framework_load(data=pa_data())
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)
    analyst = MembershipFactory(role=Role.ANALYST, organisation=cd)
    demo.build_for(programme=programme, actor=actor_of(pilot), analyst=analyst.user, today=TODAY)
    programme.refresh_from_db()
    return programme, pilot, analyst
