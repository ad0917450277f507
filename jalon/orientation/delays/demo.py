"""Demo delays: the Département's thresholds (the legal deadlines of décret n° 2024-1244 on top of each Département's
first invitation delay), first appointments and contracts for most orientations (the others are late), and the
alerts of the day so that the alerts screen has content."""

import random
from datetime import timedelta

from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.orientation.delays.selectors import PLEIN_EMPLOI_IN_FORCE_ON
from jalon.orientation.delays.services import (
    delay_alerts_raise,
    delay_thresholds_apply_legal,
    delay_thresholds_update,
)
from jalon.orientation.enums import JointDiagnosticExtension, JointDiagnosticOutcome, OrientationType
from jalon.orientation.models import Orientation


# Per Département: the first invitation, in days (orientation and contract: the legal deadlines).
DEMO_INVITATION_DAYS = {"40": 15, "64": 7}
FIRST_APPOINTMENT_SHARE = 0.8
CONTRACT_SHARE = 0.8  # of those who had their first appointment
JOINT_DIAGNOSTIC_SHARE = 0.7  # of the social orientations past five months
EXTENSION_SHARE = 0.2  # of those still waiting for their joint diagnostic


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


def _joint_diagnostics(ctx) -> tuple[int, int]:
    """Most social orientations decided under the plein-emploi law and older than five months had their joint
    diagnostic with France Travail (the person stays in the social path); some of the others were brought to twelve
    months. Written in bulk, once."""
    social = Orientation.objects.current().filter(
        person__departement=ctx.departement,
        orientation_type=OrientationType.SOCIAL,
        decided_on__gte=PLEIN_EMPLOI_IN_FORCE_ON,
    )
    if social.exclude(joint_diagnostic_on=None).exists() or social.exclude(joint_diagnostic_extension="").exists():
        return 0, 0
    rng = random.Random(int(ctx.config.code) + 9)
    today = timezone.localdate()
    extensions = list(JointDiagnosticExtension.values)
    held, extended = [], []
    for orientation in social.filter(decided_on__lt=today - timedelta(days=150)).only("pk", "decided_on"):
        held_on = orientation.decided_on + timedelta(days=rng.randint(120, 200))
        if rng.random() < JOINT_DIAGNOSTIC_SHARE and held_on <= today:
            orientation.joint_diagnostic_on = held_on
            orientation.joint_diagnostic_outcome = JointDiagnosticOutcome.STAY_SOCIAL
            held.append(orientation)
        elif rng.random() < EXTENSION_SHARE:
            orientation.joint_diagnostic_extension = rng.choice(extensions)
            extended.append(orientation)
    Orientation.objects.bulk_update(held, ["joint_diagnostic_on", "joint_diagnostic_outcome"], batch_size=2000)
    Orientation.objects.bulk_update(extended, ["joint_diagnostic_extension"], batch_size=2000)
    return len(held), len(extended)


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
    held, extended = _joint_diagnostics(ctx)
    # The demo's e-mails would only go to the console: the alerts are raised without the digest.
    result = delay_alerts_raise(departement_id=ctx.departement.code, notify=False)
    ctx.log(
        f"  délais : orientation sous {orientation_days} jours, {dated} premiers rendez-vous datés, "
        f"{held} diagnostics conjoints ({extended} portés à douze mois), {result['raised']} alertes levées, "
        f"{result['closed']} closes"
    )
