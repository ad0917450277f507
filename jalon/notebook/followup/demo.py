"""Demo data for the follow-up: the Département's contract types and a référentiel d'accompagnement per
dispositif. Idempotent and set-based (a handful of rows whatever the population)."""

from jalon.notebook.followup.services import contract_types_default_create
from jalon.notebook.models import AccompanimentRule
from jalon.notebook.referentials import freins_default_create
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif


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
