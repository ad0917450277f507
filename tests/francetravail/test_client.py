"""The client against the simulator started as a process: found, unknown, mismatch refused, down, slow, 5xx."""

from datetime import UTC, date, datetime

import pytest

from jalon.francetravail.client import FranceTravailClient, FranceTravailError
from tests.francetravail.conftest import CLIENT_TIMEOUT, JULIE, KARIM


def _client(sim, **options) -> FranceTravailClient:
    return FranceTravailClient(
        base_url=sim.api_url,
        token_url=sim.token_url,
        client_id="jalon-test",
        client_secret="secret",  # noqa: S106
        timeout=options.pop("timeout", CLIENT_TIMEOUT),
        retries=options.pop("retries", 2),
    )


def _birth(person) -> date:
    return date.fromisoformat(person["birth_date"])


def test_a_registered_person_is_found_with_registration_and_accompaniment(simulator):
    situation = _client(simulator).situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert situation.registration.registered is True
    assert situation.registration.registered_on == date(2024, 2, 5)
    assert situation.registration.category == "1"
    assert situation.accompaniment.mode == "GUIDE"
    assert situation.accompaniment.agency_name == "France Travail Mont-de-Marsan"


def test_a_closed_registration_without_accompaniment(simulator):
    situation = _client(simulator).situation(nir=KARIM["nir"], birth_date=_birth(KARIM))

    assert situation.registration.registered is False
    assert situation.registration.ended_on == date(2024, 11, 30)
    assert situation.accompaniment is None


def test_the_nir_may_be_given_with_its_key_or_without(simulator):
    situation = _client(simulator).situation(nir=JULIE["nir"][:13], birth_date=_birth(JULIE))

    assert situation.registration.registered is True


def test_an_unknown_person_is_a_clear_french_error(simulator):
    with pytest.raises(FranceTravailError) as raised:
        # The right NIR with another birth date: France Travail finds nobody.
        _client(simulator).situation(nir=JULIE["nir"], birth_date=date(1985, 5, 13))

    assert raised.value.kind == FranceTravailError.UNKNOWN_PERSON
    assert "Aucun dossier France Travail" in raised.value.message
    assert raised.value.transient is False


def test_an_answer_about_someone_else_is_refused(simulator_factory):
    with pytest.raises(FranceTravailError) as raised:
        _client(simulator_factory("mismatch")).situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert raised.value.kind == FranceTravailError.MISMATCH
    assert "ne correspond pas à cette personne" in raised.value.message


def test_a_service_down_is_unreachable_after_the_bounded_retry(simulator_factory):
    down = simulator_factory("down")
    with pytest.raises(FranceTravailError) as raised:
        _client(down).situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert raised.value.kind == FranceTravailError.UNREACHABLE
    assert "injoignable" in raised.value.message
    assert "Réessayez plus tard" in raised.value.message
    assert raised.value.transient is True


def test_nothing_listening_is_unreachable(simulator_factory):
    stopped = simulator_factory("normal")
    client = _client(stopped)
    client.base_url = "http://127.0.0.1:9/partenaire"  # the discard port: nothing answers there
    client.token_url = "http://127.0.0.1:9/connexion/oauth2/access_token"

    with pytest.raises(FranceTravailError) as raised:
        client.situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert raised.value.kind == FranceTravailError.UNREACHABLE


def test_a_slow_service_times_out_with_a_clear_message(simulator_factory):
    slow = simulator_factory("slow")
    with pytest.raises(FranceTravailError) as raised:
        _client(slow).situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert raised.value.kind == FranceTravailError.SLOW
    assert f"dans le délai ({CLIENT_TIMEOUT:g} s)" in raised.value.message


def test_a_server_error_is_retried_a_bounded_number_of_times_then_fails(simulator_factory):
    failing = simulator_factory("error")
    before = len(failing.requests_received())

    with pytest.raises(FranceTravailError) as raised:
        _client(failing, retries=2).situation(nir=JULIE["nir"], birth_date=_birth(JULIE))

    assert raised.value.kind == FranceTravailError.SERVER
    assert "code 503" in raised.value.message
    # The token request, tried once and retried twice: three calls, then the client gives up.
    assert len(failing.requests_received()) - before == 3


def test_the_attendance_push_is_idempotent_on_the_appointment(simulator):
    client = _client(simulator)
    starts_at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    first = client.attendance_push(
        nir=JULIE["nir"], birth_date=_birth(JULIE), appointment_id=910001, starts_at=starts_at, attendance="excuse"
    )
    again = client.attendance_push(
        nir=JULIE["nir"], birth_date=_birth(JULIE), appointment_id=910001, starts_at=starts_at, attendance="excuse"
    )

    assert first == again
    received = [item for item in simulator.attendances_received() if item["idRendezVousPartenaire"] == "910001"]
    assert [item["presence"] for item in received] == ["EXCUSE"]
