"""The France Travail simulator, started as a real process on a free port (never a mock object): one process per
failure mode, started when a test first asks for it and stopped at the end of the session."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


FIXTURES = Path(__file__).resolve().parents[2] / "jalon" / "francetravail" / "fixtures" / "simulator.json"
# The fixture file's first record (registered, guided accompaniment) and second (registration ended, no follow-up).
JULIE = {"nir": "185057800608436", "birth_date": "1985-05-12"}
KARIM = {"nir": "290024011200123", "birth_date": "1990-02-20"}
SLOW_DELAY = 2.0  # seconds the slow simulator waits; the tests' client gives up well before
CLIENT_TIMEOUT = 0.5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le simulateur s'est arrêté : {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("le simulateur ne répond pas")


class Simulator:
    def __init__(self, port: int):
        self.port = port
        self.root = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.root}/partenaire"
        self.token_url = f"{self.root}/connexion/oauth2/access_token"

    def requests_received(self) -> list[str]:
        return requests.get(f"{self.root}/_simulateur/requetes", timeout=2).json()["requetes"]

    def attendances_received(self) -> list[dict]:
        return requests.get(f"{self.root}/_simulateur/presences", timeout=2).json()["presences"]


@pytest.fixture(scope="session")
def simulator_factory(tmp_path_factory):
    processes: dict[str, tuple[subprocess.Popen, Simulator]] = {}
    data = tmp_path_factory.mktemp("francetravail") / "usagers.json"
    data.write_text(json.dumps(json.loads(FIXTURES.read_text(encoding="utf-8"))), encoding="utf-8")

    def start(mode: str = "normal") -> Simulator:
        if mode not in processes:
            port = _free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jalon.francetravail.simulator",
                    "--port",
                    str(port),
                    "--data",
                    str(data),
                    "--mode",
                    mode,
                    "--delay",
                    str(SLOW_DELAY),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _wait_until_listening(port, process)
            processes[mode] = (process, Simulator(port))
        return processes[mode][1]

    yield start
    for process, _ in processes.values():
        process.terminate()
        process.wait(timeout=5)
        process.stderr.close()


@pytest.fixture
def simulator(simulator_factory):
    """The simulator answering normally (shared by the session: tests read what it received as a difference)."""
    return simulator_factory("normal")


@pytest.fixture
def connected(settings, simulator):
    """Jalon pointed at the simulator, as a Département points it at the real service."""
    settings.FRANCE_TRAVAIL_API_URL = simulator.api_url
    settings.FRANCE_TRAVAIL_TOKEN_URL = simulator.token_url
    settings.FRANCE_TRAVAIL_CLIENT_ID = "jalon-test"
    settings.FRANCE_TRAVAIL_CLIENT_SECRET = "secret"  # noqa: S105
    settings.FRANCE_TRAVAIL_TIMEOUT = CLIENT_TIMEOUT
    settings.FRANCE_TRAVAIL_RETRIES = 2
    return simulator
