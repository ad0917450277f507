"""Who may do what with employers and immersions.

- The directory is read by every professional of the département (the Département and its partners) and completed
  by those who work with people (référents, partners, the Département's staff, a partner's administrator).
- « Les entreprises s'engagent » (commitments), the groupements d'employeurs and the chargé(e)s de relation
  entreprises are the Département's: its administrators, managers and chargés d'orientation, and any Département
  professional assigned as chargé(e) de relation entreprises.
- An immersion is written by an organisation that follows the person (the carnet's rule for writes); it is validated
  by the prescriber: the Département's administrators, managers and chargés d'orientation for the people they see,
  or the administrator of the partner organisation that prescribed it.
"""

from functools import wraps

from django.http import Http404
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.employers.models import RelationsOfficer
from jalon.people.models import Person


DIRECTORY_READERS = tuple(Role)
DIRECTORY_WRITERS = (
    Role.REFERENT,
    Role.PARTNER,
    Role.ADMINISTRATOR,
    Role.ORIENTATION_OFFICER,
    Role.TERRITORY_MANAGER,
)
RELATIONS_ROLES = (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.ORIENTATION_OFFICER)
COUNSELLOR_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
VALIDATOR_ROLES = (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.ORIENTATION_OFFICER)
IMMERSION_READERS = (*COUNSELLOR_ROLES, Role.TERRITORY_MANAGER)


def may_read_directory(actor: Actor) -> bool:
    return actor.is_platform_admin or actor.organisation is not None


def may_edit_directory(actor: Actor) -> bool:
    return actor.may_act_as(*DIRECTORY_WRITERS, partner_admin=True)


def is_relations_officer(actor: Actor) -> bool:
    if not actor.is_departement_staff or actor.user is None or actor.organisation is None:
        return False
    return (
        RelationsOfficer.objects.current(timezone.localdate())
        .filter(user=actor.user, departement_id=actor.organisation.departement_id)
        .exists()
    )


def may_manage_relations(actor: Actor) -> bool:
    return actor.acts_for_departement(*RELATIONS_ROLES) or is_relations_officer(actor)


def sees(actor: Actor, person: Person) -> bool:
    return Person.objects.visible_to(actor).filter(pk=person.pk).exists()


def follows(actor: Actor, person: Person) -> bool:
    """A professional in a writing role whose organisation sees the person directly (not a team member under
    consent): the same rule as for the carnet's writes and the exits."""
    if not (actor.is_platform_admin or actor.has_role(*COUNSELLOR_ROLES)):
        return False
    return sees(actor, person)


def may_validate(actor: Actor, immersion) -> bool:
    if actor.is_platform_admin:
        return True
    if actor.acts_for_departement(*VALIDATOR_ROLES):
        return sees(actor, immersion.person)
    # A partner organisation validates the agreements it prescribed, through its administrator.
    return (
        actor.has_role(Role.ADMINISTRATOR)
        and actor.organisation_id == immersion.organisation_id
        and sees(actor, immersion.person)
    )


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.actor):
                raise Http404(NOT_FOUND_MESSAGE)
            return view(request, *args, **kwargs)

        wrapper.may_open = check  # type: ignore[attr-defined]
        return wrapper

    return decorator


require_directory_reader = _guard(may_read_directory)
require_directory_writer = _guard(may_edit_directory)
require_relations_manager = _guard(may_manage_relations)
