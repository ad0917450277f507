"""Writes of the personal-data lifecycle: anonymising expired files, purging the audit log, deactivating unused
accounts (docs/decisions/0017). Each function is idempotent: a second run on the same day changes nothing."""

from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from jalon.core.bulk import statistics_refresh
from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.core.periods import add_months
from jalon.core.services import audit_event_record, changed_fields
from jalon.people.enums import ChangeKind
from jalon.privacy.retention import expired_persons, last_contact, retention_cutoff, start_of_day


ANONYMOUS_NAME = "ANONYME"

# Models holding free text written about a person (comments, notes, message bodies…), and the path to the person.
# Their text fields are emptied; their structured fields (dates, statuses, reasons from lists) feed the figures.
FREE_TEXT: tuple[tuple[str, str], ...] = (
    ("messaging.Message", "person"),
    ("notebook.Note", "notebook__person"),
    ("notebook.Contact", "notebook__person"),
    ("notebook.NotebookFrein", "notebook__person"),
    ("notebook.ProfessionalProject", "notebook__person"),
    ("orientation.Orientation", "person"),
    ("orientation.SessionParticipant", "person"),
    ("orientation.Interview", "person"),
    ("orientation.ReorientationRequest", "person"),
    ("orientation.LongTermReview", "person"),
    ("offer.Referral", "person"),
    ("offer.ReferralEvent", "referral__person"),
    ("offer.Measure", "person"),
    ("intake.SocioProfessionalData", "person"),
)
# Short texts that are snapshots of the person's identity or contact details.
IDENTITY_SNAPSHOTS = {"messaging.Message": ("subject",)}

PERSON_BLANKS = {
    "civility": "",
    "last_name": ANONYMOUS_NAME,
    "birth_name": "",
    "first_name": "",
    "birth_place": "",
    "nir_encrypted": "",
    "nir_hash": "",
    "france_travail_id": "",
    "internal_id": "",
    "phone": "",
    "email": "",
    "address": "",
    "address_complement": "",
    "geocoded_address": "",
    "latitude": None,
    "longitude": None,
    "normalized_last_name": "anonyme",
    "normalized_birth_name": "",
    "normalized_first_name": "",
}


def _text_fields(model: type[models.Model]) -> list[str]:
    names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
    return names + list(IDENTITY_SNAPSHOTS.get(model._meta.label, ()))


def _blank_person(person, today: date) -> None:
    for field, value in PERSON_BLANKS.items():
        setattr(person, field, value)
    # The year of birth is enough for the figures' age bands; the day and month identify.
    person.birth_date = date(person.birth_date.year, 7, 1)
    person.anonymised_on = today
    person.save(update_fields=[*PERSON_BLANKS, "birth_date", "anonymised_on", "updated_at"])


@transaction.atomic
def person_anonymise(*, person, today: date) -> None:
    """Blank the person's identity and the free text about them; keep the rows the figures count. Their files
    merged into this one go the same way; their households too once no identified member is left."""
    person_model = apps.get_model("people", "Person")
    person = person_model.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_on is not None:
        return
    contact_day, contact_label = last_contact(person)
    persons = [person, *person_model.objects.filter(merged_into=person, anonymised_on=None)]
    person_ids = [p.pk for p in persons]
    for each in persons:
        _blank_person(each, today)

    change_event = apps.get_model("people", "ChangeEvent")
    member = apps.get_model("people", "HouseholdMember")
    household = apps.get_model("people", "Household")
    household_ids = list(member.objects.filter(person_id__in=person_ids).values_list("household_id", flat=True))
    emptied = household.objects.filter(pk__in=household_ids).exclude(
        pk__in=member.objects.filter(person__anonymised_on=None).values("household_id")
    )
    for each in emptied:
        each.matricule = f"ANON-{each.pk}"  # fits the 15 characters of a matricule
        each.address = each.address_complement = each.geocoded_address = each.source_hash = ""
        each.raw_fingerprint = ""
        each.latitude = each.longitude = None
        each.save()
    # Before/after values of identity changes and merges are identity themselves.
    change_event.objects.filter(
        Q(person_id__in=person_ids) | Q(person=None, household__in=emptied),
        kind__in=(ChangeKind.IDENTITY_UPDATED, ChangeKind.MERGED),
    ).update(data={})

    for label, path in FREE_TEXT:
        model = apps.get_model(label)
        model.objects.filter(**{f"{path}__in": person_ids}).update(**dict.fromkeys(_text_fields(model), ""))
    apps.get_model("notebook", "PersonAccessCode").objects.filter(person_id__in=person_ids).delete()
    duplicate = apps.get_model("intake", "DuplicateCandidate")
    duplicate.objects.filter(Q(person_id__in=person_ids) | Q(other_id__in=person_ids)).delete()
    # The person leaves every portfolio and team: nobody follows an anonymous file.
    for label, path in (
        ("orientation.Orientation", "person"),
        ("orientation.ReferentAssignment", "person"),
        ("notebook.TeamMember", "notebook__person"),
    ):
        apps.get_model(label).objects.filter(**{f"{path}__in": person_ids}, ended_on=None).update(ended_on=today)
    apps.get_model("orientation", "DelayAlert").objects.filter(person_id__in=person_ids, closed_at=None).update(
        closed_at=timezone.now()
    )
    # The log keeps who did what and when, not the labels and values that named the person.
    AuditEvent.objects.filter(person_id__in=person_ids).update(subject_label="", data={})
    audit_event_record(
        code=AuditCode.PERSON_ANONYMISED,
        subject=person,
        person_id=person.pk,
        extra={
            "last_contact_on": contact_day,
            "last_contact": contact_label,
            "retention_months": settings.JALON_RETENTION_MONTHS,
            "merged_files": len(person_ids) - 1,
        },
    )


