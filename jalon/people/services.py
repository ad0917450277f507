from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, HouseholdMember, Person


# Identifiers and contact details the kept file takes from the merged one when it has none.
FILLABLE_FIELDS = [
    "nir_encrypted",
    "nir_hash",
    "internal_id",
    "france_travail_id",
    "birth_name",
    "birth_place",
    "phone",
    "email",
]


@transaction.atomic
def person_merge(*, actor, kept: Person, merged: Person, candidate=None) -> Person:
    """Merge `merged` into `kept`: memberships and history move to `kept`, nothing is deleted, and `merged`
    stays as a record pointing to `kept` (so both histories remain readable)."""
    kept = Person.objects.select_for_update().get(pk=kept.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    if kept.pk == merged.pk or kept.merged_into_id or merged.merged_into_id:
        raise ValidationError("Ces dossiers ont déjà été fusionnés.")
    if kept.nir_hash and merged.nir_hash and kept.nir_hash != merged.nir_hash:
        raise ValidationError(
            "Les deux dossiers portent des NIR différents : il ne peut pas s'agir de la même personne."
        )

    filled = {
        name: getattr(merged, name) for name in FILLABLE_FIELDS if not getattr(kept, name) and getattr(merged, name)
    }
    # The merged file leaves the NIR uniqueness constraint before the kept one may take its NIR.
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    for name, value in filled.items():
        setattr(kept, name, value)
    if filled:
        kept.set_normalized_names()
        kept.save()

    kept_households = set(HouseholdMember.objects.current().filter(person=kept).values_list("household_id", flat=True))
    now = timezone.now()
    merged_links = HouseholdMember.objects.filter(person=merged)
    # A household both files are current members of keeps the kept file's membership only.
    shared = list(merged_links.current().filter(household_id__in=kept_households).values_list("pk", flat=True))
    HouseholdMember.objects.filter(pk__in=shared).update(left_on=now.date(), updated_at=now)
    merged_links.exclude(pk__in=shared).update(person=kept, updated_at=now)
    moved_events = ChangeEvent.objects.filter(person=merged).update(person=kept)

    from jalon.intake.models import SocioProfessionalData

    if not SocioProfessionalData.objects.filter(person=kept).exists():
        SocioProfessionalData.objects.filter(person=merged).update(person=kept)

    data = {
        "merged_person": merged.pk,
        "filled": sorted(name for name in filled if name != "nir_encrypted"),
        "moved_events": moved_events,
    }
    ChangeEvent.objects.create(kind=ChangeKind.MERGED, person=kept, actor=actor.user, data=data)
    if candidate is not None:
        _review(candidate, actor, "merged")
    audit_event_record(
        code=AuditCode.PERSONS_MERGED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=kept,
        person_id=kept.pk,
        extra=data,
    )
    return kept


@transaction.atomic
def duplicate_mark_distinct(*, actor, candidate) -> None:
    if candidate.status != "pending":
        raise ValidationError("Ce doublon possible a déjà été examiné.")
    _review(candidate, actor, "distinct")
    audit_event_record(
        code=AuditCode.PERSONS_MARKED_DISTINCT,
        actor=actor.user,
        organisation=actor.organisation,
        subject=candidate.person,
        person_id=candidate.person_id,
        extra={"other_person": candidate.other_id},
    )


def _review(candidate, actor, status: str) -> None:
    candidate.status, candidate.reviewed_by, candidate.reviewed_at = status, actor.user, timezone.now()
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
