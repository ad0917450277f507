"""Reads of the intake app, scoped to the actor."""

from django.db.models import Count

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.intake.models import ImportRun, SocioProfessionalData, dsp_complete_q
from jalon.people.models import HouseholdMember, Person


def dsp_get(*, actor: Actor, person_pk) -> tuple[Person, SocioProfessionalData | None]:
    """The person (404 when out of the actor's scope) and their DSP, if any, in one query."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("dsp"), pk=person_pk)
    try:
        dsp = person.dsp
    except SocioProfessionalData.DoesNotExist:
        dsp = None
    return person, dsp


def dsp_completeness_rate(*, actor: Actor) -> dict:
    """Indicator "part de DSP renseignés" (PTI, target 100 %) over the persons visible to the actor who are
    currently subject to rights and duties: {"count", "complete", "rate"}; rate is None when count is 0.

    One aggregate query (plus, once per actor, the membership's territories)."""
    subject = HouseholdMember.objects.current().filter(subject_to_rights_and_duties=True)
    figures = (
        Person.objects.visible_to(actor)
        .filter(pk__in=subject.values("person_id"))
        .aggregate(count=Count("pk"), complete=Count("pk", filter=dsp_complete_q("dsp__")))
    )
    count, complete = figures["count"], figures["complete"]
    return {"count": count, "complete": complete, "rate": round(100 * complete / count, 1) if count else None}


def import_run_list(*, actor: Actor):
    return ImportRun.objects.visible_to(actor).select_related("organisation").order_by("-created_at", "-pk")


def import_run_get(*, actor: Actor, pk) -> ImportRun:
    return get_visible_or_404(ImportRun.objects.visible_to(actor).select_related("same_as", "organisation"), pk=pk)
