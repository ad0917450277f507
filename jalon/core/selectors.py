from jalon.core.enums import Role
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


def _s(count: int) -> str:
    return "s" if count > 1 else ""


def home_summary(*, actor: Actor) -> dict:
    """What each role's home shows; every app contributes its panel's figures here (imports stay lazy)."""
    summary: dict = {"memberships": actor.memberships}
    if actor.acts_for_departement(Role.ADMINISTRATOR, Role.TERRITORY_MANAGER):
        from jalon.intake.selectors import dsp_completeness_rate

        summary["dsp"] = dsp_completeness_rate(actor=actor)
    if actor.acts_for_departement(Role.ADMINISTRATOR):
        from jalon.intake.models import DuplicateCandidate, ImportRun

        summary["recent_imports"] = list(ImportRun.objects.visible_to(actor).order_by("-created_at")[:3])
        summary["duplicates_pending"] = DuplicateCandidate.objects.visible_to(actor).pending().count()
    partner_admin = actor.has_role(Role.ADMINISTRATOR) and not actor.is_departement_staff
    if partner_admin or actor.has_role(Role.PARTNER):
        from jalon.offer.models import Service
        from jalon.offer.referrals.models import Referral, ReferralStatus

        waiting = Referral.objects.received_by(actor).filter(status=ReferralStatus.SENT).count()
        open_count = Referral.objects.received_by(actor).filter(status__in=ReferralStatus.open_values()).count()
        services = Service.objects.filter(structure__organisation_id=actor.organisation_id).count()
        summary["members_count"] = actor.organisation.memberships.filter(is_active=True).count()
        summary["referrals_open_count"] = open_count
        summary["referrals_text"] = (
            f"{waiting} orientation{_s(waiting)} à accepter ou refuser, {open_count} en cours au total."
            if open_count
            else "Aucune orientation en cours vers votre structure."
        )
        summary["services_text"] = (
            f"{services} service{_s(services)} de votre structure dans l'offre d'insertion."
            if services
            else "Votre structure n'a encore aucun service dans l'offre d'insertion : ajoutez-en un."
        )
    if actor.has_role(Role.REFERENT, Role.TERRITORY_MANAGER):
        from django.db.models import Count

        from jalon.orientation.delays.selectors import alerts_for
        from jalon.orientation.enums import DelayStep
        from jalon.orientation.selectors import caseload

        alerts = alerts_for(actor=actor)
        by_step = dict(alerts.order_by().values_list("step").annotate(count=Count("pk")))
        summary["alerts_by_step"] = [(step.label, by_step.get(step.value, 0)) for step in DelayStep]
        summary["alerts_count"] = sum(by_step.values())
        if actor.has_role(Role.REFERENT):
            from django.utils import timezone

            from jalon.notebook.models import Appointment

            summary["caseload_count"] = caseload(actor=actor).count()
            upcoming = Appointment.objects.filter(
                professional=actor.user, starts_at__gte=timezone.now(), cancelled_at=None
            ).count()
            summary["appointments_text"] = (
                f"{upcoming} rendez-vous à venir avec les personnes que vous accompagnez."
                if upcoming
                else "Aucun rendez-vous à venir : planifiez-les depuis le carnet de chaque personne."
            )
        else:
            from jalon.orientation.models import ReferentAssignment
            from jalon.people.models import Person

            visible = Person.objects.visible_to(actor).values("pk")
            followed = ReferentAssignment.objects.current().filter(person__in=visible).count()
            summary["caseload_text"] = (
                f"{followed} personne{_s(followed)} suivie{_s(followed)} par un référent dans votre territoire."
            )
    if actor.has_role(Role.REFERENT, Role.TERRITORY_MANAGER):
        from jalon.exits.selectors import follow_up_counts

        counts = follow_up_counts(actor=actor)
        parts = [
            f"{counts['overdue']} point{_s(counts['overdue'])} de suivi en retard",
            f"{counts['soon']} à faire dans les 30 jours",
            f"{counts['at_risk']} situation{_s(counts['at_risk'])} à risque",
            f"{counts['proposals']} sortie{_s(counts['proposals'])} proposée{_s(counts['proposals'])} "
            "après une clôture du droit",
        ]
        summary["follow_up_text"] = (
            ", ".join(parts) + "."
            if any(counts.values())
            else "Aucun point de suivi en emploi à faire ni aucune sortie proposée pour les personnes que vous suivez."
        )
    if actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ANALYST):
        from django.utils import timezone

        from jalon.observatory.home import home_panel

        summary["observatory"] = home_panel(actor=actor, today=timezone.localdate())
    if actor.acts_for_departement(Role.ORIENTATION_OFFICER):
        from jalon.orientation.selectors import orientation_queue
        from jalon.orientation.sessions.selectors import decisions_to_take, sessions_agenda

        summary["queue_count"] = orientation_queue(actor=actor).count()
        summary["upcoming_sessions"] = list(sessions_agenda(actor=actor)[:5])
        summary["decisions_to_take"] = list(decisions_to_take(actor=actor)[:8])
    return summary
