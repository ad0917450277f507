"""Who writes a signatory's commitments: the programme pilot and the Département's administrator for any signatory;
a signatory organisation's own administrator or programme pilot for its own. Readers are the plan's."""

from jalon.core.scoping import Actor
from jalon.programme import access
from jalon.programme.models import Programme, Signatory


def editable_signatories(actor: Actor, programme: Programme):
    signatories = programme.signatories.filter(signed=True).select_related("organisation")
    if access.may_edit_plan(actor, programme):
        return signatories
    if not actor.has_role(*access.PLAN_EDITORS) or actor.organisation_id is None:
        return signatories.none()
    return signatories.filter(organisation_id=actor.organisation_id)


def may_edit_commitments_of(actor: Actor, signatory: Signatory) -> bool:
    return editable_signatories(actor, signatory.programme).filter(pk=signatory.pk).exists()


def may_edit_any(actor: Actor, programme: Programme) -> bool:
    return editable_signatories(actor, programme).exists()
