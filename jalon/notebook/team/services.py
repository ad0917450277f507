"""The team around the person, the person's consent to share, and notes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.core.services import audit_event_record
from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import Consent, Note, Notebook, TeamMember
from jalon.notebook.services import notebook_ensure_open
from jalon.organisations.models import Membership
from jalon.orientation.models import Orientation, ReferentAssignment


def _record(*, actor, code, subject, notebook: Notebook, new: dict) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=subject,
        person_id=notebook.person_id,
        new=new,
    )


def _organisation_follows_the_person(organisation, notebook: Notebook) -> bool:
    """True when the organisation reaches the person without consent: the Département's staff, the organisation
    the person is oriented to, or the one whose référent follows them (as `Person.objects.visible_to`)."""
    person = notebook.person
    if organisation.kind in DEPARTEMENT_STAFF_KINDS:
        return organisation.departement_id == person.departement_id
    return (
        Orientation.objects.current().filter(person=person, organisation=organisation).exists()
        or ReferentAssignment.objects.current().filter(person=person, organisation=organisation).exists()
    )


@transaction.atomic
def consent_record(*, actor, notebook: Notebook, organisation, given_on=None) -> Consent:
    """The person agrees to share their carnet with an organisation (recorded by the professional with them)."""
    notebook_ensure_open(notebook=notebook)
    if Consent.objects.filter(notebook=notebook, organisation=organisation, revoked_on=None).exists():
        raise ValidationError({"organisation": f"La personne a déjà donné son accord au partage avec {organisation}."})
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "La date de l'accord ne peut pas être dans le futur."})
    consent = Consent.objects.create(
        notebook=notebook, organisation=organisation, given_on=given_on, recorded_by=actor.user
    )
    _record(
        actor=actor,
        code=AuditCode.CONSENT_RECORDED,
        subject=consent,
        notebook=notebook,
        new={"organisation": organisation.name},
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor, consent: Consent) -> Consent:
    """The person withdraws their consent: the organisation's team members lose access at once."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_on is not None:
        raise ValidationError("Ce consentement est déjà retiré.")
    consent.revoked_on = timezone.localdate()
    consent.save(update_fields=["revoked_on", "updated_at"])
    _record(
        actor=actor,
        code=AuditCode.CONSENT_REVOKED,
        subject=consent,
        notebook=consent.notebook,
        new={"organisation": consent.organisation.name},
    )
    return consent


@transaction.atomic
def team_member_add(*, actor, notebook: Notebook, user, organisation, role: str) -> TeamMember:
    """Invite a professional into the person's team. Someone from an organisation that does not already follow
    the person needs the person's consent to share with that organisation first."""
    notebook_ensure_open(notebook=notebook)
    if not role.strip():
        raise ValidationError({"role": "Indiquez le rôle de ce professionnel auprès de la personne."})
    if not Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise ValidationError({"user": f"{user.get_full_name()} n'est pas membre de {organisation}."})
    if TeamMember.objects.filter(notebook=notebook, user=user, ended_on=None).exists():
        raise ValidationError({"user": f"{user.get_full_name()} fait déjà partie de l'équipe."})
    consented = Consent.objects.filter(notebook=notebook, organisation=organisation, revoked_on=None).exists()
    if not consented and not _organisation_follows_the_person(organisation, notebook):
        raise ValidationError(
            {
                "organisation": f"La personne n'a pas donné son accord au partage de son carnet avec {organisation} : "
                "recueillez d'abord son consentement."
            }
        )
    member = TeamMember.objects.create(
        notebook=notebook, user=user, organisation=organisation, role=role.strip(), invited_by=actor.user
    )
    _record(
        actor=actor,
        code=AuditCode.TEAM_MEMBER_ADDED,
        subject=member,
        notebook=notebook,
        new={"user": user.get_full_name(), "organisation": organisation.name, "role": role},
    )
    return member


@transaction.atomic
def team_member_end(*, actor, member: TeamMember) -> TeamMember:
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_on is not None:
        raise ValidationError("Ce professionnel ne fait déjà plus partie de l'équipe.")
    member.ended_on = timezone.localdate()
    member.save(update_fields=["ended_on", "updated_at"])
    _record(
        actor=actor,
        code=AuditCode.TEAM_MEMBER_ENDED,
        subject=member,
        notebook=member.notebook,
        new={"user": member.user.get_full_name()},
    )
    return member


@transaction.atomic
def note_add(*, actor, notebook: Notebook, visibility: str, text: str) -> Note:
    """A note, shared with the team and the person, or private to the author's organisation."""
    notebook_ensure_open(notebook=notebook)
    if visibility not in NoteVisibility.values:
        raise ValidationError({"visibility": "Choisissez si la note est partagée ou privée à votre structure."})
    if not text.strip():
        raise ValidationError({"text": "La note est vide."})
    note = Note.objects.create(
        notebook=notebook, author=actor.user, organisation=actor.organisation, visibility=visibility, text=text.strip()
    )
    # The text itself is personal data: the audit keeps who wrote what kind of note, not its content.
    _record(actor=actor, code=AuditCode.NOTE_ADDED, subject=note, notebook=notebook, new={"visibility": visibility})
    return note
