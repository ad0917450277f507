"""Schemathesis against the API's own OpenAPI schema (served by the app), for three roles: every operation gets a
few generated requests — always the same ones (derandomized) — authenticated by the role's DRF token, against a
small demo Département. Issue 12: no server error, no answer outside the schema (body or status code)."""

import time

import pytest
import schemathesis
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from jalon.demo import builder
from jalon.wsgi import application


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = 8  # per operation, role and mode: the whole test stays around a minute


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo Département (30 households), built once for the module and rolled back after it; each test runs
    in its own savepoint inside, so what one role writes does not leak into the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_cog", "--departements", "40", verbosity=0)
        yield builder.demo_build(departement_code="40", log=lambda _message: None, households=30)
        transaction.set_rollback(True)


# Demo logins: a référent of a Département's territorial service (action sociale), a chargé d'orientation of
# the Département's platform, a professional of a partner association (an ACI).
ROLES = ["referent", "orientation", "partenaire"]


@pytest.mark.parametrize("login", ROLES)
def test_the_api_answers_every_generated_request_within_its_schema(demo, db, keep_connection, login):
    token = Token.objects.get_or_create(user=demo.users[login])[0].key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        # Valid requests and invalid ones (out of range, wrong type, missing field): the latter must be refused
        # (400/404), never crash.
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        started = time.monotonic()
        try:
            check()
        except BaseException as error:  # noqa: BLE001  (Schemathesis raises an exception group)
            failures.append(f"{operation.label}: {error}")
        print(f"{time.monotonic() - started:6.2f} {operation.label}")
    assert not failures, "\n\n".join(failures)
