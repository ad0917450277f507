"""Writes of the referrals: send from a carnet, then the answer loop and the daily reminders.

Every write runs in one transaction, refuses in French with nothing written, records a `ReferralEvent` and an
audit event with the person's id, moves the carnet's `last_activity_at`, and tells the sender by a digest e-mail
(a link, no personal data) once the transaction is committed.

Who may do what:
- send: a professional who may write the carnet (`notebook_access(...).can_write`, checked by the caller, and the
  person within `notebooks_visible_to`), on the version of the carnet they loaded;
- accept / refuse (motif) / start / complete / abandon (motif): the members of the receiving structure's Jalon
  organisation (their current organisation), or, for a structure without account, whoever holds the referral's
  secure link;
- withdraw: the sending organisation, while the referral is still « envoyée ».

The secure link: one random token per referral (`secrets.token_urlsafe`), of which only the SHA-256 is stored; it
serves the whole loop (answer, then start, completion or abandonment) until the referral is closed, and expires
`JALON_REFERRAL_LINK_DAYS` (30) days after it was issued or last used. A reminder issues a new token (the old one
stops working: its raw value was never kept)."""

import datetime
import hashlib
import secrets
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify, notify_organisation
from jalon.messaging.digests import digest_send, plural
from jalon.notebook.access import notebooks_visible_to
from jalon.notebook.models import Notebook
from jalon.notebook.services import notebook_touch
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service
from jalon.offer.referrals.models import (
    AbandonReason,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RefusalReason,
)


def link_days() -> int:
    return getattr(settings, "JALON_REFERRAL_LINK_DAYS", 30)


def reminder_days() -> int:
    return getattr(settings, "JALON_REFERRAL_REMINDER_DAYS", 10)


def link_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _site(path: str) -> str:
    return settings.JALON_SITE_URL.rstrip("/") + path


def _day(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _new_link(referral: Referral, now: datetime.datetime) -> str:
    """A fresh token for the referral; the caller saves the referral. Returns the raw token (never stored)."""
    token = secrets.token_urlsafe(32)
    referral.link_token_hash = link_token_hash(token)
    referral.link_expires_at = now + datetime.timedelta(days=link_days())
    return token


def recipient_email(service: Service) -> str:
    """Where a structure without Jalon account receives its referrals: the service's e-mail, else the structure's."""
    return service.email or service.structure.email


# --- sending ----------------------------------------------------------------------------------------------------


@transaction.atomic
def referral_send(
    *,
    actor,
    notebook: Notebook,
    version: int | None,
    service: Service,
    message: str = "",
    shared_information: str = "",
    consent_given: bool,
) -> Referral:
    """Orient the person of `notebook` to `service`. Refused when the person's consent is missing, the service is
    not published, the person is out of the actor's reach, an orientation to the same service is still open, or
    the structure can be reached neither in Jalon nor by e-mail."""
    if not consent_given:
        raise ValidationError(
            {
                "consent_given": "Recueillez d'abord l'accord de la personne pour transmettre ces informations au "
                "service : sans son consentement, l'orientation ne peut pas être envoyée."
            }
        )
    if actor.organisation is None or not notebooks_visible_to(actor).filter(pk=notebook.pk).exists():
        raise ValidationError("Cette personne n'est pas dans votre périmètre : vous ne pouvez pas l'orienter.")
    service = Service.objects.select_related("structure").get(pk=service.pk)
    if service.status == OfferStatus.ARCHIVED:
        raise ValidationError(
            {"service": f"Le service « {service.name} » est archivé : il ne reçoit plus d'orientation."}
        )
    if service.status != OfferStatus.PUBLISHED:
        raise ValidationError(
            {"service": f"Le service « {service.name} » n'est pas publié : il ne reçoit pas encore d'orientation."}
        )
    structure = service.structure
    if structure.organisation_id is None and not recipient_email(service):
        raise ValidationError(
            {
                "service": f"« {structure.name} » n'a ni compte Jalon ni adresse e-mail : l'orientation ne peut pas "
                "lui parvenir. Contactez la structure directement."
            }
        )
    existing = Referral.objects.open().filter(notebook=notebook, service=service).first()
    if existing is not None:
        raise ValidationError(
            {
                "service": f"Une orientation vers « {service.name} » est déjà en cours pour cette personne "
                f"({existing.get_status_display()}, envoyée le {_day(existing.sent_at)})."
            }
        )
    notebook_touch(notebook=notebook, expected_version=notebook.version if version is None else version)
    now = timezone.now()
    referral = Referral(
        person_id=notebook.person_id,
        notebook=notebook,
        service=service,
        structure=structure,
        sent_by=actor.user,
        sender_organisation=actor.organisation,
        message=(message or "").strip(),
        shared_information=(shared_information or "").strip(),
        consent_given=True,
        consent_recorded_at=now,
        consent_recorded_by=actor.user,
        sent_at=now,
    )
    token = _new_link(referral, now) if structure.organisation_id is None else None
    referral.full_clean(exclude=["person", "notebook", "service", "structure", "sent_by", "sender_organisation"])
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        to_status=ReferralStatus.SENT,
        by_user=actor.user,
        by_organisation=actor.organisation,
        occurred_at=now,
    )
    audit_event_record(
        code=AuditCode.REFERRAL_SENT,
        actor=actor.user,
        organisation=actor.organisation,
        subject=referral,
        person_id=notebook.person_id,
        new={"service": service.pk, "structure": structure.pk, "secure_link": token is not None},
    )
    notify_organisation(
        organisation_id=structure.organisation_id,
        kind=NotificationKind.REFERRAL_RECEIVED,
        title=f"Orientation n° {referral.pk} reçue pour votre service « {service.name} »",
        url=reverse("offer:referral_detail", args=[referral.pk]),
        exclude_user_id=actor.user.pk,
    )
    if token is not None:
        transaction.on_commit(lambda: _link_email_send(referral, token, reminder=False))
    else:
        counts = {structure.organisation_id: 1} if structure.organisation_id is not None else {}
        transaction.on_commit(lambda: _received_digests_send(counts, reminder=False))
    return referral


