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


# What a professional may correct on a file (RGPD art. 16); identifiers and the NIR come from the CAF/MSA flux.
RECTIFIABLE_FIELDS = [
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
    "birth_place",
    "sex",
    "phone",
    "email",
    "address",
    "address_complement",
    "postal_code",
    "city",
]
ADDRESS_FIELDS = {"address", "address_complement", "postal_code", "city"}


@transaction.atomic
def person_rectify(*, actor, person: Person, data: dict, reason: str) -> dict:
    """Correct a person's identity or contact details: the history keeps before/after, who and why (the
    rectification log shown on the file) and the audit log records it. Returns the changed fields."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Indiquez le motif de la rectification (par exemple : demande de la personne)."}
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    old, new = {}, {}
    for field in RECTIFIABLE_FIELDS:
        if field in data and getattr(person, field) != data[field]:
            old[field], new[field] = getattr(person, field), data[field]
            setattr(person, field, data[field])
    if not new:
        raise ValidationError("Aucune donnée n'a changé : rien n'est enregistré.")
    if ADDRESS_FIELDS & new.keys():
        # Coordinates belonged to the old address; the geocoder will place the new one.
        person.latitude = person.longitude = None
        person.geocoded_address = ""
    person.set_normalized_names()
    person.full_clean(exclude=["departement", "merged_into", "commune"])
    person.save()
    jsonable = {key: str(value) if value is not None else "" for key, value in new.items()}
    before = {key: str(value) if value is not None else "" for key, value in old.items()}
    ChangeEvent.objects.create(
        kind=ChangeKind.IDENTITY_UPDATED,
        person=person,
        actor=actor.user,
        data={"old": before, "new": jsonable, "reason": reason},
    )
    audit_event_record(
        code=AuditCode.PERSON_UPDATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=person,
        person_id=person.pk,
        old=old,
        new=new,
        extra={"reason": reason},
    )
    return new
