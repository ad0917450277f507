"""The intake's panels on the homes: the DSP completeness, the last imports and the duplicates to review."""

from jalon.core.aggregates import actor_scope, kept
from jalon.core.enums import Role
from jalon.core.scoping import Actor


def home_panels(*, actor: Actor) -> dict:
    from jalon.intake.models import DuplicateCandidate, ImportRun
    from jalon.intake.selectors import dsp_completeness_rate

    panels: dict = {}
    if actor.acts_for_departement(Role.ADMINISTRATOR, Role.TERRITORY_MANAGER):
        panels["dsp"] = kept("dsp_completeness", (actor_scope(actor),), lambda: dsp_completeness_rate(actor=actor))
    if actor.acts_for_departement(Role.ADMINISTRATOR):
        panels["recent_imports"] = list(ImportRun.objects.visible_to(actor).order_by("-created_at")[:3])
        panels["duplicates_pending"] = DuplicateCandidate.objects.visible_to(actor).pending().count()
    return panels