def _link_email_send(referral: Referral, token: str, *, reminder: bool) -> None:
    """The e-mail to a structure without Jalon account: the service and the sender, never the person (their data
    stays behind the secure link)."""
    service, link = referral.service, _site(reverse("offer:referral_link", args=[token]))
    expires = _day(referral.link_expires_at) if referral.link_expires_at else ""
    first = (
        f"Relance : une orientation vers votre service « {service.name} » attend toujours votre réponse."
        if reminder
        else f"Une personne accompagnée vous est orientée vers votre service « {service.name} »."
    )
    body = "\n".join(
        [
            "Bonjour,",
            "",
            first,
            f"Structure qui oriente : {referral.sender_organisation.name}.",
            "",
            "Pour prendre connaissance de la demande et y répondre (accepter ou refuser, puis indiquer le début et la "
            f"fin de l'accompagnement), ouvrez ce lien personnel, valable jusqu'au {expires} :",
            link,
            "",
            "Ne transférez pas ce message : le lien donne accès aux informations que la personne a accepté de vous "
            "transmettre.",
            "",
            "Ce message est envoyé automatiquement par Jalon.",
        ]
    )
    subject = f"Jalon — {'relance : ' if reminder else ''}orientation vers « {service.name} »"
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient_email(service)])


def _received_digests_send(counts: dict[int, int], *, reminder: bool) -> None:
    """Tell the members of each receiving organisation how many referrals await them (counts and a link only)."""
    from jalon.organisations.models import Membership

    memberships = Membership.objects.active().filter(organisation_id__in=counts).select_related("user")
    seen: set[tuple[int, int]] = set()
    for membership in memberships.order_by("pk"):
        if (membership.organisation_id, membership.user_id) in seen:
            continue
        seen.add((membership.organisation_id, membership.user_id))
        count = counts[membership.organisation_id]
        referrals = f"{count} {plural(count, 'orientation')}"
        if reminder:
            subject = f"Jalon — {referrals} sans réponse depuis plus de {reminder_days()} jours"
            waiting = plural(count, "attend", "attendent")
            intro = f"Votre structure a {referrals} vers ses services qui {waiting} une réponse."
        else:
            received = plural(count, "nouvelle orientation reçue", "nouvelles orientations reçues")
            subject = f"Jalon — {count} {received}"
            intro = f"Votre structure a reçu {referrals} vers ses services."
        digest_send(user=membership.user, subject=subject, intro=intro, lines=[], url_name="offer:referrals_received")


