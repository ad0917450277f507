from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission


def roles_permission(*roles, partner_admin: bool = False):
    """DRF permission: the actor's role must be one of `roles`, counted as on the screens (see
    core.scoping.require_roles); otherwise 404."""

    class HasRole(BasePermission):
        def has_permission(self, request, view):
            if not request.user.is_authenticated:
                return False  # DRF answers 401/403: authentication is not a secret
            if request.actor.may_act_as(*roles, partner_admin=partner_admin):
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
