"""Who builds surveys and reads their results, and who enters a paper questionnaire.

- The Département's programme pilot, analyst and administrator build questionnaires, launch campaigns, review
  the free texts and read the results (always thresholded), in their Département only.
- Any professional of the Département's own organisations (orientation officers, référents, managers) may enter
  a paper questionnaire collected for an open campaign: they choose no person, only the answers.
- A partner organisation's administrator is not the Département (decision 0016).
"""

from functools import wraps

from django.http import Http404

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor


MANAGERS = (Role.PROGRAMME_PILOT, Role.ANALYST, Role.ADMINISTRATOR)
PAPER_ENTRY = (*MANAGERS, Role.ORIENTATION_OFFICER, Role.TERRITORY_MANAGER, Role.REFERENT)


def may_manage(actor: Actor) -> bool:
    return actor.acts_for_departement(*MANAGERS) and bool(actor.departement_code)


def may_enter_paper(actor: Actor) -> bool:
    return actor.acts_for_departement(*PAPER_ENTRY) and bool(actor.departement_code)


def _require(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.actor):
                raise Http404(NOT_FOUND_MESSAGE)
            return view(request, *args, **kwargs)

        wrapper.may_open = check  # type: ignore[attr-defined]
        return wrapper

    return decorator


require_manager = _require(may_manage)
require_paper_entry = _require(may_enter_paper)