def _sender_notify(referral: Referral, status_label: str) -> None:
    user = referral.sent_by
    if user is None or not user.is_active or not user.email:
        return
    link = _site(reverse("offer:referral_detail", args=[referral.pk]))
    digest_send(
        user=user,
        subject=f"Jalon — orientation n° {referral.pk} {status_label}",
        intro=f"Une orientation que vous avez envoyée (n° {referral.pk}) est désormais « {status_label} ».",
        lines=[f"Orientation n° {referral.pk} : {link}"],
        url_name="offer:referrals_sent",
    )


# --- the answer loop --------------------------------------------------------------------------------------------

# action: (statuses it starts from, the status it leads to, who acts, audit code, past participle)
TRANSITIONS = {
    "accept": ((ReferralStatus.SENT,), ReferralStatus.ACCEPTED, "receiver", AuditCode.REFERRAL_ACCEPTED, "acceptée"),
    "refuse": ((ReferralStatus.SENT,), ReferralStatus.REFUSED, "receiver", AuditCode.REFERRAL_REFUSED, "refusée"),
    "start": ((ReferralStatus.ACCEPTED,), ReferralStatus.STARTED, "receiver", AuditCode.REFERRAL_STARTED, "commencée"),
    "complete": (
        (ReferralStatus.STARTED,),
        ReferralStatus.COMPLETED,
        "receiver",
        AuditCode.REFERRAL_COMPLETED,
        "terminée",
    ),
    "abandon": (
        (ReferralStatus.ACCEPTED, ReferralStatus.STARTED),
        ReferralStatus.ABANDONED,
        "receiver",
        AuditCode.REFERRAL_ABANDONED,
        "abandonnée",
    ),
    "withdraw": ((ReferralStatus.SENT,), ReferralStatus.WITHDRAWN, "sender", AuditCode.REFERRAL_WITHDRAWN, "retirée"),
}
REASONS = {"refuse": RefusalReason, "abandon": AbandonReason}


def _refuse_step(referral: Referral, action: str) -> None:
    starts_from, _, _, _, done = TRANSITIONS[action]
    if referral.status in starts_from:
        return
    if referral.status in ReferralStatus.closed_values():
        raise ValidationError(
            f"Cette orientation est close ({referral.get_status_display()}) : son statut ne change plus."
        )
    if TRANSITIONS[action][1] == referral.status:
        raise ValidationError(f"Cette orientation est déjà {done}.")
    needed = {
        "accept": "Cette orientation a déjà reçu une réponse.",
        "refuse": "Cette orientation a déjà été acceptée : si l'accompagnement n'a pas lieu, indiquez un abandon.",
        "start": "Acceptez d'abord l'orientation avant d'en noter le début.",
        "complete": "Cette orientation n'a pas commencé : notez d'abord son début avant de la terminer.",
        "abandon": "Une orientation sans réponse ne s'abandonne pas : acceptez-la ou refusez-la.",
        "withdraw": "La structure a déjà répondu : l'orientation ne peut plus être retirée.",
    }
    raise ValidationError(needed[action])


def referral_for_link(token: str, *, lock: bool = False) -> Referral:
    """The referral a secure link opens. Unknown, expired or closed: a French refusal, nothing written."""
    queryset = Referral.objects.select_related("service", "structure", "sender_organisation", "person")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    referral = queryset.filter(link_token_hash=link_token_hash(token or "")).first() if token else None
    if referral is None:
        raise ValidationError(
            "Ce lien n'est pas valable. S'il vous a été envoyé il y a longtemps, une relance plus récente contient "
            "peut-être un nouveau lien ; sinon, contactez la structure qui vous a orienté la personne."
        )
    if not referral.is_open:
        raise ValidationError(
            f"Cette orientation est close ({referral.get_status_display()}) : ce lien ne permet plus d'y répondre."
        )
    if referral.link_expires_at is None or referral.link_expires_at <= timezone.now():
        raise ValidationError(
            "Ce lien a expiré. Contactez la structure qui vous a orienté la personne pour qu'elle vous le renvoie."
        )
    if referral.structure.organisation_id is not None:
        raise ValidationError(
            "Votre structure dispose désormais d'un compte Jalon : connectez-vous pour répondre à cette orientation."
        )
    return referral


