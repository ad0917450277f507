"""Who runs the professionals' network of a plan: the programme pilot and the Département's administrator create
events and documents and record attendance; the pilots of the linked action's organisation too for its events. Every
reader of the plan registers. A document shows to the roles it names (every reader when it names none; see
`selectors.documents_for`); the plan's editors see every document."""

from jalon.core.scoping import Actor
from jalon.programme import access


def may_run_events(actor: Actor, programme, action=None) -> bool:
    return access.may_edit_plan(actor, programme) or (action is not None and access.may_edit_action(actor, action))


def may_manage_documents(actor: Actor, programme) -> bool:
    return access.may_edit_plan(actor, programme)
