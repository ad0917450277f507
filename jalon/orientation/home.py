"""The orientation's panels on the homes: delay alerts, caseloads and appointments for référents and managers; the
queue, the sessions, the decisions to take and the reorientation requests waiting for an EPL for orientation
officers."""

from django.db.models import Count
from django.utils import timezone

from jalon.core.aggregates import actor_scope, kept
from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.core.text import plural


def home_panels(*, actor: Actor) -> dict:
    panels: dict = {}
    if actor.has_role(Role.REFERENT, Role.TERRITORY_MANAGER):
        panels.update(_followers_panels(actor))
    if actor.acts_for_departement(Role.ORIENTATION_OFFICER):
        from jalon.orientation.reorientation.selectors import pending_requests
        from jalon.orientation.selectors import orientation_queue_count
        from jalon.orientation.sessions.selectors import decisions_to_take, sessions_agenda

        panels["queue_count"] = orientation_queue_count(actor=actor)
        panels["reorientations_count"] = pending_requests(actor=actor).count()
        panels["upcoming_sessions"] = list(sessions_agenda(actor=actor)[:5])
        panels["decisions_to_take"] = decisions_to_take(actor=actor, limit=8)
    return panels


def _followers_panels(actor: Actor) -> dict:
    from jalon.notebook.models import Appointment
    from jalon.orientation.delays.selectors import alerts_for
    from jalon.orientation.enums import DelayStep
    from jalon.orientation.models import ReferentAssignment
    from jalon.orientation.selectors import caseload
    from jalon.people.models import Person

    by_step = kept(
        "delay_alerts_by_step",
        (actor_scope(actor),),
        lambda: dict(alerts_for(actor=actor).order_by().values_list("step").annotate(count=Count("pk"))),
    )
    panels: dict = {
        "alerts_by_step": [(step.label, by_step.get(step.value, 0)) for step in DelayStep],
        "alerts_count": sum(by_step.values()),
    }
    if actor.has_role(Role.REFERENT):
        panels["caseload_count"] = caseload(actor=actor).count()
        upcoming = Appointment.objects.filter(
            professional=actor.user, starts_at__gte=timezone.now(), cancelled_at=None
        ).count()
        panels["appointments_text"] = (
            f"{upcoming} rendez-vous à venir avec les personnes que vous accompagnez."
            if upcoming
            else "Aucun rendez-vous à venir : planifiez-les depuis le carnet de chaque personne."
        )
    else:
        visible = Person.objects.visible_to(actor).values("pk")
        followed = kept(
            "followed_count",
            (actor_scope(actor),),
            lambda: ReferentAssignment.objects.current().filter(person__in=visible).count(),
        )
        panels["caseload_text"] = (
            f"{followed} personne{plural(followed)} suivie{plural(followed)} par un référent dans votre territoire."
        )
    return panels