@transaction.atomic
def _transition(
    action: str,
    *,
    actor=None,
    referral: Referral | None = None,
    token: str | None = None,
    reason: str = "",
    reason_details: str = "",
) -> Referral:
    _, target, side, code, done = TRANSITIONS[action]
    if token is not None:
        if side != "receiver":
            raise ValidationError("Ce lien ne permet que de répondre à l'orientation.")
        referral = referral_for_link(token, lock=True)
    else:
        assert referral is not None and actor is not None
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("service", "structure", "sender_organisation", "sent_by")
            .get(pk=referral.pk)
        )
        if side == "receiver" and (
            referral.structure.organisation_id is None or actor.organisation_id != referral.structure.organisation_id
        ):
            raise ValidationError(
                "Seuls les membres de la structure qui reçoit l'orientation peuvent y répondre ou en suivre le "
                "déroulement."
            )
        if side == "sender" and actor.organisation_id != referral.sender_organisation_id:
            raise ValidationError("Seule la structure qui a envoyé l'orientation peut la retirer.")
    _refuse_step(referral, action)
    reason_details = (reason_details or "").strip()
    if action in REASONS:
        choices = REASONS[action]
        if reason not in choices.values:
            labels = ", ".join(str(label) for label in choices.labels)
            raise ValidationError({"reason": f"Choisissez le motif : {labels}."})
        if reason == "autre" and not reason_details:
            raise ValidationError({"reason_details": "Précisez le motif « autre » en quelques mots."})
    else:
        reason = ""
    now = timezone.now()
    old = referral.status
    referral.status = target
    referral.reason = reason
    referral.reason_details = reason_details
    if old == ReferralStatus.SENT and target != ReferralStatus.WITHDRAWN:
        referral.answered_at = now
    if target == ReferralStatus.STARTED:
        referral.started_at = now
    if target in ReferralStatus.closed_values():
        referral.ended_at = now
    if token is not None:
        # The link serves the whole loop: each use keeps it valid for another period.
        referral.link_expires_at = now + datetime.timedelta(days=link_days())
    referral.save(
        update_fields=[
            "status",
            "reason",
            "reason_details",
            "answered_at",
            "started_at",
            "ended_at",
            "link_expires_at",
            "updated_at",
        ]
    )
    by_label = f"lien sécurisé ({referral.structure.name})" if token is not None else ""
    ReferralEvent.objects.create(
        referral=referral,
        from_status=old,
        to_status=target,
        reason=reason,
        reason_details=reason_details,
        by_user=actor.user if token is None else None,
        by_organisation=actor.organisation if token is None else None,
        by_label=by_label,
        occurred_at=now,
    )
    Notebook.objects.filter(pk=referral.notebook_id).update(last_activity_at=now)
    audit_event_record(
        code=code,
        actor=actor.user if token is None else None,
        actor_label=by_label,
        organisation=actor.organisation if token is None else None,
        subject=referral,
        person_id=referral.person_id,
        old={"status": old},
        new={"status": target, "reason": reason} if reason else {"status": target},
    )
    if side == "receiver":
        notify(
            recipient_ids=[referral.sent_by_id],
            organisation_id=referral.sender_organisation_id,
            kind=NotificationKind.REFERRAL_ANSWERED,
            title=f"Orientation n° {referral.pk} vers « {referral.service.name} » {done} "
            f"par {referral.structure.name}",
            url=reverse("offer:referral_detail", args=[referral.pk]),
        )
        transaction.on_commit(lambda: _sender_notify(referral, done))
    return referral


def referral_accept(*, actor=None, referral: Referral | None = None, token: str | None = None) -> Referral:
    return _transition("accept", actor=actor, referral=referral, token=token)


def referral_refuse(
    *, actor=None, referral: Referral | None = None, token: str | None = None, reason: str, reason_details: str = ""
) -> Referral:
    return _transition(
        "refuse", actor=actor, referral=referral, token=token, reason=reason, reason_details=reason_details
    )


