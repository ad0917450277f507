"""Who reads and who edits the evaluation.

- The Département's staff read the evaluation of its plans (the framework, the instance's work, the findings, the
  reports); partner organisations do not: the findings are the instance's working material.
- The Département's programme pilot and administrator edit it (decision 0016: a partner organisation's
  administrator is not the Département).
Anything else answers 404.
"""

from functools import wraps

from django.http import Http404

from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.programme.access import may_edit_plan


def may_read(actor: Actor) -> bool:
    return actor.is_platform_admin or (actor.is_departement_staff and actor.organisation is not None)


def may_edit(actor: Actor, programme) -> bool:
    return may_edit_plan(actor, programme)


def require_reader(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_read(request.actor):
            raise Http404(NOT_FOUND_MESSAGE)
        return view(request, *args, **kwargs)

    wrapper.may_open = may_read  # type: ignore[attr-defined]
    return wrapper
