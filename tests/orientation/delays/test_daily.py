import datetime

import pytest
from django.core.management import CommandError, call_command

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert
from tests.orientation.delays.conftest import on, person_in_path


pytestmark = pytest.mark.django_db


@pytest.fixture
def reminders(monkeypatch):
    """Record the calls to the sessions' daily reminders (they have their own tests)."""
    from jalon.orientation.sessions import services as sessions_services

    calls = []

    def fake(*, now=None):
        calls.append(now)
        return 3

    monkeypatch.setattr(sessions_services, "session_reminders_send", fake)
    return calls


def test_the_daily_command_raises_alerts_and_sends_the_reminders(capsys, landes, orientation_team, reminders):
    person = person_in_path(landes, requested=datetime.date(2026, 9, 1))
    with on(datetime.date(2026, 10, 5)):
        call_command("orientation_daily")
    assert set(DelayAlert.objects.filter(person=person).values_list("step", flat=True)) == {
        DelayStep.INVITATION,
        DelayStep.ORIENTATION,
    }
    assert len(reminders) == 1 and reminders[0].date() == datetime.date(2026, 10, 5)
    out = capsys.readouterr().out
    assert "05/10/2026 : 2 alerte(s) levée(s)" in out and "3 relance(s) envoyée(s)" in out
    assert AuditEvent.objects.get(code=AuditCode.ALERTS_RAISED).actor_label == "commande orientation_daily"


def test_the_command_replays_a_given_day(landes, orientation_team, reminders):
    person = person_in_path(landes, requested=datetime.date(2026, 9, 1))
    with on(datetime.date(2026, 12, 1)):
        call_command("orientation_daily", "--date", "2026-09-20", verbosity=0)
    # On 20 September only the invitation (15 days) is late, not yet the orientation (30 days).
    assert list(DelayAlert.objects.filter(person=person).values_list("step", flat=True)) == [DelayStep.INVITATION]
    assert reminders[0].date() == datetime.date(2026, 9, 20)
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("orientation_daily", "--date", "20/09/2026")


def test_the_background_task_runs_the_same(landes, orientation_team, reminders):
    from jalon.orientation.delays.tasks import orientation_daily_task

    person_in_path(landes, requested=datetime.date(2026, 9, 1))
    with on(datetime.date(2026, 10, 5)):
        result = orientation_daily_task.enqueue()  # the test settings run tasks immediately
    assert result.return_value == {"raised": 2, "closed": 0, "reminders": 3}
    assert AuditEvent.objects.get(code=AuditCode.ALERTS_RAISED).actor_label == "tâche orientation_daily"


def test_the_real_reminders_run_with_the_command(landes, orientation_team):
    # Without the stub: the sessions' own daily reminders answer (nothing to remind here).
    with on(datetime.date(2026, 10, 5)):
        call_command("orientation_daily", verbosity=0)
    assert AuditEvent.objects.filter(code=AuditCode.ALERTS_RAISED).count() == 1


def _analyze_count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        # The statistics views are read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("threshold, analyzed", [(2, True), (3, False)])
def test_a_run_that_writes_many_alerts_refreshes_their_statistics(
    landes, orientation_team, reminders, monkeypatch, threshold, analyzed
):
    # Right after a large run, the alerts screen was planned on stale row counts (ten times slower).
    from django.db import connection

    from jalon.core import bulk

    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", threshold)
    person_in_path(landes, requested=datetime.date(2026, 9, 1))
    before = _analyze_count(DelayAlert._meta.db_table)
    with on(datetime.date(2026, 10, 5)):
        call_command("orientation_daily", verbosity=0)  # two alerts
    assert (_analyze_count(DelayAlert._meta.db_table) > before) is analyzed
