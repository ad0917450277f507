from django.db.models import Count, Q

from jalon.accounts.models import User
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.organisations.models import Invitation, Membership, Organisation


def organisation_list(*, actor: Actor, search: str = "", kind: str = ""):
    qs = Organisation.objects.manageable_by(actor).search(search).select_related("departement", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True))).order_by("name", "pk")


def organisation_get(*, actor: Actor, pk) -> Organisation:
    return get_visible_or_404(
        Organisation.objects.manageable_by(actor).select_related("departement", "parent", "commune"), pk=pk
    )


def membership_list(*, organisation: Organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("territories")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )


def membership_get(*, organisation: Organisation, pk) -> Membership:
    return get_visible_or_404(Membership.objects.filter(organisation=organisation).select_related("user"), pk=pk)


def organisation_members_with_roles(*, organisation_id: int | None, roles):
    """The users who are active members of the organisation in one of `roles`, by name (for a pick-list)."""
    return (
        User.objects.active()
        .filter(
            memberships__in=Membership.objects.active().filter(organisation_id=organisation_id).with_role(*roles),
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def membership_list_for_user(*, user):
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def invitation_list(*, organisation: Organisation):
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")


def invitation_get(*, organisation: Organisation, pk) -> Invitation:
    return get_visible_or_404(Invitation.objects.filter(organisation=organisation), pk=pk)


def invitation_get_by_token(*, token) -> Invitation:
    return get_visible_or_404(Invitation.objects.select_related("organisation"), token=token)
