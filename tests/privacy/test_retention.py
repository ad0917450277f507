import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.core.services import audit_event_record
from jalon.messaging.models import Message
from jalon.notebook.models import Contact, Notebook, PersonAccessCode
from jalon.people.enums import ChangeKind, RightState
from jalon.people.models import ChangeEvent, Person
from jalon.privacy.retention import last_contact
from jalon.privacy.services import audit_events_purge
from jalon.privacy.tasks import privacy_daily_task
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory


PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def daily(day: str) -> str:
    out = StringIO()
    call_command("privacy_daily", "--date", day, stdout=out)
    return out.getvalue()


@pytest.fixture
def followed():
    """A person known since 2024 whose last contact with a professional is on 4 December 2024."""
    with time_machine.travel(at(2024, 3, 1), tick=False):
        person = PersonFactory(nir="2850540192123", phone="+33612345678", email="ines@exemple.fr", address="1 rue")
        notebook = Notebook.objects.create(person=person)
        Message.objects.create(person=person, channel="sms", kind="other", subject="Rendez-vous", body="Bonjour Inès")
        PersonAccessCode.objects.create(person=person, channel="sms", code_hash="x", expires_at=at(2024, 3, 2))
    Notebook.objects.filter(pk=notebook.pk).update(last_activity_at=at(2024, 3, 1))
    Contact.objects.create(
        notebook=notebook, occurred_on=datetime.date(2024, 12, 4), kind="phone", summary="Inès va mieux."
    )
    return person


def test_last_contact_is_the_latest_trace(followed):
    assert last_contact(followed) == (datetime.date(2024, 12, 4), "contact")


def test_a_file_is_anonymised_on_the_day_its_retention_period_ends(followed):
    assert daily("2026-12-03").startswith("03/12/2026 : 0 dossier(s) sans contact depuis le 03/12/2024")
    followed.refresh_from_db()
    assert followed.anonymised_on is None and followed.last_name != "ANONYME"

    assert daily("2026-12-04").startswith("04/12/2026 : 1 dossier(s)")
    followed.refresh_from_db()
    assert followed.anonymised_on == datetime.date(2026, 12, 4)
    assert (followed.last_name, followed.first_name, followed.phone, followed.email, followed.address) == (
        "ANONYME",
        "",
        "",
        "",
        "",
    )
    assert followed.nir == "" and followed.nir_hash == ""
    assert followed.birth_date.month == 7 and followed.birth_date.day == 1
    # The rows the figures count stay; the free text about the person goes.
    contact = Contact.objects.get(notebook__person=followed)
    assert contact.summary == "" and contact.kind == "phone"
    message = Message.objects.get(person=followed)
    assert (message.body, message.subject, message.recipient, message.channel) == ("", "", "", "sms")
    assert not PersonAccessCode.objects.filter(person=followed).exists()
    event = AuditEvent.objects.get(code=AuditCode.PERSON_ANONYMISED)
    assert event.person_id == followed.pk and event.data["last_contact_on"] == "2024-12-04"


def test_the_daily_run_is_idempotent(followed):
    daily("2026-12-04")
    audit_events = AuditEvent.objects.count()
    assert daily("2026-12-04").startswith("04/12/2026 : 0 dossier(s)")
    assert privacy_daily_task.enqueue(day="2026-12-05").return_value["anonymised"] == 0
    assert AuditEvent.objects.count() == audit_events


def test_a_trace_after_the_cut_off_day_keeps_the_file(followed):
    # Late on the cut-off day (local time) still expires; just after midnight does not.
    ChangeEvent.objects.create(person=followed, kind=ChangeKind.STATE_CHANGED, occurred_at=at(2024, 12, 4, 23, 30))
    daily("2026-12-04")
    assert Person.objects.get(pk=followed.pk).anonymised_on is not None

    other = PersonFactory()
    Person.objects.filter(pk=other.pk).update(created_at=at(2024, 1, 1))
    ChangeEvent.objects.create(person=other, kind=ChangeKind.STATE_CHANGED, occurred_at=at(2024, 12, 5, 0, 10))
    daily("2026-12-04")
    assert Person.objects.get(pk=other.pk).anonymised_on is None


