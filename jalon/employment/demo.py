"""Demo job offers and trainings: offers of plausible employers for the jobs the carnets' projects name (from the
ROME referential), positionings in every status, a few hires that became exits, and entries into training. Through
the services only. Idempotent: a Département that has offers is left as is. Small demos (tests) stay small."""

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.employers.models import Employer
from jalon.employment import selectors
from jalon.employment.models import JobOffer
from jalon.employment.services import (
    job_offer_publish,
    positioning_advance,
    positioning_create,
    positioning_exit_record,
    training_outcome_record,
    training_record,
)
from jalon.notebook.models import ProfessionalProject
from jalon.offer.measures.models import Measure, MeasureKind
from jalon.organisations.models import Membership
from jalon.orientation.models import ReferentAssignment
from jalon.territories.models import Commune


CONTRACTS = ("cdi", "cdd", "cdd", "interim", "saisonnier", "pec")
LOOP = ("candidature", "entretien", "embauche")


def build(ctx) -> None:
    if JobOffer.objects.filter(departement=ctx.departement).exists():
        ctx.log("  offres d'emploi déjà présentes")
        return
    rng = random.Random(int(ctx.config.code) * 47)
    today = timezone.localdate()
    small = ctx.households is not None
    projects = list(
        ProfessionalProject.objects.filter(
            notebook__person__departement=ctx.departement, notebook__closed_on=None, appellation__isnull=False
        )
        .select_related("appellation", "notebook__person")
        .order_by("pk")[: 40 if small else 400]
    )
    communes = list(Commune.objects.filter(departement=ctx.departement).exclude(latitude=None).order_by("code")[:30])
    admin = (
        Membership.objects.active()
        .filter(organisation__departement=ctx.departement, organisation__kind="cd")
        .filter(role="administrateur")
        .select_related("organisation", "user")
        .first()
    )
    employers = list(Employer.objects.filter(departement=ctx.departement).select_related("commune").order_by("pk"))
    _link_measures(rng, ctx.departement, employers)
    if not projects or not communes or admin is None or not employers:
        ctx.log("  offres d'emploi : rien à rapprocher")
        return
    publisher = Actor(user=admin.user, membership=admin, memberships=(admin,))
    offers = []
    for project in projects[: 12 if small else 150]:
        employer = rng.choice(employers)
        contract = rng.choice(CONTRACTS)
        commune = rng.choice(communes)
        offers.append(
            (
                job_offer_publish(
                    actor=publisher,
                    employer=employer,
                    appellation=project.appellation,
                    contract=contract,
                    duration_months=rng.choice((2, 6, 12)) if contract not in ("cdi", "pec") else None,
                    weekly_hours=rng.choice((24, 28, 35, 35, 39)),
                    commune=commune,
                    published_on=today - datetime.timedelta(days=rng.randrange(20, 90)),
                    social_clause=rng.random() < 0.2,
                    in_tension=rng.random() < 0.4,
                    positions=rng.choice((1, 1, 2)),
                ),
                project,
            )
        )
    memberships = {
        (m.user_id, m.organisation_id): m
        for m in Membership.objects.active().filter(organisation__departement=ctx.departement)
    }
    positioned = hires = exits = 0
    for index, (offer, project) in enumerate(offers):
        person = project.notebook.person
        assignment = ReferentAssignment.objects.current().filter(person=person).first()
        membership = assignment and memberships.get((assignment.referent_id, assignment.organisation_id))
        if membership is None:
            continue
        actor = Actor(user=membership.user, membership=membership, memberships=(membership,))
        start = offer.published_on + datetime.timedelta(days=2)
        try:
            positioning = positioning_create(actor=actor, offer=offer, person=person, today=start)
        except ValidationError:
            continue  # the person's path closed, or the demo gave her the same job twice
        positioned += 1
        # Every status shows: some stay proposed, some go further, some are not retained.
        steps = LOOP[: index % 4] if index % 5 != 4 else ("non_retenu",)
        for number, status in enumerate(steps, 1):
            positioning = positioning_advance(
                actor=actor,
                positioning=positioning,
                status=status,
                on=start + datetime.timedelta(days=5 * number),
                today=today,
            )
        if positioning.status == "embauche":
            hires += 1
            initial = selectors.hire_exit_initial(positioning)
            if hires % 2 and initial["exit_type"] is not None:
                try:
                    positioning_exit_record(actor=actor, positioning=positioning, **initial)
                except ValidationError:
                    pass  # refused, e.g. hired before her first orientation (the demo's dates follow today): no exit
                else:
                    exits += 1
                    continue
        if index % 3 == 0:
            training = training_record(
                actor=actor,
                person=person,
                provider=rng.choice(("AFPA", "GRETA des Landes", "CFA du BTP")),
                title=f"Titre professionnel {project.appellation.label}"[:200],
                certifying=True,
                level=rng.choice(("3", "4")),
                starts_on=today - datetime.timedelta(days=rng.randrange(60, 200)),
                funding=rng.choice(("region", "cpf", "france_travail", "departement")),
            )
            if index % 2 == 0:
                training_outcome_record(
                    actor=actor,
                    training=training,
                    outcome=rng.choice(("terminee", "certifiee", "abandonnee")),
                    outcome_on=today - datetime.timedelta(days=rng.randrange(1, 20)),
                )
    ctx.log(
        f"  offres d'emploi : {len(offers)} offres, {positioned} positionnements, {hires} embauches, "
        f"{exits} sorties de parcours"
    )


def _link_measures(rng, departement, employers) -> None:
    """The demo's PEC contracts, clauses and older immersions were recorded with a plain employer name (the offer's
    demo runs before the directory's): link them to the directory's establishments."""
    if not employers:
        return
    measures = list(
        Measure.objects.filter(
            person__departement=departement,
            employer=None,
            kind__in=(MeasureKind.PEC, MeasureKind.CLAUSE, MeasureKind.PMSMP),
        )
    )
    for measure in measures:
        employer = rng.choice(employers)
        measure.employer, measure.employer_name, measure.employer_siret = employer, employer.name, employer.siret
    Measure.objects.bulk_update(measures, ["employer", "employer_name", "employer_siret"], batch_size=500)
