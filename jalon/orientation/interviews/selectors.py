from django.core.exceptions import ValidationError
from django.http import Http404

from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.intake.enums import DeclaredObstacle
from jalon.orientation.models import (
    Dispositif,
    Interview,
    OrientationCriterion,
    OrientationSession,
    SessionParticipant,
)
from jalon.people.models import Person
from jalon.people.selectors import person_view_record


def actor_departement_id(actor: Actor) -> str:
    """The Département whose criteria the actor works on (their organisation's); 404 without one."""
    if actor.organisation is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return actor.organisation.departement_id


def criteria_list(*, actor: Actor):
    """Every criterion of the actor's Département, active or not, in the order they are applied."""
    return (
        OrientationCriterion.objects.filter(departement_id=actor_departement_id(actor))
        .select_related("proposed_dispositif")
        .order_by("position", "id")
    )


def criterion_for(*, actor: Actor, pk) -> OrientationCriterion:
    return get_visible_or_404(criteria_list(actor=actor), pk=pk)


def dispositifs_of(*, departement_id):
    return Dispositif.objects.filter(departement_id=departement_id, is_active=True).order_by("name")


def person_for_interview(*, actor: Actor, pk, view: str) -> Person:
    """The person (404 out of scope) with their DSP; opening an interview screen is a look at their file."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("dsp", "commune"), pk=pk)
    person_view_record(actor=actor, person=person, screen=view)
    return person


def person_for_proposal(*, actor: Actor, pk) -> Person:
    """The person for the live proposal of the interview screen. Not audited: it only serves the screen that
    was audited when it was opened."""
    return get_visible_or_404(Person.objects.visible_to(actor).select_related("dsp"), pk=pk)


def person_for_test(*, actor: Actor, pk) -> Person:
    """The person picked in the criteria tester, refused in French when out of scope (it is a form field)."""
    person = Person.objects.visible_to(actor).select_related("dsp").filter(pk=pk).first()
    if person is None:
        raise ValidationError({"person": f"Aucune personne n° {pk} dans votre périmètre."})
    person_view_record(actor=actor, person=person, screen="test des critères d'orientation")
    return person


def participant_for_interview(*, actor: Actor, person: Person, pk) -> SessionParticipant:
    """A participation in a session the actor sees. Whether it is the person's is the service's check, so that
    the screen says why instead of a bare 404."""
    qs = SessionParticipant.objects.filter(session__in=OrientationSession.objects.visible_to(actor))
    return get_visible_or_404(qs.select_related("session", "person"), pk=pk)


def _with_labels(interview: Interview) -> Interview:
    interview.obstacle_labels = [  # type: ignore[attr-defined]
        DeclaredObstacle(code).label for code in DeclaredObstacle.values if code in (interview.obstacles or [])
    ]
    return interview


def interview_for_decision(*, person: Person, pk) -> Interview:
    """One of the person's interviews (the person was already fetched within the actor's scope)."""
    qs = Interview.objects.filter(person=person).select_related(
        "proposed_dispositif", "participant__session", "conducted_by"
    )
    return _with_labels(get_visible_or_404(qs.prefetch_related("proposed_dispositif__organisations"), pk=pk))


def person_interviews(*, person: Person, limit: int | None = 5):
    """The person's last interviews, with the decision each led to — for the person's page (one query)."""
    qs = (
        Interview.objects.filter(person=person)
        .select_related(
            "proposed_dispositif",
            "conducted_by",
            "participant__session",
            "orientation__dispositif",
            "orientation__organisation",
            "orientation__referent",
        )
        .order_by("-conducted_on", "-id")
    )
    return [_with_labels(interview) for interview in (qs[:limit] if limit else qs)]
