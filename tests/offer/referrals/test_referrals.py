"""The referral loop, its refusals, the secure link and the reminders, through the services."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.notebook.carnet.selectors import notebook_timeline
from jalon.notebook.models import Notebook
from jalon.offer.enums import OfferStatus
from jalon.offer.referrals import services
from jalon.offer.referrals.models import Referral, ReferralEvent, ReferralStatus
from jalon.offer.referrals.tasks import offer_daily_task
from tests.conftest import actor_for
from tests.offer.factories import ServiceFactory


pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _send(world, service=None, *, actor=None, consent=True, **extra):
    world.notebook.refresh_from_db()
    return services.referral_send(
        actor=actor or world.sender,
        notebook=world.notebook,
        version=world.notebook.version,
        service=service or world.service,
        message="Madame souhaite passer le permis B.",
        shared_information="Disponible le matin ; préfère être appelée.",
        consent_given=consent,
        **extra,
    )


def _written():
    return (Referral.objects.count(), ReferralEvent.objects.count(), AuditEvent.objects.count(), len(mail.outbox))


def _link_of(message) -> str:
    return re.search(r"/offre/orientations/lien/([\w-]+)/", message.body).group(1)


def _no_personal_data(world, message):
    text = message.subject + message.body
    for secret in ("Dupuis", "Camille", "2840140192123", "camille.dupuis", "0612345678", "permis B", "matin"):
        assert secret not in text


# --- the loop ---------------------------------------------------------------------------------------------------


def test_the_whole_loop_is_recorded_notified_and_in_the_timeline(world, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _send(world)
    assert referral.status == ReferralStatus.SENT and referral.structure == world.service.structure
    assert referral.consent_given and referral.consent_recorded_by == world.referent.user
    assert referral.sender_organisation == world.referent.organisation
    assert referral.link_token_hash == ""  # the structure has an account: no link
    # The structure's members are told by a digest: a count and a link, no name.
    (received,) = mail.outbox
    assert received.to == [world.member.user.email] and "/offre/orientations/recues/" in received.body
    _no_personal_data(world, received)
    assert Notebook.objects.get().version == 2

    steps = [services.referral_accept, services.referral_start, services.referral_complete]
    for hours, step in enumerate(steps, start=1):
        frozen.shift(datetime.timedelta(hours=hours))
        with django_capture_on_commit_callbacks(execute=True):
            referral = step(actor=world.receiver, referral=referral)
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.answered_at < referral.started_at < referral.ended_at
    assert Notebook.objects.get().last_activity_at == referral.ended_at
    # The sender is told of each step, with a link to the referral and nothing about the person.
    notices = mail.outbox[1:]
    assert [m.to for m in notices] == [[world.referent.user.email]] * 3
    assert ["acceptée" in notices[0].subject, "commencée" in notices[1].subject, "terminée" in notices[2].subject] == [
        True
    ] * 3
    for notice in notices:
        assert f"/offre/orientations/{referral.pk}/" in notice.body
        _no_personal_data(world, notice)

    events = list(referral.events.all())
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "envoyee"),
        ("envoyee", "acceptee"),
        ("acceptee", "commencee"),
        ("commencee", "terminee"),
    ]
    assert events[1].by_user == world.member.user and events[1].by_organisation == world.member.organisation
    codes = list(AuditEvent.objects.filter(person_id=world.person.pk).values_list("code", flat=True).order_by("pk"))
    assert codes == [
        AuditCode.REFERRAL_SENT,
        AuditCode.REFERRAL_ACCEPTED,
        AuditCode.REFERRAL_STARTED,
        AuditCode.REFERRAL_COMPLETED,
    ]
    timeline = notebook_timeline(actor=world.sender, notebook=world.notebook, kinds=["orientations_offre"])
    assert [event["title"] for event in timeline] == [
        "Orientation vers « Atelier permis de conduire » : terminée",
        "Orientation vers « Atelier permis de conduire » : commencée",
        "Orientation vers « Atelier permis de conduire » : acceptée",
        "Orientation vers « Atelier permis de conduire » : envoyée",
    ]
    assert timeline[1]["by"] == f"{world.member.user.get_full_name()} (Mobilité 40)"


def test_refusal_and_abandonment_carry_their_motif(world, frozen):
    referral = services.referral_refuse(
        actor=world.receiver, referral=_send(world), reason="pas_de_place", reason_details="complet jusqu'en mars"
    )
    assert (referral.status, referral.reason, referral.ended_at is not None) == ("refusee", "pas_de_place", True)
    other = services.referral_accept(actor=world.receiver, referral=_send(world))
    frozen.shift(datetime.timedelta(hours=1))
    other = services.referral_abandon(actor=world.receiver, referral=other, reason="non_venue")
    assert other.status == ReferralStatus.ABANDONED and other.get_reason_display() == "personne non venue"
    timeline = notebook_timeline(actor=world.sender, notebook=world.notebook, kinds=["orientations_offre"])
    assert timeline[0]["detail"] == "personne non venue"
    assert any(e["detail"] == "pas de place disponible — complet jusqu'en mars" for e in timeline)


def test_the_sender_withdraws_an_unanswered_referral(world):
    referral = services.referral_withdraw(actor=world.sender, referral=_send(world), reason_details="a trouvé un CDD")
    assert referral.status == ReferralStatus.WITHDRAWN and referral.ended_at and referral.answered_at is None
    # A withdrawn referral no longer blocks a new one to the same service.
    assert _send(world).status == ReferralStatus.SENT


# --- refusals: a French message, nothing written ---------------------------------------------------------------


@pytest.mark.parametrize(
    "case, message",
    [
        ("no_consent", "sans son consentement"),
        ("archived", "est archivé"),
        ("draft", "n'est pas publié"),
        ("duplicate", "déjà en cours"),
        ("out_of_reach", "pas dans votre périmètre"),
        ("unreachable", "ni compte Jalon ni adresse e-mail"),
    ],
)
def test_sending_is_refused_in_french_with_nothing_written(world, case, message):
    if case == "duplicate":
        _send(world)
    before = _written()
    service, actor, consent = world.service, world.sender, True
    if case == "no_consent":
        consent = False
    elif case == "archived":
        service.status = OfferStatus.ARCHIVED
        service.save()
    elif case == "draft":
        service.status = OfferStatus.DRAFT
        service.save()
    elif case == "out_of_reach":
        actor = actor_for(world.outsider)
    elif case == "unreachable":
        service = world.external_service
        service.structure.email = ""
        service.structure.save()
    version = Notebook.objects.get().version
    with pytest.raises(ValidationError, match=message):
        _send(world, service, actor=actor, consent=consent)
    assert _written() == before
    assert Notebook.objects.get().version == version


@pytest.mark.parametrize(
    "steps, action, message",
    [
        ([], "complete", "n'a pas commencé"),
        ([], "start", "Acceptez d'abord"),
        ([], "abandon", "sans réponse ne s'abandonne pas"),
        (["accept"], "accept", "déjà acceptée"),
        (["accept"], "refuse", "déjà été acceptée"),
        (["accept"], "withdraw", "déjà répondu"),
        (["accept", "start"], "start", "déjà commencée"),
        (["accept", "start", "complete"], "abandon", "close"),
        (["refuse"], "accept", "close"),
    ],
)
def test_a_step_out_of_order_is_refused_with_nothing_written(world, steps, action, message):
    referral = _send(world)
    for step in steps:
        actor = world.sender if step == "withdraw" else world.receiver
        referral = services.referral_status_change(
            action=step, actor=actor, referral=referral, reason="pas_de_place" if step == "refuse" else ""
        )
    before = _written()
    actor = world.sender if action == "withdraw" else world.receiver
    with pytest.raises(ValidationError, match=message):
        services.referral_status_change(
            action=action, actor=actor, referral=referral, reason="non_venue" if action == "abandon" else ""
        )
    assert _written() == before


@pytest.mark.parametrize("who", ["outsider", "sender"])
def test_only_the_receiving_structure_answers(world, who):
    referral = _send(world)
    before = _written()
    actor = actor_for(world.outsider) if who == "outsider" else world.sender
    with pytest.raises(ValidationError, match="Seuls les membres de la structure qui reçoit"):
        services.referral_accept(actor=actor, referral=referral)
    with pytest.raises(ValidationError, match="Seule la structure qui a envoyé"):
        services.referral_withdraw(actor=world.receiver, referral=referral)
    assert _written() == before
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_a_motif_is_required_and_other_must_be_explained(world):
    referral = _send(world)
    before = _written()
    with pytest.raises(ValidationError, match="Choisissez le motif"):
        services.referral_refuse(actor=world.receiver, referral=referral, reason="")
    with pytest.raises(ValidationError, match="Précisez le motif"):
        services.referral_refuse(actor=world.receiver, referral=referral, reason="autre")
    with pytest.raises(ValidationError, match="Choisissez le motif"):
        services.referral_refuse(actor=world.receiver, referral=referral, reason="non_venue")  # an abandon's motif
    assert _written() == before


def test_the_database_refuses_inconsistent_rows(world):
    referral = _send(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.REFUSED, answered_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent_given=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.COMPLETED)
    duplicate = Referral.objects.filter(pk=referral.pk).values()[0] | {"id": None}
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(**duplicate)


# --- the secure link --------------------------------------------------------------------------------------------


def test_a_structure_without_account_gets_an_e_mail_with_a_secure_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _send(world, world.external_service)
    (message,) = mail.outbox
    assert message.to == ["epicerie@exemple.test"]
    assert "Épicerie solidaire" in message.body and "France Travail Mont-de-Marsan" in message.body
    _no_personal_data(world, message)
    token = _link_of(message)
    assert referral.link_token_hash == services.link_token_hash(token) and token not in referral.link_token_hash
    assert referral.link_expires_at == START + datetime.timedelta(days=30)
    # One link serves the whole loop, then it is closed.
    for action in ("accept", "start", "complete"):
        referral = services.referral_status_change(action=action, token=token)
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.events.last().by_label == "lien sécurisé (Épicerie du Marsan)"
    assert AuditEvent.objects.filter(code=AuditCode.REFERRAL_COMPLETED, actor=None).count() == 1
    before = _written()
    with pytest.raises(ValidationError, match="close"):
        services.referral_status_change(action="abandon", token=token, reason="non_venue")
    assert _written() == before


def test_an_expired_or_unknown_link_is_refused_with_nothing_written(world, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, world.external_service)
    token = _link_of(mail.outbox[0])
    before = _written()
    with pytest.raises(ValidationError, match="n'est pas valable"):
        services.referral_accept(token=token[:-2] + "xx")
    with pytest.raises(ValidationError, match="n'est pas valable"):
        services.referral_accept(token="")
    frozen.shift(datetime.timedelta(days=30, seconds=1))
    with pytest.raises(ValidationError, match="a expiré"):
        services.referral_accept(token=token)
    with pytest.raises(ValidationError, match="ne permet que de répondre"):
        services.referral_status_change(action="withdraw", token=token)
    assert _written() == before
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_each_use_of_the_link_keeps_it_valid(world, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, world.external_service)
    token = _link_of(mail.outbox[0])
    frozen.shift(datetime.timedelta(days=25))
    services.referral_accept(token=token)
    frozen.shift(datetime.timedelta(days=25))
    assert services.referral_start(token=token).status == ReferralStatus.STARTED


def test_a_structure_that_got_an_account_answers_from_it(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, world.external_service)
    structure = world.external_service.structure
    structure.organisation = world.member.organisation
    structure.save()
    with pytest.raises(ValidationError, match="compte Jalon"):
        services.referral_accept(token=_link_of(mail.outbox[0]))


# --- reminders --------------------------------------------------------------------------------------------------


def test_unanswered_referrals_are_reminded_once_after_ten_days(world, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with_account = _send(world)
        by_link = _send(world, world.external_service)
        answered = _send(world, ServiceFactory(structure=world.service.structure, name="Atelier vélo"))
    services.referral_accept(actor=world.receiver, referral=answered)
    first_link = _link_of(mail.outbox[1])
    mail.outbox.clear()
    day = START.date()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referral_reminders_send(today=day + datetime.timedelta(days=9))["reminded"] == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        result = services.referral_reminders_send(today=day + datetime.timedelta(days=10))
    assert result == {"reminded": 2, "by_link": 1, "structures": 1, "senders": 1}
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("epicerie@exemple.test",), (world.referent.user.email,), (world.member.user.email,)]
    for message in mail.outbox:
        _no_personal_data(world, message)
    new_link = _link_of(next(m for m in mail.outbox if m.to == ["epicerie@exemple.test"]))
    assert new_link != first_link
    with pytest.raises(ValidationError, match="n'est pas valable"):
        services.referral_accept(token=first_link)
    assert services.referral_accept(token=new_link).pk == by_link.pk
    assert set(Referral.objects.exclude(reminded_at=None).values_list("pk", flat=True)) == {
        with_account.pk,
        by_link.pk,
    }
    assert AuditEvent.objects.filter(code=AuditCode.REFERRAL_REMINDED).count() == 1
    # Once per referral.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.referral_reminders_send(today=day + datetime.timedelta(days=11))["reminded"] == 0
    assert mail.outbox == []


def test_the_reminder_delay_is_a_setting(world, settings):
    settings.JALON_REFERRAL_REMINDER_DAYS = 3
    _send(world)
    assert services.referral_reminders_send(today=START.date() + datetime.timedelta(days=3))["reminded"] == 1


def test_offer_daily_command_and_task(world, django_capture_on_commit_callbacks):
    _send(world)
    out = io.StringIO()
    call_command("offer_daily", "--date", "2026-11-11", stdout=out)
    assert out.getvalue().startswith("11/11/2026 : 0 orientation(s)")
    call_command("offer_daily", "--date", "2026-11-12", stdout=out)
    assert "12/11/2026 : 1 orientation(s)" in out.getvalue()
    assert offer_daily_task.enqueue(day="2026-11-13").return_value["reminded"] == 0
