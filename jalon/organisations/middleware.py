from django.utils.functional import SimpleLazyObject

from jalon.core.scoping import ANONYMOUS, Actor
from jalon.organisations.models import Membership


SESSION_KEY = "current_membership_id"


def _actor_for(request) -> Actor:
    user = request.user
    if not user.is_authenticated:
        return ANONYMOUS
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation__departement")
        .order_by("organisation__name", "role")
    )
    wanted = request.session.get(SESSION_KEY)
    current = next((m for m in memberships if m.pk == wanted), memberships[0] if memberships else None)
    return Actor(user=user, membership=current, memberships=tuple(memberships))


class CurrentOrganisationMiddleware:
    """Sets `request.actor`: the user and the membership (organisation + role) they currently act under."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: _actor_for(request))
        return self.get_response(request)
