"""The inbox: written by the referral services in their transaction, counted in the header, filtered, read, and
summarised once a day by e-mail without personal data."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.inbox import services as inbox
from jalon.inbox.models import InboxPreference, Notification
from jalon.offer.referrals import services
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory


def _send(world):
    return services.referral_send(
        actor=world.sender,
        notebook=world.notebook,
        version=world.notebook.version,
        service=world.service,
        consent_given=True,
    )


def test_a_referral_sent_notifies_the_receiving_structures_members_and_nobody_else(world):
    colleague = MembershipFactory(role=Role.ADMINISTRATOR, organisation=world.member.organisation)
    referral = _send(world)
    notifications = Notification.objects.filter(kind="orientation_recue")
    assert {n.recipient for n in notifications} == {world.member.user, colleague.user}
    notification = notifications.first()
    assert notification.organisation == world.member.organisation
    assert notification.url == reverse("offer:referral_detail", args=[referral.pk])
    assert "Atelier permis de conduire" in notification.title
    assert world.person.last_name not in notification.title and world.person.first_name not in notification.title


def test_the_answer_notifies_the_sender(world):
    referral = _send(world)
    services.referral_accept(actor=world.receiver, referral=referral)
    [notification] = Notification.objects.filter(kind="orientation_repondue")
    assert notification.recipient == world.referent.user and notification.organisation == world.referent.organisation
    assert "acceptée par Mobilité 40" in notification.title
    assert notification.url == reverse("offer:referral_detail", args=[referral.pk])


def test_no_notification_when_the_transaction_fails(world):
    class Failure(Exception):
        pass

    with pytest.raises(Failure), transaction.atomic():
        _send(world)
        raise Failure
    assert not Notification.objects.exists()


def test_a_refused_step_notifies_nobody(world):
    referral = _send(world)
    Notification.objects.all().delete()
    with pytest.raises(Exception, match="Seuls les membres"):
        services.referral_accept(actor=actor_for(world.outsider), referral=referral)
    assert not Notification.objects.exists()


def _note(membership, n=1, kind="orientation_recue"):
    for i in range(n):
        inbox.notify(
            recipient_ids=[membership.user_id],
            organisation_id=membership.organisation_id,
            kind=kind,
            title=f"Travail n° {i}",
            url="/",
        )
    return Notification.objects.filter(recipient=membership.user).order_by("pk").last()


def test_the_header_counts_the_unread_of_the_current_organisation(world, login_as):
    _note(world.member, 3)
    other = MembershipFactory(user=world.member.user, role=Role.PARTNER)
    _note(other, 5)  # another membership's work is counted there, not here
    page = login_as(world.member).get(reverse("workspace:home")).content.decode()
    assert 'data-testid="inbox-count">3<' in page


def test_the_counter_is_one_query(world, django_assert_num_queries):
    _note(world.member, 4)
    from jalon.inbox.selectors import unread_count

    with django_assert_num_queries(1):
        assert unread_count(actor=world.receiver) == 4


def test_filters_by_kind_and_state(world, login_as):
    _note(world.member, 2)
    alert = _note(world.member, 1, kind="alerte_delai")
    inbox.notification_mark_read(actor=world.receiver, notification=alert)
    client = login_as(world.member)
    page = client.get(reverse("inbox:list"), {"kind": "alerte_delai"})
    assert [n.kind for n in page.context["page_obj"]] == ["alerte_delai"]
    page = client.get(reverse("inbox:list"), {"state": "non_lues"})
    assert len(page.context["page_obj"]) == 2
    page = client.get(reverse("inbox:list"), {"state": "lues"})
    assert [n.pk for n in page.context["page_obj"]] == [alert.pk]


def test_the_list_is_paginated(world, login_as):
    _note(world.member, 30)
    page = login_as(world.member).get(reverse("inbox:list"))
    assert len(page.context["page_obj"]) == 25 and page.context["page_obj"].paginator.count == 30


def test_mark_one_and_mark_all_read(world, login_as):
    first = _note(world.member, 3)
    client = login_as(world.member)
    client.post(reverse("inbox:mark_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.unread().count() == 2
    client.post(reverse("inbox:mark_all_read"))
    assert not Notification.objects.unread().exists()


def test_mark_all_read_keeps_to_the_filtered_kind(world, login_as):
    _note(world.member, 2)
    _note(world.member, 1, kind="alerte_delai")
    login_as(world.member).post(reverse("inbox:mark_all_read"), {"kind": "alerte_delai"})
    assert list(Notification.objects.unread().values_list("kind", flat=True)) == ["orientation_recue"] * 2


def test_opening_reads_and_goes_to_the_work(world, login_as):
    referral = _send(world)
    notification = Notification.objects.get(recipient=world.member.user)
    response = login_as(world.member).get(reverse("inbox:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("offer:referral_detail", args=[referral.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_target_out_of_reach_is_explained_in_french(world, login_as):
    referral = _send(world)
    services.referral_accept(actor=world.receiver, referral=referral)
    notification = Notification.objects.get(recipient=world.referent.user)
    # The person left the sender's organisation, and the referral is recorded as another organisation's.
    referral.__class__.objects.filter(pk=referral.pk).update(sender_organisation=world.outsider.organisation)
    ReferentAssignment.objects.all().delete()
    Orientation.objects.all().delete()
    response = login_as(world.referent).get(reverse("inbox:open", args=[notification.pk]))
    assert response.status_code == 200
    assert "ne mène plus à une page que vous pouvez ouvrir" in response.content.decode()


@pytest.mark.parametrize("name", ["inbox:open", "inbox:mark_read"])
def test_another_users_notification_is_not_found(world, login_as, name):
    notification = _note(world.member)
    client = login_as(world.referent)
    response = (
        client.post(reverse(name, args=[notification.pk]))
        if name.endswith("read")
        else client.get(reverse(name, args=[notification.pk]))
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_digest_is_off_by_default_and_once_a_day(world, django_capture_on_commit_callbacks):
    _note(world.member, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.inbox_digests_send() == {"sent": 0}
    inbox.inbox_preference_update(actor=world.receiver, daily_digest=True)
    assert AuditEvent.objects.filter(code=AuditCode.INBOX_PREFERENCE_UPDATED).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.inbox_digests_send() == {"sent": 1}
        assert inbox.inbox_digests_send() == {"sent": 0}  # the same day: nothing again
    [message] = mail.outbox
    assert message.to == [world.member.user.email] and "2 nouvelles notifications" in message.subject
    assert "- Orientation reçue : 2" in message.body and "/notifications/" in message.body


def test_the_digest_contains_no_personal_data(world, django_capture_on_commit_callbacks):
    InboxPreference.objects.create(user=world.member.user, daily_digest=True)
    InboxPreference.objects.create(user=world.referent.user, daily_digest=True)
    referral = _send(world)
    services.referral_accept(actor=world.receiver, referral=referral)
    mail.outbox.clear()
    with (
        time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert inbox.inbox_digests_send() == {"sent": 2}
    person = world.person
    for message in mail.outbox:
        text = message.subject + message.body
        for value in (person.last_name, person.first_name, person.email, "2840140192123", "Atelier permis"):
            assert value not in text


def test_the_preference_page_turns_the_digest_on(world, login_as):
    login_as(world.member).post(reverse("inbox:preferences"), {"daily_digest": "on"})
    assert InboxPreference.objects.get(user=world.member.user).daily_digest is True


def test_the_daily_command_sends_the_digests(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    InboxPreference.objects.create(user=world.member.user, daily_digest=True)
    _note(world.member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("inbox_daily", verbosity=0)
    assert len(mail.outbox) == 1
