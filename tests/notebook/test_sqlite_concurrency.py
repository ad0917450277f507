"""Two simultaneous saves of one carnet on the demo's SQLite database: the second gets the carnet's conflict
message, never « database is locked ». Run in a subprocess on a SQLite file, as `make run` serves it."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings


pytestmark = pytest.mark.sqlite

SCRIPT = textwrap.dedent(
    """
    import threading

    import django

    django.setup()

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import OperationalError, connection, transaction

    from jalon.notebook.models import Notebook
    from jalon.notebook.services import notebook_touch
    from tests.people.factories import PersonFactory


    def two_saves(mode):
        notebook = Notebook.objects.create(person=PersonFactory())
        first_wrote, second_started = threading.Event(), threading.Event()
        outcomes = {}

        def first():
            # The first save holds its transaction open until the second one has begun.
            try:
                with transaction.atomic():
                    notebook_touch(notebook=Notebook.objects.get(pk=notebook.pk), expected_version=1)
                    first_wrote.set()
                    second_started.wait(10)
                    threading.Event().wait(0.3)  # leave the second save time to reach the lock
                outcomes["first"] = "saved"
            except Exception as error:
                outcomes["first"] = repr(error)
                first_wrote.set()
            finally:
                connection.close()

        def second():
            first_wrote.wait(10)
            try:
                second_started.set()
                with transaction.atomic():
                    loaded = Notebook.objects.get(pk=notebook.pk)  # read before writing, as a view does
                    notebook_touch(notebook=loaded, expected_version=1)
                outcomes["second"] = "saved"
            except ValidationError as error:
                cause = "lock" if isinstance(error.__cause__, OperationalError) else "version"
                outcomes["second"] = f"conflict ({cause}): " + " ".join(error.messages)
            except Exception as error:
                outcomes["second"] = repr(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        version = Notebook.objects.get(pk=notebook.pk).version
        print(f"{mode}|{outcomes['first']}|{outcomes['second']}|{version}")


    call_command("migrate", "--noinput", "-v0")
    print("mode|" + settings.DATABASES["default"]["OPTIONS"].get("transaction_mode", "DEFERRED"))
    two_saves("configured")
    # As if the settings had not chosen IMMEDIATE: the lock error itself must become the conflict message.
    settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = "DEFERRED"
    connection.close()
    two_saves("deferred")
    """
)


@pytest.fixture(scope="module")
def two_saves(tmp_path_factory) -> dict[str, list[str]]:
    tmp_path = tmp_path_factory.mktemp("sqlite")
    script = tmp_path / "two_saves.py"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jalon.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'jalon.sqlite3'}",
        "DEBUG": "false",
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
    }
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line.split("|") for line in result.stdout.splitlines() if "|" in line]
    return {line[0]: line[1:] for line in lines}


CONFLICT = "Ce carnet a été modifié par quelqu'un d'autre"


def test_the_demo_database_makes_the_second_save_wait_then_meet_the_version_check(two_saves):
    assert two_saves["mode"] == ["IMMEDIATE"]
    first, second, version = two_saves["configured"]
    assert first == "saved"
    assert second.startswith(f"conflict (version): {CONFLICT}"), second
    assert version == "2"


def test_a_locked_database_gives_the_carnets_conflict_message_not_an_error(two_saves):
    first, second, version = two_saves["deferred"]
    assert first == "saved"
    assert second.startswith(f"conflict (lock): {CONFLICT}"), second
    assert version == "2"