def referral_start(*, actor=None, referral: Referral | None = None, token: str | None = None) -> Referral:
    return _transition("start", actor=actor, referral=referral, token=token)


def referral_complete(*, actor=None, referral: Referral | None = None, token: str | None = None) -> Referral:
    return _transition("complete", actor=actor, referral=referral, token=token)


def referral_abandon(
    *, actor=None, referral: Referral | None = None, token: str | None = None, reason: str, reason_details: str = ""
) -> Referral:
    return _transition(
        "abandon", actor=actor, referral=referral, token=token, reason=reason, reason_details=reason_details
    )


def referral_withdraw(*, actor, referral: Referral, reason_details: str = "") -> Referral:
    return _transition("withdraw", actor=actor, referral=referral, reason_details=reason_details)


def referral_status_change(
    *, action: str, actor=None, referral=None, token=None, reason: str = "", reason_details: str = ""
) -> Referral:
    """One door for the screens and the API, by action name (accept, refuse, start, complete, abandon, withdraw)."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": "Action inconnue."})
    return _transition(
        action, actor=actor, referral=referral, token=token, reason=reason, reason_details=reason_details
    )


def referral_link_view_record(*, referral: Referral) -> None:
    """Trace that the holder of the secure link read the person's shared data."""
    audit_event_record(
        code=AuditCode.REFERRAL_LINK_VIEWED,
        actor_label=f"lien sécurisé ({referral.structure.name})",
        subject=referral,
        person_id=referral.person_id,
    )


# --- the daily run ----------------------------------------------------------------------------------------------


def referral_reminders_send(*, today: datetime.date | None = None, notify: bool = True) -> dict:
    """Remind, once, the referrals still « envoyée » `JALON_REFERRAL_REMINDER_DAYS` days (10) after they were sent:
    the members of a receiving organisation get a digest with their count, a structure without Jalon account a new
    e-mail with a new secure link, and each sender a digest with the count of their referrals without answer."""
    from jalon.accounts.models import User

    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=reminder_days() - 1), datetime.time.min)
    )
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Referral.objects.filter(status=ReferralStatus.SENT, reminded_at=None, sent_at__lt=cutoff)
            .select_related("service__structure", "structure", "sender_organisation")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        links: list[tuple[Referral, str]] = []
        for referral in due:
            referral.reminded_at = now
            if referral.structure.organisation_id is None:
                links.append((referral, _new_link(referral, now)))
        Referral.objects.bulk_update(due, ["reminded_at", "link_token_hash", "link_expires_at"])
        organisations = Counter(r.structure.organisation_id for r in due if r.structure.organisation_id is not None)
        senders = Counter(r.sent_by_id for r in due if r.sent_by_id is not None)
        recipients = list(User.objects.filter(pk__in=senders, is_active=True).order_by("pk")) if notify else []
        if due:
            audit_event_record(
                code=AuditCode.REFERRAL_REMINDED,
                actor_label="relance des orientations sans réponse",
                extra={"referrals": [r.pk for r in due], "day": today},
            )
        if notify:
            transaction.on_commit(lambda: _reminders_send(links, dict(organisations), recipients, senders))
    return {"reminded": len(due), "by_link": len(links), "structures": len(organisations), "senders": len(recipients)}


def _reminders_send(links, organisations: dict[int, int], senders, counts: Counter) -> None:
    for referral, token in links:
        _link_email_send(referral, token, reminder=True)
    _received_digests_send(organisations, reminder=True)
    by_user: defaultdict[int, int] = defaultdict(int, counts)
    for user in senders:
        count = by_user[user.pk]
        referrals = f"{count} {plural(count, 'orientation')}"
        digest_send(
            user=user,
            subject=f"Jalon — {referrals} sans réponse",
            intro=f"{referrals} que vous avez {plural(count, 'envoyée', 'envoyées')} "
            f"{plural(count, 'attend', 'attendent')} une réponse depuis plus de {reminder_days()} jours : "
            "la structure vient d'être relancée.",
            lines=[],
            url_name="offer:referrals_sent",
        )
