"""Reads of the referrals, scoped to the actor (decision 0002: out of reach answers 404).

An actor reaches a referral when their organisation received it (it is the Jalon account of the service's
structure), sent it, or when they reach the person's carnet (`notebooks_visible_to`). Lists show no person's
name (the service, the structures, the dates and the status): the person appears on the detail page, whose every
opening is traced with `person_view_record`. Every list is a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.notebook.access import notebooks_visible_to
from jalon.notebook.models import Notebook
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service
from jalon.offer.referentials import NATIONAL_ZONE_CODES
from jalon.offer.referrals.models import Referral, ReferralEvent, ReferralStatus
from jalon.offer.referrals.services import TRANSITIONS
from jalon.people.selectors import person_view_record


# Roles that act on referrals for their structure (answers) or for the carnet (sending, withdrawing).
ACTING_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
RECEIVER_ACTIONS = ("accept", "refuse", "start", "complete", "abandon")


def referrals_visible_to(actor: Actor):
    if actor.organisation_id is None and not actor.is_platform_admin:
        return Referral.objects.none()
    carnet = notebooks_visible_to(actor).filter(pk=OuterRef("notebook_id"))
    reach = Q(Exists(carnet))
    if actor.organisation_id is not None:
        reach |= Q(structure__organisation_id=actor.organisation_id) | Q(sender_organisation_id=actor.organisation_id)
    return Referral.objects.filter(reach)


def _listed(queryset):
    return queryset.select_related("service", "structure", "sender_organisation", "sent_by").order_by(
        "-sent_at", "-id"
    )


def referrals_received(*, actor: Actor, status: str | None = None):
    return _listed(Referral.objects.received_by(actor).with_status(status))


def referrals_sent(*, actor: Actor, status: str | None = None):
    return _listed(Referral.objects.sent_by(actor).with_status(status))


EXPORT_HEADER = [
    "N°",
    "Service",
    "Structure du service",
    "Structure prescriptrice",
    "Envoyée par",
    "Envoyée le",
    "Statut",
    "Réponse le",
    "Commencée le",
    "Close le",
    "Motif",
]


def referrals_export(queryset):
    """A list of referrals (`referrals_received` or `referrals_sent`, already scoped and filtered) as rows, header
    first. Like the screens, no person's name: no audit event to write."""
    values = queryset.values_list(
        "pk",
        "service__name",
        "structure__name",
        "sender_organisation__name",
        "sent_by__first_name",
        "sent_by__last_name",
        "sent_at",
        "status",
        "answered_at",
        "started_at",
        "ended_at",
        "reason",
        named=True,
    )
    statuses, reasons = dict(ReferralStatus.choices), dict(Referral._meta.get_field("reason").choices)

    def day(moment):
        return f"{timezone.localtime(moment):%d/%m/%Y}" if moment else ""

    def rows():
        yield EXPORT_HEADER
        for row in values.iterator(chunk_size=2000):
            yield [
                row.pk,
                row.service__name,
                row.structure__name,
                row.sender_organisation__name,
                f"{row.sent_by__first_name or ''} {row.sent_by__last_name or ''}".strip(),
                day(row.sent_at),
                statuses.get(row.status, row.status),
                day(row.answered_at),
                day(row.started_at),
                day(row.ended_at),
                reasons.get(row.reason, row.reason),
            ]

    return rows()


def referrals_of_notebook(*, notebook: Notebook):
    """The carnet's referrals; the caller has reached the carnet through `notebook_access`."""
    return _listed(Referral.objects.filter(notebook=notebook))


def status_counts(queryset) -> dict[str, int]:
    """How many referrals of the list in each status (one query), for the filter's labels."""
    counts = dict.fromkeys(ReferralStatus.values, 0)
    for row in queryset.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


@dataclass
class ReferralPage:
    referral: Referral
    events: list
    is_receiver: bool
    is_sender: bool
    actions: list[str]


def allowed_actions(*, referral: Referral, is_receiver: bool, is_sender: bool) -> list[str]:
    actions = []
    for action, (starts_from, _target, side, _code, _done) in TRANSITIONS.items():
        if referral.status not in starts_from:
            continue
        if (side == "receiver" and is_receiver) or (side == "sender" and is_sender):
            actions.append(action)
    return actions


def referral_events(*, referral: Referral):
    return ReferralEvent.objects.filter(referral=referral).select_related("by_user", "by_organisation")


def referral_page(*, actor: Actor, pk) -> ReferralPage:
    """A referral with its history; traced as a read of the person's data."""
    referral = get_visible_or_404(
        referrals_visible_to(actor).select_related(
            "service", "structure", "sender_organisation", "sent_by", "person", "consent_recorded_by"
        ),
        pk=pk,
    )
    person_view_record(actor=actor, person=referral.person, screen=f"orientation vers un service n° {referral.pk}")
    acting = actor.is_platform_admin or actor.has_role(*ACTING_ROLES)
    own = actor.organisation_id
    is_receiver = bool(acting and own is not None and referral.structure.organisation_id == own)
    is_sender = bool(acting and own is not None and referral.sender_organisation_id == own)
    return ReferralPage(
        referral=referral,
        events=list(referral_events(referral=referral)),
        is_receiver=is_receiver,
        is_sender=is_sender,
        actions=allowed_actions(referral=referral, is_receiver=is_receiver, is_sender=is_sender),
    )


def referral_get(*, actor: Actor, pk) -> Referral:
    """A referral the actor reaches (404 otherwise), for a write: no read traced."""
    return get_visible_or_404(referrals_visible_to(actor), pk=pk)


def services_for_referral(*, person, preselected=None):
    """The published services eligible for the person's commune (their département's when the commune is
    unknown), plus the service a search result links to (`?service=`) when it is published."""
    published = Service.objects.published().select_related("structure")
    if person.commune_id is not None:
        eligible = published.eligible_for_commune(person.commune)
    else:
        eligible = published.filter(eligibility_zone__has_any=[person.departement_id, *NATIONAL_ZONE_CODES])
    reach = Q(pk__in=eligible.values("pk"))
    if preselected is not None:
        reach |= Q(pk=preselected, status=OfferStatus.PUBLISHED)
    return published.filter(reach).order_by("name", "structure__name")
