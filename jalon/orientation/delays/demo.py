"""Demo delays: the Département's thresholds (the legal deadlines of décret n° 2024-1244 on top of each Département's
first invitation delay), first appointments and contracts for most orientations (the others are late), and the
alerts of the day so that the alerts screen has content."""

import random
from datetime import timedelta

from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.orientation.delays.services import (
    delay_alerts_raise,
    delay_thresholds_apply_legal,
    delay_thresholds_update,
)
from jalon.orientation.models import Orientation


# Per Département: the first invitation, in days (orientation and contract: the legal deadlines).
DEMO_INVITATION_DAYS = {"40": 15, "64": 7}
FIRST_APPOINTMENT_SHARE = 0.8
CONTRACT_SHARE = 0.8  # of those who had their first appointment


def _admin_actor(ctx) -> Actor | None:
    membership = (
        Membership.objects.filter(user=ctx.users.get("admin"), organisation=ctx.organisations.get("cd"))
        .select_related("organisation", "user")
        .first()
    )
    return Actor(user=membership.user, membership=membership, memberships=(membership,)) if membership else None


def _path_dates(ctx) -> int:
    """First appointments a few days to six weeks after the decision, contracts a few weeks later; one in five
    current orientations has neither (yet). Computed in Python, written in a few bulk statements."""
    current = Orientation.objects.current().filter(person__departement=ctx.departement)
    if current.exclude(first_appointment_on=None).exists():
        return 0
    rng = random.Random(int(ctx.config.code) + 8)
    today = timezone.localdate()
    changed = []
    for orientation in current.only("pk", "decided_on").order_by("pk"):
        if rng.random() > FIRST_APPOINTMENT_SHARE:
            continue
        appointment = orientation.decided_on + timedelta(days=rng.randint(5, 45))
        if appointment > today:
            continue  # still to come
        orientation.first_appointment_on = appointment
        if rng.random() < CONTRACT_SHARE:
            contract = appointment + timedelta(days=rng.randint(3, 40))
            orientation.contract_signed_on = contract if contract <= today else None
        changed.append(orientation)
    Orientation.objects.bulk_update(changed, ["first_appointment_on", "contract_signed_on"], batch_size=2000)
    return len(changed)


def build(ctx) -> None:
    actor = _admin_actor(ctx)
    invitation_days = DEMO_INVITATION_DAYS.get(ctx.config.code, 15)
    orientation_days = None
    if actor is not None:
        delay_thresholds_update(
            actor=actor,
            departement_id=ctx.departement.code,
            data={"invitation_days": invitation_days},
        )
        # Then the décret's deadlines (six weeks to orient, a month to sign): a re-run changes nothing.
        thresholds = delay_thresholds_apply_legal(actor=actor, departement_id=ctx.departement.code)
        orientation_days = thresholds.orientation_days
    dated = _path_dates(ctx)
    # The demo's e-mails would only go to the console: the alerts are raised without the digest.
    result = delay_alerts_raise(departement_id=ctx.departement.code, notify=False)
    ctx.log(
        f"  délais : orientation sous {orientation_days} jours, {dated} premiers rendez-vous datés, "
        f"{result['raised']} alertes levées, {result['closed']} closes"
    )
