"""The daily reminders of the entered indicators: before the deadline and once late, one notification per owner
and period, never twice, none once the value is submitted."""

import datetime

import pytest
from django.core.management import call_command

from jalon.inbox.enums import NotificationKind
from jalon.inbox.models import Notification
from jalon.observatory.entered.models import EntryReminder, EntrySetup
from jalon.observatory.entered.services import entered_reminders_send, entered_value_save
from jalon.observatory.enums import PeriodKind, TerritoryLevel
from jalon.observatory.periods import Period
from tests.observatory.entered_fixtures import pdf


pytestmark = pytest.mark.django_db

# T1 2026 ends on 31 March; with 30 days its deadline is 30 April, its reminder (7 days before) from 23 April.
T1_2026 = Period(PeriodKind.QUARTER, datetime.date(2026, 1, 1))


@pytest.fixture
def only_t1(hours):
    EntrySetup.objects.filter(pk=hours.pk).update(starts_on=T1_2026.start)
    hours.refresh_from_db()
    return hours


def reminders():
    return sorted(
        (n.recipient_id, n.organisation_id, n.title)
        for n in Notification.objects.filter(kind=NotificationKind.ENTRY_DUE)
    )


def test_no_reminder_before_its_time(people, only_t1):
    assert entered_reminders_send(today=datetime.date(2026, 4, 22)) == {"sent": 0}
    assert not Notification.objects.exists()


def test_every_owner_is_reminded_once_before_the_deadline_and_once_when_late(people, only_t1):
    owners = sorted([people.partner.user_id, people.aci_admin.user_id])

    assert entered_reminders_send(today=datetime.date(2026, 4, 23)) == {"sent": 2}
    due = reminders()
    assert [r[0] for r in due] == owners and {r[1] for r in due} == {people.aci.pk}
    assert due[0][2] == "À saisir : L36, T1 2026, attendue au plus tard le 30/04/2026"
    # The next days, and on the deadline itself: nothing again.
    for day in (24, 30):
        assert entered_reminders_send(today=datetime.date(2026, 4, day)) == {"sent": 0}

    assert entered_reminders_send(today=datetime.date(2026, 5, 1)) == {"sent": 2}
    late = [r for r in reminders() if r[2].startswith("En retard")]
    assert [r[0] for r in late] == owners
    assert entered_reminders_send(today=datetime.date(2026, 5, 2)) == {"sent": 0}
    assert EntryReminder.objects.count() == 4


def test_a_submitted_value_stops_the_reminders(people, only_t1):
    entered_value_save(
        actor=people.actor("partner"),
        indicator=only_t1.indicator,
        period=T1_2026,
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code="40",
        value=5200,
        evidence=pdf(),
        submit=True,
        today=datetime.date(2026, 4, 20),
    )
    assert entered_reminders_send(today=datetime.date(2026, 5, 3)) == {"sent": 0}


def test_without_an_owner_organisation_the_pilots_are_reminded(people, only_t1):
    EntrySetup.objects.filter(pk=only_t1.pk).update(owner=None)
    entered_reminders_send(today=datetime.date(2026, 5, 1))
    assert sorted(r[0] for r in reminders()) == sorted([people.pilot.user_id, people.other_pilot.user_id])


def test_the_nightly_refresh_sends_them(people, only_t1):
    call_command("observatory_daily", "--date", "2026-05-01", verbosity=0)
    assert len(reminders()) == 2


def test_a_reminder_leads_to_the_form_while_its_reader_owns_the_indicator(people, only_t1):
    from jalon.inbox.targets import target_opens

    entered_reminders_send(today=datetime.date(2026, 5, 1))
    notification = Notification.objects.get(recipient=people.partner.user)
    assert target_opens(actor=people.actor("partner"), url=notification.url)
    EntrySetup.objects.filter(pk=only_t1.pk).update(owner=None)
    assert not target_opens(actor=people.actor("partner"), url=notification.url)