def persons_anonymise_expired(*, today: date) -> int:
    """Anonymise every file past its retention period; one transaction per person, so a failure keeps the others."""
    count = 0
    for person in expired_persons(today=today).only("pk").iterator(chunk_size=500):
        person_anonymise(person=person, today=today)
        count += 1
    return count


# --- the audit log --------------------------------------------------------------------------------------------


def is_read_code(code: int) -> bool:
    """Sign-ins and consultations (CNIL's "access logs"); every other event records a write."""
    if code < 200:
        return True
    try:
        name = AuditCode(code).name
    except ValueError:
        return False
    return name.endswith(("_VIEWED", "_DOWNLOADED", "_SEARCHED")) or name.startswith("PERSON_SPACE_LOG")


def _months_before(today: date, months: int) -> date:
    return add_months(today, -months)


@transaction.atomic
def audit_events_purge(*, today: date) -> dict:
    """Delete the events past their retention: on the anniversary day they go (reads and sign-ins after
    JALON_AUDIT_READ_RETENTION_MONTHS, writes after JALON_AUDIT_WRITE_RETENTION_MONTHS)."""
    read_codes = [code.value for code in AuditCode if is_read_code(code.value)]
    read_until = start_of_day(_months_before(today, settings.JALON_AUDIT_READ_RETENTION_MONTHS) + timedelta(days=1))
    write_until = start_of_day(_months_before(today, settings.JALON_AUDIT_WRITE_RETENTION_MONTHS) + timedelta(days=1))
    reads, _ = AuditEvent.objects.filter(Q(code__in=read_codes) | Q(code__lt=200), occurred_at__lt=read_until).delete()
    writes, _ = (
        AuditEvent.objects.exclude(code__in=read_codes).filter(code__gte=200, occurred_at__lt=write_until).delete()
    )
    statistics_refresh(AuditEvent, rows=reads + writes)
    if reads or writes:
        audit_event_record(
            code=AuditCode.AUDIT_PURGED,
            extra={
                "reads": reads,
                "writes": writes,
                "reads_before": read_until.date(),
                "writes_before": write_until.date(),
            },
        )
    return {"reads": reads, "writes": writes}


# --- professional accounts -------------------------------------------------------------------------------------


def accounts_deactivate_unused(*, today: date) -> int:
    """Deactivate the accounts nobody signed in to for JALON_ACCOUNT_INACTIVITY_MONTHS months (never signed in:
    counted from the account's creation). Platform administrators are left to the back-office."""
    user_model = apps.get_model("accounts", "User")
    months = settings.JALON_ACCOUNT_INACTIVITY_MONTHS
    until = start_of_day(_months_before(today, months) + timedelta(days=1))
    unused = user_model.objects.filter(is_active=True, is_superuser=False).filter(
        Q(last_login__lt=until) | Q(last_login=None, date_joined__lt=until)
    )
    count = 0
    for user in unused.iterator():
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_event_record(
                code=AuditCode.ACCOUNT_DEACTIVATED,
                subject=user,
                old={"is_active": True},
                new={"is_active": False},
                extra={"last_login": user.last_login, "inactivity_months": months},
            )
        count += 1
    return count


def privacy_daily(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "cutoff": retention_cutoff(today),
        "anonymised": persons_anonymise_expired(today=today),
        "audit": audit_events_purge(today=today),
        "deactivated": accounts_deactivate_unused(today=today),
    }


# --- the register of data-sharing conventions ---------------------------------------------------------------

CONVENTION_FIELDS = ["organisation", "purpose", "legal_basis", "data_categories", "signed_on", "expires_on"]


@transaction.atomic
def convention_save(*, actor, data: dict, convention=None):
    """Create or update a convention of the register; the signed document is replaced only when a new one is
    given. Audited with the values before and after."""
    from jalon.privacy.models import DataSharingConvention

    document = data.get("document")
    if convention is None:
        convention = DataSharingConvention(**{field: data[field] for field in CONVENTION_FIELDS})
        if document:
            convention.document = document
        convention.full_clean()
        convention.save()
        code, old, new = AuditCode.CONVENTION_CREATED, None, {f: getattr(convention, f) for f in CONVENTION_FIELDS}
    else:
        convention = DataSharingConvention.objects.select_for_update().get(pk=convention.pk)
        old, new = changed_fields(convention, CONVENTION_FIELDS, data)
        for field, value in new.items():
            setattr(convention, field, value)
        if document and document != convention.document:
            convention.document = document
            new["document"] = document.name
        if data.get("document") is False:  # the form's "clear" box
            convention.document = ""
            new["document"] = ""
        convention.full_clean()
        convention.save()
        code = AuditCode.CONVENTION_UPDATED
    audit_event_record(
        code=code, actor=actor.user, organisation=actor.organisation, subject=convention, old=old, new=new
    )
    return convention
