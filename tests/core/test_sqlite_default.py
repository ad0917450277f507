"""`make run`'s embedded default, checked for real: a fresh SQLite file is migrated, seeded and served."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from jalon.demo.builder import DEMO_PASSWORD


pytestmark = pytest.mark.sqlite

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, check=False, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_sqlite_default_migrates_seeds_and_serves_the_main_pages(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jalon.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'jalon.sqlite3'}",
        "DEBUG": "false",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_cog", "--departements", "40", "-v0")
    # `make run` seeds 8 500 households; 300 are enough to check that SQLite takes every step of the seed.
    printed = _manage(env, "seed_demo", "--households", "300")
    assert "admin@landes.demo.jalon.test" in printed
    # Re-running the seed is harmless.
    assert "admin@landes.demo.jalon.test" in _manage(env, "seed_demo", "--households", "300")

    port = _free_port()
    # As `make run` serves it: collected static files, gunicorn with several workers, no debug.
    _manage(env, "collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jalon.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                # gunicorn accepts connections before its workers have loaded the application: wait for them.
                if requests.get(f"{base}/sante/", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        else:
            pytest.fail(
                "Le serveur SQLite n'a pas démarré : " + (server.stderr.read() if server.poll() is not None else "")
            )

        session = requests.Session()
        login = session.get(f"{base}/compte/connexion/", timeout=10)
        assert login.status_code == 200
        response = session.post(
            f"{base}/compte/connexion/",
            data={
                "username": "admin@landes.demo.jalon.test",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/compte/connexion/"},
            timeout=10,
        )
        assert response.status_code == 200 and "Bonjour Hélène" in response.text
        for path, text in [
            ("/structures/", "CCAS de Dax"),
            ("/territoires/", "Territoire de Dax"),
            ("/journal/", "connexion"),
            ("/mentions-legales/", "Mentions légales"),
            ("/static/vendor/htmx/htmx.min.js", "htmx"),
        ]:
            page = session.get(base + path, timeout=10)
            assert page.status_code == 200, path
            assert text in page.text, path
        # A reader of the plan who does not manage its document bank: the bank is filtered by role (it once used a
        # JSON lookup SQLite does not have, and answered 500 here).
        manager = requests.Session()
        manager.get(f"{base}/compte/connexion/", timeout=10)
        manager.post(
            f"{base}/compte/connexion/",
            data={
                "username": "manager@landes.demo.jalon.test",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": manager.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/compte/connexion/"},
            timeout=10,
        )
        bank = manager.get(f"{base}/programme/landes-pti-2021-2025/animation/documents/", timeout=10)
        assert bank.status_code == 200 and "Compte rendu du forum" in bank.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the reloader and the server it runs
        server.wait(timeout=10)
        server.stderr.close()
