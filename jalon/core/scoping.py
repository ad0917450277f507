"""How every app decides what the acting professional may see.

A request carries an `Actor`: the user and their current membership (organisation + role). Apps give their
QuerySets a `visible_to(actor)` method; selectors call it, then fetch with `get_visible_or_404`, so that an
object outside the actor's scope answers exactly like an object that does not exist (404).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import resolve

from jalon.core.enums import Role


NOT_FOUND_MESSAGE = "Page introuvable."

# The organisation kinds that are the Département itself: its central directions and its territorial services.
# Only they run the Département's own processes (imports, orientation, sessions, EPL, criteria, figures,
# duplicates, audit); an administrator of a partner organisation administers that organisation, nothing more.
DEPARTEMENT_STAFF_KINDS = ("cd", "sdsei")
# Roles that only mean something inside the Département's own organisations. In a partner organisation they
# grant nothing of the Département's: its administrator administers that organisation (members, services,
# API tokens) where a view says so (`partner_admin=True`), and no chargé d'orientation, manager, pilot or
# analyst of a partner acts for the Département until it delegates that explicitly (decision 0016).
DEPARTEMENT_ROLES = (
    Role.ADMINISTRATOR,
    Role.ORIENTATION_OFFICER,
    Role.TERRITORY_MANAGER,
    Role.PROGRAMME_PILOT,
    Role.ANALYST,
)


@dataclass(frozen=True)
class Actor:
    user: Any
    membership: Any = None
    # Every active membership of the user, for the current-organisation selector.
    memberships: tuple = ()

    @property
    def organisation(self):
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def departement_code(self) -> str | None:
        return self.organisation.departement_id if self.membership else None

    @cached_property
    def territory_ids(self) -> tuple[int, ...]:
        """Territories the membership is limited to; empty means the whole département."""
        if self.membership is None:
            return ()
        return tuple(self.membership.territories.values_list("pk", flat=True))

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_superuser)

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in roles

    @property
    def is_departement_staff(self) -> bool:
        """Acts for the Département: a member of one of its own organisations (or the platform's staff)."""
        return self.is_platform_admin or (
            self.organisation is not None and self.organisation.kind in DEPARTEMENT_STAFF_KINDS
        )

    def may_act_as(self, *roles: Role | str, partner_admin: bool = False) -> bool:
        """Has one of `roles`, counted as the Département's roles say (see DEPARTEMENT_ROLES)."""
        if self.is_platform_admin:
            return True
        if not self.has_role(*roles):
            return False
        if self.is_departement_staff or self.role not in DEPARTEMENT_ROLES:
            return True
        return partner_admin and self.role == Role.ADMINISTRATOR

    def acts_for_departement(self, *roles: Role | str) -> bool:
        """The one definition of "Département staff in one of these roles", for views, APIs and services."""
        return self.is_platform_admin or (self.is_departement_staff and self.has_role(*roles))

    @property
    def is_departement_admin(self) -> bool:
        """An administrator of the Conseil départemental manages every organisation of its département."""
        from jalon.organisations.enums import OrganisationKind

        return bool(
            self.has_role(Role.ADMINISTRATOR) and self.organisation.kind == OrganisationKind.CONSEIL_DEPARTEMENTAL
        )


ANONYMOUS = Actor(user=None)


def get_visible_or_404(queryset: QuerySet, **lookups):
    """Fetch one object from an already scoped queryset; absent and forbidden give the same 404."""
    try:
        return queryset.get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND_MESSAGE) from exc


def require_roles(*roles: Role, partner_admin: bool = False) -> Callable:
    """View decorator: actors without one of the roles get the same 404 as an unknown URL. The Département's
    roles count only in its own organisations; `partner_admin=True` opens the view to a partner organisation's
    administrator too (for the administration of that organisation: its scoping is the view's job)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.actor.may_act_as(*roles, partner_admin=partner_admin):
                raise Http404(NOT_FOUND_MESSAGE)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        wrapper.may_open = lambda actor: actor.may_act_as(*roles, partner_admin=partner_admin)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def view_opens_for(actor: "Actor", url: str) -> bool:
    """Asks the view's own access decorator whether `url` opens for the actor, so that a screen never offers a
    link that would answer 404."""
    may_open = getattr(resolve(url).func, "may_open", None)
    return may_open is None or may_open(actor)


def require_departement_staff(*roles: Role) -> Callable:
    """View decorator for the Département's own processes: the role alone is not enough, the organisation
    must be the Département's. Everyone else gets the 404 of an unknown URL."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.actor.acts_for_departement(*roles):
                raise Http404(NOT_FOUND_MESSAGE)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        wrapper.may_open = lambda actor: actor.acts_for_departement(*roles)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def ensure_departement_staff(actor: Actor, *roles: Role) -> None:
    """The same check inside a service or selector, so that no other entry point (API, command, task with an
    actor) bypasses it."""
    if not actor.acts_for_departement(*roles):
        raise Http404(NOT_FOUND_MESSAGE)


def roles_label(roles: Iterable[str]) -> str:
    return ", ".join(Role(role).label for role in roles)
