"""Demo orientations: the Département's dispositifs, référents with caseloads, and a year of decisions with the
Landes split (49 % France Travail, 30 % Département, the rest CAF, MSA, Mission locale, BGE — PTI 2019 figures)."""

import random
from datetime import timedelta

from django.utils import timezone

from jalon.accounts.models import User
from jalon.accounts.services import user_create
from jalon.core.enums import Role
from jalon.demo.builder import DEMO_PASSWORD
from jalon.organisations.models import Membership
from jalon.organisations.services import membership_create
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.models import Dispositif, Orientation
from jalon.orientation.selectors import orientation_queue
from jalon.orientation.services import orientation_bulk_record


# name, type, carrier organisation keys, share of decisions
DISPOSITIFS = [
    ("Accompagnement professionnel (France Travail)", T.PROFESSIONAL, ["ft_mdm", "ft_dax", "ft_tarnos"], 0.45),
    ("Accompagnement global", T.SOCIO_PROFESSIONAL, ["ft_mdm", "ft_dax", "tas_mdm", "tas_dax"], 0.04),
    (
        "Accompagnement social départemental",
        T.SOCIAL,
        ["tas_mdm", "tas_dax", "tas_sud", "tas_nord", "tas_chalosse"],
        0.27,
    ),
    ("Référence « cas complexes »", T.SOCIAL, ["tas_mdm", "tas_dax"], 0.03),
    ("Référence CAF monoparents", T.SOCIAL, ["caf"], 0.09),
    ("Accompagnement MSA", T.SOCIAL, ["msa"], 0.04),
    ("Mission locale (moins de 26 ans)", T.SOCIO_PROFESSIONAL, ["ml"], 0.05),
    ("Création d'activité (BGE)", T.PROFESSIONAL, ["bge"], 0.03),
]
# Who is still waiting for an orientation, by how long ago they asked for the RSA: most newcomers of the last four
# months, a quarter of the year's (late: they feed the delay alerts), none older. A Département's queue holds its
# recent entrants, not people who asked ten years ago.
STILL_WAITING_SHARE = ((120, 0.6), (400, 0.25))
REFERENTS_PER_ORGANISATION = 3


def _referents(ctx, organisation_key: str) -> list[User]:
    organisation = ctx.organisations[organisation_key]
    members = list(
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.REFERENT).order_by("pk")
    )
    for index in range(len(members), REFERENTS_PER_ORGANISATION):
        email = f"referent{index + 1}.{organisation_key.replace('_', '-')}@{ctx.config.email_domain}"
        user = User.objects.filter(email=email).first() or user_create(
            email=email,
            first_name=f"Référent {index + 1}",
            last_name=organisation.name.split("—")[-1].strip()[:60],
            password=DEMO_PASSWORD,
        )
        if not Membership.objects.filter(user=user, organisation=organisation, role=Role.REFERENT).exists():
            membership_create(user=user, organisation=organisation, role=Role.REFERENT)
        members.append(user)
    return members


def build_orientations(ctx) -> None:
    dispositifs = []
    for name, orientation_type, keys, share in DISPOSITIFS:
        carriers = [key for key in keys if key in ctx.organisations]
        if not carriers:
            continue
        dispositif, _ = Dispositif.objects.get_or_create(
            departement=ctx.departement, name=name, defaults={"orientation_type": orientation_type}
        )
        dispositif.organisations.add(*[ctx.organisations[key] for key in carriers])
        dispositifs.append((dispositif, carriers, share))
    if Orientation.objects.filter(person__departement=ctx.departement).exists():
        ctx.log("  orientations déjà présentes")
        return

    from jalon.core.scoping import Actor

    admin = Membership.objects.filter(user=ctx.users["admin"], organisation=ctx.organisations["cd"]).first()
    waiting = list(
        orientation_queue(actor=Actor(user=ctx.users["admin"], membership=admin)).values_list(
            "pk", "right_requested_on"
        )
    )
    rng = random.Random(int(ctx.config.code))
    referents = {key: _referents(ctx, key) for _, carriers, _ in dispositifs for key in carriers}
    today = timezone.localdate()
    decisions = []
    for person_id, requested_on in waiting:
        waited = (today - requested_on).days if requested_on else 365
        if rng.random() < next((share for days, share in STILL_WAITING_SHARE if waited <= days), 0.0):
            continue  # left in the queue
        dispositif, carriers, _ = rng.choices(dispositifs, weights=[share for _, _, share in dispositifs])[0]
        key = rng.choice(carriers)
        start = requested_on or today - timedelta(days=365)
        decisions.append(
            {
                "person_id": person_id,
                "orientation_type": dispositif.orientation_type,
                "dispositif_id": dispositif.pk,
                "organisation_id": ctx.organisations[key].pk,
                "referent_id": rng.choice(referents[key]).pk,
                "decided_on": min(today, start + timedelta(days=rng.randint(8, 120))),
                "person_chose_referent": rng.random() < 0.2,
                "person_agreement": rng.choices(["accord", "desaccord", "non_recueilli"], weights=[85, 5, 10])[0],
            }
        )
    count = orientation_bulk_record(actor_label="commande seed_demo", decisions=decisions)
    ctx.log(f"  {len(dispositifs)} dispositifs, {count} orientations, {len(waiting) - count} personnes à orienter")
