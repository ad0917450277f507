"""Schemathesis against the API's own OpenAPI schema (served by the app), for three roles: every operation gets a
few generated requests — always the same ones (derandomized) — authenticated by the role's DRF token, against a
small demo Département. Issue 12: no server error, no answer outside the schema (body or status code)."""

import pytest
import schemathesis
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from jalon.demo import builder
from jalon.intake.models import ImportRun
from jalon.offer.referrals.models import Referral
from jalon.organisations.models import Membership
from jalon.orientation.models import EplMeeting, OrientationSession
from jalon.people.models import HouseholdMember, Person
from jalon.wsgi import application
from tests.api.factories import api_token_for
from tests.conftest import actor_for


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = 12  # per operation and role: about 10 s a role on a free machine


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo Département (30 households), built once for the module and rolled back after it; each test runs
    in its own savepoint inside, so what one role writes does not leak into the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_cog", "--departements", "40", verbosity=0)
        demo = builder.demo_build(departement_code="40", log=lambda _message: None, households=30)
        # Checked once here rather than again at every test's teardown (a savepoint inside this transaction).
        connection.check_constraints()
        yield demo
        transaction.set_rollback(True)


# Demo logins: a référent of a Département's territorial service (action sociale), a chargé d'orientation of
# the Département's platform, a professional of a partner association (an ACI).
ROLES = ["referent", "orientation", "partenaire"]


def _membership(user):
    """The membership the role's token acts as: its first one (a référent of the demo is also an orientation
    officer)."""
    return Membership.objects.filter(user=user, is_active=True).order_by("pk").first()


def _known_ids(membership) -> dict[str, list[int]]:
    """Ids of records the role may open, by path, so that detail and write operations also reach real records
    (generated ids mostly land on 404)."""
    persons = Person.objects.visible_to(actor_for(membership)).order_by("pk")
    departement = {"departement_id": membership.organisation.departement_id}
    return {
        "/api/v1/personnes/": list(persons.values_list("pk", flat=True)[:3]),
        "/api/v1/foyers/": list(
            HouseholdMember.objects.filter(person__in=persons[:3]).values_list("household_id", flat=True)
        ),
        "/api/v1/orientation/seances/": list(
            OrientationSession.objects.filter(**departement).values_list("pk", flat=True)[:2]
        ),
        "/api/v1/orientation/epl/": list(EplMeeting.objects.filter(**departement).values_list("pk", flat=True)[:2]),
        "/api/v1/offre/orientations/": list(Referral.objects.order_by("pk").values_list("pk", flat=True)[:2]),
        "/api/v1/imports/": list(ImportRun.objects.order_by("pk").values_list("pk", flat=True)[:1]),
    }


def _strategy(operation, known: dict[str, list[int]]):
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)
    for prefix, ids in known.items():
        if operation.path.startswith(prefix + "{id}"):
            for pk in ids:
                strategy |= operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"id": pk})
    return strategy


@pytest.mark.parametrize("login", ROLES)
def test_the_api_answers_every_generated_request_within_its_schema(demo, db, keep_connection, login):
    membership = _membership(demo.users[login])
    headers = {"Authorization": f"Bearer {api_token_for(membership)[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    known = _known_ids(membership)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        # Valid requests, invalid ones (out of range, wrong type, missing field: to be refused, never to crash),
        # and valid ones on records the role may open.
        @given(case=_strategy(operation, known))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except BaseException as error:  # noqa: BLE001  (Schemathesis raises an exception group)
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
