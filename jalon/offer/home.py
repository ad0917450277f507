"""The offer's panels on a partner's home: the referrals received and the structure's services."""

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.core.text import plural


def home_panels(*, actor: Actor) -> dict:
    from jalon.offer.models import Service
    from jalon.offer.referrals.models import Referral, ReferralStatus

    partner_admin = actor.has_role(Role.ADMINISTRATOR) and not actor.is_departement_staff
    if not (partner_admin or actor.has_role(Role.PARTNER)) or actor.organisation_id is None:
        return {}
    waiting = Referral.objects.received_by(actor).filter(status=ReferralStatus.SENT).count()
    open_count = Referral.objects.received_by(actor).filter(status__in=ReferralStatus.open_values()).count()
    services = Service.objects.filter(structure__organisation_id=actor.organisation_id).count()
    return {
        "members_count": actor.organisation.memberships.filter(is_active=True).count(),
        "referrals_open_count": open_count,
        "referrals_text": (
            f"{waiting} orientation{plural(waiting)} à accepter ou refuser, {open_count} en cours au total."
            if open_count
            else "Aucune orientation en cours vers votre structure."
        ),
        "services_text": (
            f"{services} service{plural(services)} de votre structure dans l'offre d'insertion."
            if services
            else "Votre structure n'a encore aucun service dans l'offre d'insertion : ajoutez-en un."
        ),
    }
