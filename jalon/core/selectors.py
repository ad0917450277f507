from jalon.core.models import AuditEvent
from jalon.core.scoping import Actor


def audit_event_list(*, actor: Actor, code=None, actor_email: str = "", start=None, end=None):
    """Events an administrator may read: their organisations', plus sign-in events of their members."""
    from jalon.organisations.models import Membership, Organisation

    qs = AuditEvent.objects.select_related("organisation")
    if not actor.is_platform_admin:
        organisation_ids = Organisation.objects.manageable_by(actor).values("pk")
        member_ids = Membership.objects.filter(organisation__in=organisation_ids).values("user_id")
        qs = qs.filter(organisation__in=organisation_ids) | qs.filter(organisation=None, actor__in=member_ids)
    if code:
        qs = qs.with_code(code)
    if actor_email:
        qs = qs.filter(actor_label__icontains=actor_email)
    return qs.between(start, end).order_by("-occurred_at", "-id")
