"""Who reads and who writes the governance of a plan.

- Readers are the plan's readers (the Département's staff, the organisations the plan names), in its programme.
- Meetings, documents and decisions are written by the plan's editors: the programme pilot and the Département's
  administrator.
- A decision is marked done by its editors and by the members of the organisation that owns it.
"""

from jalon.core.scoping import Actor
from jalon.programme.access import may_edit_plan


def may_edit_governance(actor: Actor, programme) -> bool:
    return may_edit_plan(actor, programme)


def may_mark_done(actor: Actor, decision) -> bool:
    if may_edit_plan(actor, decision.meeting.body.programme):
        return True
    return decision.owner_organisation_id is not None and decision.owner_organisation_id == actor.organisation_id
