from jalon.api.models import ApiToken
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.organisations.models import Membership, Organisation


def api_token_list(*, actor: Actor):
    return (
        ApiToken.objects.manageable_by(actor)
        .select_related("membership__user", "membership__organisation", "created_by")
        .order_by("revoked_at", "-created_at")
    )


def api_token_get(*, actor: Actor, pk) -> ApiToken:
    return get_visible_or_404(
        ApiToken.objects.manageable_by(actor).select_related("membership__user", "membership__organisation"), pk=pk
    )


def token_organisations(*, actor: Actor):
    """Organisations the actor may issue tokens for."""
    return Organisation.objects.manageable_by(actor).active().order_by("name")


def token_organisation_get(*, actor: Actor, pk) -> Organisation:
    return get_visible_or_404(token_organisations(actor=actor), pk=pk)


def token_memberships(*, organisation: Organisation):
    """The accounts of the organisation a token may act as."""
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "role")
    )
