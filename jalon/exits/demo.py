"""Demo exits: about 3 % of the people followed left their path in the last year, in plausible proportions, through
the exits' services; the points of follow-up already due are recorded (mostly still employed, a few ruptures);
two CAF closures propose an exit to the référent. Idempotent: a Département that has exits is left as is."""

import datetime
import random

from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.exits.models import Exit, ExitType
from jalon.exits.services import (
    checkpoint_record,
    employer_feedback_record,
    exit_proposals_raise,
    exit_record,
    exit_typology_default_create,
)
from jalon.organisations.models import Membership
from jalon.orientation.models import Orientation
from jalon.people.enums import RightState
from jalon.people.models import RsaRight


SHARE = 0.03
# Exit types and their weights: what Départements report (employment first, then training, then the others).
WEIGHTS = {
    "cdi": 14,
    "cdd_6_plus": 12,
    "cdd_less_6": 18,
    "pec": 8,
    "siae": 10,
    "creation": 3,
    "formation": 12,
    "demenagement": 8,
    "perdu_de_vue": 8,
    "fin_droit": 4,
    "refus": 2,
    "retraite": 1,
}
EMPLOYERS = ("Conserverie du Sud-Ouest", "Clinique des Pins", "Transports Lafitte", "Mairie", "Supermarché du centre")


def build(ctx) -> None:
    exit_typology_default_create(departement=ctx.departement)
    if Exit.objects.for_departement(ctx.departement.code).exists():
        ctx.log("  sorties de parcours déjà présentes")
        return
    rng = random.Random(int(ctx.config.code) * 31)
    today = timezone.localdate()
    types = {t.code: t for t in ExitType.objects.filter(departement=ctx.departement)}
    orientations = list(
        Orientation.objects.current()
        .filter(person__departement=ctx.departement, decided_on__lt=today - datetime.timedelta(days=60))
        .select_related("person")
        .order_by("person_id")
    )
    memberships = {
        (m.user_id, m.organisation_id): m
        for m in Membership.objects.active()
        .filter(organisation__departement=ctx.departement)
        .select_related("organisation")
    }
    chosen = rng.sample(orientations, min(len(orientations), round(SHARE * len(orientations))))
    codes, weights = list(WEIGHTS), list(WEIGHTS.values())
    exits = []
    for orientation in chosen:
        membership = memberships.get((orientation.referent_id, orientation.organisation_id))
        if membership is None:
            continue
        actor = Actor(user=membership.user, membership=membership, memberships=(membership,))
        exit_type = types[rng.choices(codes, weights)[0]]
        earliest = max(orientation.decided_on, today - datetime.timedelta(days=365))
        exited_on = earliest + datetime.timedelta(days=rng.randrange(max(1, (today - earliest).days)))
        exit = exit_record(
            actor=actor,
            person=orientation.person,
            exit_type=exit_type,
            exited_on=exited_on,
            employer_name=rng.choice(EMPLOYERS) if exit_type.to_employment else "",
            reason="" if exit_type.to_employment else "constaté en entretien",
            evidence="contrat de travail vu en entretien" if exit_type.to_employment else "",
        )
        exits.append((actor, exit))
    points = ruptures = feedback = 0
    for actor, exit in exits:
        for checkpoint in exit.checkpoints.filter(due_on__lte=today - datetime.timedelta(days=7)).order_by("months"):
            if rng.random() < 0.15:
                continue  # missed: the daily run flags it
            done_on = checkpoint.due_on + datetime.timedelta(days=rng.randrange(7))
            rupture = ruptures < 3 and rng.random() < 0.12
            fields = (
                {
                    "still_employed": False,
                    "rupture_on": done_on - datetime.timedelta(days=3),
                    "rupture_reason": "fin de la période d'essai" if checkpoint.months == 1 else "démission",
                    "in_trial_period": checkpoint.months == 1,
                }
                if rupture
                else {"still_employed": True, "same_employer": rng.random() < 0.85}
            )
            checkpoint_record(actor=actor, exit=exit, months=checkpoint.months, done_on=done_on, **fields)
            if checkpoint.months == 1 and rng.random() < 0.5:
                feedback += 1
                _employer_feedback(rng, actor, exit, done_on + datetime.timedelta(days=2), worried=feedback % 6 == 0)
            points += 1
            ruptures += rupture
            if rupture:
                break
    # Two households whose right the CAF closed last week, still in a path: the référent is asked.
    in_path = [o.person for o in orientations if o not in chosen][:200]
    closed = 0
    for person in rng.sample(in_path, min(2, len(in_path))):
        link = person.household_links.filter(left_on=None).select_related("household").first()
        if link is None:
            continue
        RsaRight.objects.filter(household=link.household).update(
            state=RightState.CLOSED, closure_date=today - datetime.timedelta(days=7), closure_reason="PCG"
        )
        closed += 1
    proposed = exit_proposals_raise(today=today)
    ctx.log(
        f"  sorties de parcours : {len(exits)} sorties, {points} points de suivi, {ruptures} ruptures, "
        f"{feedback} échanges avec les employeurs, "
        f"{proposed} sorties proposées après {closed} clôtures du droit"
    )


def _employer_feedback(rng, actor, exit, given_on, *, worried: bool) -> None:
    """The employer's side at the first month (« fiche miroir »): mostly a good start, sometimes difficulties."""
    if given_on > timezone.localdate():
        return
    employer_feedback_record(
        actor=actor,
        exit=exit,
        given_on=given_on,
        contact=rng.choice(["responsable d'équipe", "gérante", "chef d'atelier", "service RH"]),
        assessment="difficult" if worried else rng.choice(["good", "good", "consolidate"]),
        concerns=rng.sample(["attendance", "mobility", "childcare", "skills"], 2) if worried else [],
        supports=rng.sample(["sponsor", "plan", "reviews", "adjustment"], rng.randrange(1, 3)),
    )
