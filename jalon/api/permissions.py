from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission


def roles_permission(*roles):
    """DRF permission: the actor's role must be one of `roles`; otherwise 404, as on the screens."""

    class HasRole(BasePermission):
        def has_permission(self, request, view):
            if not request.user.is_authenticated:
                return False  # DRF answers 401/403: authentication is not a secret
            actor = request.actor
            if actor.is_platform_admin or actor.has_role(*roles):
                return True
            raise NotFound()

    return HasRole


def departement_staff_permission(*roles):
    """DRF permission for the Département's own processes: role and organisation kind (see core.scoping)."""

    class ActsForDepartement(BasePermission):
        def has_permission(self, request, view):
            if not request.user.is_authenticated:
                return False
            if request.actor.acts_for_departement(*roles):
                return True
            raise NotFound()

    return ActsForDepartement