def test_an_open_right_protects_the_person_however_old_the_last_contact(followed):
    member = HouseholdMemberFactory(person=followed)
    right = RsaRightFactory(household=member.household, state=RightState.OPEN)
    ChangeEvent.objects.filter(household=member.household).update(occurred_at=at(2024, 1, 1))
    daily("2030-01-01")
    assert Person.objects.get(pk=followed.pk).anonymised_on is None

    right.state = RightState.CLOSED
    right.save()
    daily("2030-01-01")
    followed.refresh_from_db()
    assert followed.anonymised_on == datetime.date(2030, 1, 1)
    # Its last member gone, the household loses its matricule and address too.
    member.household.refresh_from_db()
    assert member.household.matricule == f"ANON-{member.household.pk}"


def test_an_anonymised_file_is_no_longer_shown(followed, login_as):
    admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=followed.departement
    )
    client = login_as(admin)
    assert client.get(f"/personnes/{followed.pk}/").status_code == 200
    daily("2026-12-04")
    assert client.get(f"/personnes/{followed.pk}/").status_code == 404
    # Earlier events about the person no longer carry their name.
    viewed = AuditEvent.objects.get(person_id=followed.pk, code=AuditCode.PERSON_VIEWED)
    assert viewed.subject_label == "" and viewed.data == {}


def _event(code, when):
    with time_machine.travel(when, tick=False):
        return audit_event_record(code=code).pk


def test_audit_events_are_purged_past_their_retention(settings):
    settings.JALON_AUDIT_READ_RETENTION_MONTHS = 12
    settings.JALON_AUDIT_WRITE_RETENTION_MONTHS = 36
    read_expired = _event(AuditCode.PERSON_VIEWED, at(2025, 12, 4, 23, 0))
    read_kept = _event(AuditCode.PERSON_VIEWED, at(2025, 12, 5, 8, 0))
    login_expired = _event(AuditCode.LOGIN, at(2025, 1, 1))
    write_kept = _event(AuditCode.ORIENTATION_DECIDED, at(2025, 1, 1))
    write_expired = _event(AuditCode.ORIENTATION_DECIDED, at(2023, 12, 4))

    assert audit_events_purge(today=datetime.date(2026, 12, 4)) == {"reads": 2, "writes": 1}
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert {read_kept, write_kept} <= remaining
    assert not {read_expired, login_expired, write_expired} & remaining
    purge = AuditEvent.objects.get(code=AuditCode.AUDIT_PURGED)
    assert purge.data["reads"] == 2 and purge.actor_label == ""

    assert audit_events_purge(today=datetime.date(2026, 12, 4)) == {"reads": 0, "writes": 0}
    assert AuditEvent.objects.filter(code=AuditCode.AUDIT_PURGED).count() == 1


def test_unused_accounts_are_deactivated(settings):
    settings.JALON_ACCOUNT_INACTIVITY_MONTHS = 6
    stale = UserFactory(last_login=at(2026, 6, 4, 18, 0))
    recent = UserFactory(last_login=at(2026, 6, 5, 9, 0))
    with time_machine.travel(at(2026, 1, 1), tick=False):
        never = UserFactory(last_login=None)
        root = UserFactory(last_login=None, is_superuser=True)

    out = daily("2026-12-04")
    assert "2 compte(s) inutilisé(s) depuis 6 mois désactivé(s)" in out
    for user, active in ((stale, False), (recent, True), (never, False), (root, True)):
        user.refresh_from_db()
        assert user.is_active is active
    event = AuditEvent.objects.get(code=AuditCode.ACCOUNT_DEACTIVATED, subject_id=str(stale.pk))
    assert event.actor_label == "commande privacy_daily" and event.data["new"] == {"is_active": False}
    assert "0 compte(s)" in daily("2026-12-04")
