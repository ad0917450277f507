"""Demo data for the follow-up: the Département's contract types and a référentiel d'accompagnement per
dispositif. Idempotent and set-based (a handful of rows whatever the population)."""

from jalon.notebook.followup.services import contract_types_default_create
from jalon.notebook.models import AccompanimentRule
from jalon.notebook.referentials import freins_default_create
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, Orientation


# A closer follow-up for professional paths (PA plan, fiche 2), a looser one for social support.
WEEKS_BY_TYPE: dict[str, int] = {
    OrientationType.PROFESSIONAL: 4,
    OrientationType.SOCIO_PROFESSIONAL: 6,
    OrientationType.SOCIAL: 8,
}


def build(ctx) -> None:
    # The référentiel comes with a migration; a database emptied since (tests flushing tables) gets it back.
    freins_default_create()
    created = contract_types_default_create(departement=ctx.departement)
    dispositifs = Dispositif.objects.filter(departement=ctx.departement, accompaniment_rule=None)
    rules = AccompanimentRule.objects.bulk_create(
        [
            AccompanimentRule(dispositif=d, max_weeks_between_contacts=WEEKS_BY_TYPE.get(d.orientation_type, 8))
            for d in dispositifs
        ],
        ignore_conflicts=True,
    )
    ctx.log(f"  suivi du carnet : {len(created)} types de contrat, {len(rules)} référentiels d'accompagnement.")


# The Landes demo shows the contrat d'engagement (loi n° 2023-1196): a few signed, one reduced to 10 hours a week
# for a parent raising children alone without childcare, with the reason and the decision.
ENGAGEMENT_DEMO = {"40": 3}
REDUCED_HOURS = 10


def _single_parent_ids(departement) -> set[int]:
    from django.db.models import Exists, OuterRef

    from jalon.people.enums import HouseholdRole
    from jalon.people.models import HouseholdMember

    others = HouseholdMember.objects.current().filter(household_id=OuterRef("household_id"))
    return set(
        HouseholdMember.objects.current()
        .filter(role=HouseholdRole.APPLICANT, household__departement=departement)
        .filter(Exists(others.filter(role=HouseholdRole.CHILD)))
        .exclude(Exists(others.filter(role=HouseholdRole.PARTNER)))
        .values_list("person_id", flat=True)[:2000]
    )


def build_engagement_contracts(ctx) -> None:
    """Idempotent: nothing when the Département already has a contrat d'engagement. Through the services, as a
    référent's screen would: created, then signed by the person and the structure."""
    import datetime

    from django.utils import timezone

    from jalon.core.scoping import Actor
    from jalon.notebook.enums import HoursReductionReason
    from jalon.notebook.followup.services import ENGAGEMENT_CODE, contract_create, contract_sign
    from jalon.notebook.models import Contract, ContractType, Notebook
    from jalon.organisations.models import Membership

    count = ENGAGEMENT_DEMO.get(ctx.config.code, 0)
    engagement = ContractType.objects.filter(departement=ctx.departement, code=ENGAGEMENT_CODE, is_active=True).first()
    if not count or engagement is None or Contract.objects.filter(contract_type=engagement).exists():
        return
    membership = (
        Membership.objects.filter(user=ctx.users.get("admin"), organisation=ctx.organisations.get("cd"))
        .select_related("organisation", "user")
        .first()
    )
    if membership is None:
        return
    actor = Actor(user=membership.user, membership=membership, memberships=(membership,))
    today = timezone.localdate()
    starts_on = today - datetime.timedelta(days=20)
    # Signed with people their référent has met: a contract follows the first appointment of the path.
    met = Orientation.objects.current().filter(first_appointment_on__lte=starts_on).values("person_id")
    free = Notebook.objects.filter(person__departement=ctx.departement, contracts=None, person__in=met).order_by("pk")
    single_parents = _single_parent_ids(ctx.departement)
    parent = free.filter(person_id__in=single_parents).first()
    chosen = ([parent] if parent else []) + list(free.exclude(pk=getattr(parent, "pk", None))[: count - bool(parent)])
    for notebook in chosen:
        reduced = notebook is parent
        contract = contract_create(
            actor=actor,
            notebook=notebook,
            version=None,
            contract_type=engagement,
            starts_on=starts_on,
            ends_on=None,
            organisation=membership.organisation,
            weekly_hours=REDUCED_HOURS if reduced else None,
            hours_reduction_reason=HoursReductionReason.ISOLATED_PARENT if reduced else "",
            hours_reduction_note="parent isolé, pas de place en crèche avant la rentrée" if reduced else "",
            hours_decided_by=membership.user if reduced else None,
            hours_decided_on=starts_on if reduced else None,
        )
        contract_sign(actor=actor, contract=contract, signed_on=starts_on, signed_by_person=True)
    ctx.log(f"  {len(chosen)} contrats d'engagement signés (dont {int(parent is not None)} à {REDUCED_HOURS} h)")
