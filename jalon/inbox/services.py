"""Writes of the inbox. `notify` and `notify_organisation` are called by the domain services that create work for
someone, inside their own transaction: the notification exists exactly when the work does."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.inbox.enums import NotificationKind
from jalon.inbox.models import InboxPreference, Notification
from jalon.organisations.models import Membership


TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


def notify(
    *, recipient_ids: Iterable[int | None], organisation_id: int | None, kind: NotificationKind, title: str, url: str
) -> int:
    """One notification per recipient (each once, none for an empty id). Returns how many were written."""
    recipients = [pk for pk in dict.fromkeys(recipient_ids) if pk is not None]
    return notify_many((pk, organisation_id, kind, title, url) for pk in recipients)


def notify_many(rows: Iterable[tuple[int, int | None, NotificationKind, str, str]]) -> int:
    """Many notifications in one INSERT, for the daily runs: rows of (recipient, organisation, kind, title, url)."""
    now = timezone.now()
    notifications = [
        Notification(
            recipient_id=recipient_id,
            organisation_id=organisation_id,
            kind=kind,
            title=title if len(title) <= TITLE_MAX_LENGTH else title[: TITLE_MAX_LENGTH - 1] + "…",
            url=url,
            created_at=now,
        )
        for recipient_id, organisation_id, kind, title, url in rows
    ]
    Notification.objects.bulk_create(notifications, batch_size=1000)
    return len(notifications)


def notify_organisation(
    *,
    organisation_id: int | None,
    kind: NotificationKind,
    title: str,
    url: str,
    roles: Iterable[Role | str] = (),
    exclude_user_id: int | None = None,
) -> int:
    """The active members of an organisation (with one of `roles`, when given), but the one who did the work."""
    if organisation_id is None:
        return 0
    members = Membership.objects.active().filter(organisation_id=organisation_id)
    if roles:
        members = members.with_role(*roles)
    if exclude_user_id is not None:
        members = members.exclude(user_id=exclude_user_id)
    user_ids = members.order_by("user_id").values_list("user_id", flat=True)
    return notify(recipient_ids=user_ids, organisation_id=organisation_id, kind=kind, title=title, url=url)


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """The recipient's own reading state: not an event of the audit log (nothing of anyone else changes)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.for_actor(actor).filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, actor: Actor, kind: str = "") -> int:
    unread = Notification.objects.for_actor(actor).unread()
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now(), updated_at=timezone.now())


@transaction.atomic
def inbox_preference_update(*, actor: Actor, daily_digest: bool) -> InboxPreference:
    preference, _ = InboxPreference.objects.select_for_update().get_or_create(user=actor.user)
    if preference.daily_digest != daily_digest:
        old = preference.daily_digest
        preference.daily_digest = daily_digest
        preference.save(update_fields=["daily_digest", "updated_at"])
        audit_event_record(
            code=AuditCode.INBOX_PREFERENCE_UPDATED,
            actor=actor.user,
            organisation=actor.organisation,
            subject=preference,
            old={"daily_digest": old},
            new={"daily_digest": daily_digest},
        )
    return preference


# --- the daily digest -------------------------------------------------------------------------------------------


def _plural(count: int, singular: str, plural_form: str) -> str:
    return singular if count == 1 else plural_form


def _digest_body(user, counts: Counter) -> tuple[str, str]:
    """Counts by kind and links: never a title (a title names a service or a date of someone's path)."""
    site = settings.JALON_SITE_URL.rstrip("/")
    total = sum(counts.values())
    new = _plural(total, "nouvelle notification", "nouvelles notifications")
    lines = [f"- {NotificationKind(kind).label} : {count}" for kind, count in sorted(counts.items())]
    body = "\n".join(
        [
            f"Bonjour {user.first_name},".replace(" ,", ","),
            "",
            f"{total} {new} vous {_plural(total, 'attend', 'attendent')} dans Jalon :",
            *lines,
            "",
            f"Consultez votre boîte de réception : {site}{reverse('inbox:list')}",
            "",
            "Ce message est envoyé automatiquement ; il ne contient aucune donnée personnelle.",
            f"Pour ne plus le recevoir : {site}{reverse('inbox:preferences')}",
        ]
    )
    return f"Jalon — {total} {new}", body


def inbox_digests_send(*, now=None) -> dict:
    """One e-mail per professional who asked for the daily digest, when notifications arrived since their last one
    and are still unread. Once a day at most (a replayed run the same day sends nothing again). Set-based: one
    aggregate query, one update, the e-mails once the transaction is committed."""
    now = now or timezone.now()
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    with transaction.atomic():
        preferences = InboxPreference.objects.select_for_update().filter(
            Q(last_digest_at=None) | Q(last_digest_at__lt=today_start),
            daily_digest=True,
            user__is_active=True,
        )
        waiting = (
            Notification.objects.unread()
            .filter(recipient__inbox_preference__in=preferences, created_at__lte=now)
            .filter(
                Q(recipient__inbox_preference__last_digest_at=None)
                | Q(created_at__gt=F("recipient__inbox_preference__last_digest_at"))
            )
            .values_list("recipient_id", "kind")
            .annotate(count=Count("pk"))
        )
        counts: dict[int, Counter] = defaultdict(Counter)
        for user_id, kind, count in waiting:
            counts[user_id][kind] += count
        InboxPreference.objects.filter(user_id__in=counts).update(last_digest_at=now)
        users = list(get_user_model().objects.filter(pk__in=counts).exclude(email="").order_by("pk"))
        audit_event_record(
            code=AuditCode.INBOX_DIGESTS_SENT, extra={"day": timezone.localdate(now), "sent": len(users)}
        )
        transaction.on_commit(lambda: _digests_send(users, counts))
    return {"sent": len(users)}


def _digests_send(users, counts: dict[int, Counter]) -> None:
    for user in users:
        subject, body = _digest_body(user, counts[user.pk])
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
