"""Reads of the privacy app, scoped to the actor; an export of a person's data is audited."""

from django.http import Http404

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.core.services import audit_event_record
from jalon.people.models import Person
from jalon.privacy.export import PersonExport, person_export_build
from jalon.privacy.models import DataSharingConvention


def can_manage_privacy(actor: Actor) -> bool:
    """The Département's administrators answer rights requests and keep the register of conventions."""
    return actor.acts_for_departement(Role.ADMINISTRATOR)


def person_export_open(*, actor: Actor, pk, file_format: str) -> PersonExport:
    if not can_manage_privacy(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune", "departement"), pk=pk)
    export = person_export_build(person=person)
    audit_event_record(
        code=AuditCode.PERSON_DATA_EXPORTED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
        extra={"format": file_format},
    )
    return export


def convention_list(*, actor: Actor):
    return DataSharingConvention.objects.visible_to(actor).select_related("organisation")


def convention_get(*, actor: Actor, pk, for_edit: bool = False) -> DataSharingConvention:
    if for_edit and not can_manage_privacy(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    return get_visible_or_404(convention_list(actor=actor), pk=pk)
