"""Writes of the directory: a structure's members and the Département's administrators keep their services up to
date (create, update, confirm, publish / suspend / archive), and the owners of stale services are reminded.

Each write is one transaction with its audit event. Scope (who may manage which structure) is decided by the
selectors (`structures_manageable_by`), from which views fetch the structure or service: out of scope is 404.
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record, changed_fields
from jalon.messaging.digests import digest_send, plural
from jalon.offer.directory import selectors
from jalon.offer.directory.text import search_values
from jalon.offer.enums import OfferStatus
from jalon.offer.models import Service, Structure
from jalon.offer.referentials import validate_publics, validate_schema_email
from jalon.organisations.models import Membership


# The fields a structure edits; the others (source, ids, dates, status, search text) are Jalon's.
EDITABLE_FIELDS = [
    "name",
    "description",
    "kind",
    "thematiques",
    "publics",
    "publics_details",
    "fee",
    "fee_details",
    "access_conditions",
    "reception_modes",
    "eligibility_zone",
    "mobilisation_modes",
    "mobilisable_by",
    "mobilisation_details",
    "mobilisation_url",
    "contact_name",
    "phone",
    "email",
    "address",
    "postal_code",
    "insee_code",
    "commune_name",
    "capacity",
    "places_available",
]

STATUS_VERBS = {
    OfferStatus.PUBLISHED: "publié",
    OfferStatus.DRAFT: "suspendu (brouillon)",
    OfferStatus.ARCHIVED: "archivé",
}


def _check(values: dict[str, Any]) -> None:
    """The directory's rules, with French messages on the field concerned."""
    errors: dict[str, str] = {}
    if not values.get("eligibility_zone"):
        errors["eligibility_zone"] = (
            "Indiquez au moins une zone d'éligibilité (commune, EPCI, département ou « france ») : "
            "sans zone, le service ne serait proposé sur aucun territoire."
        )
    if not values.get("thematiques"):
        errors["thematiques"] = "Choisissez au moins une thématique."
    # data·inclusion's own rules, so that every published service exports and is served valid.
    for name, validate in (("publics", validate_publics), ("email", validate_schema_email)):
        try:
            validate(values.get(name))
        except ValidationError as error:
            errors[name] = error.messages[0]
    capacity, places = values.get("capacity"), values.get("places_available")
    if capacity is not None and places is not None and places > capacity:
        errors["places_available"] = f"Les places disponibles ({places}) dépassent la capacité d'accueil ({capacity})."
    if errors:
        raise ValidationError(errors)


def service_search_columns_set(service: Service) -> None:
    """The derived search columns (`search_text`, `search_vector`) from the name, description and structure, set on
    the instance before it is saved (every write of these fields calls it, the back-office too)."""
    for name, value in search_values(
        name=service.name, description=service.description, structure_name=service.structure.name
    ).items():
        setattr(service, name, value)


def structure_services_search_refresh(*, structure: Structure) -> int:
    """A structure's name is in its services' search columns: rewrite theirs after a rename (the import renames
    structures itself, in bulk). Returns the number of services rewritten."""
    services = list(Service.objects.filter(structure=structure).only("name", "description", "structure_id"))
    for service in services:
        service.structure = structure
        service_search_columns_set(service)
    Service.objects.bulk_update(services, ["search_text", "search_vector"], batch_size=500)
    return len(services)


def _audit(code: AuditCode, *, actor: Actor, service: Service, old=None, new=None, extra=None) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=service,
        old=old,
        new=new,
        extra={"structure": service.structure_id, **(extra or {})},
    )


@transaction.atomic
def service_create(
    *, actor: Actor, structure: Structure, data: dict[str, Any], funding_labels=(), today: datetime.date | None = None
) -> Service:
    """A new service of the structure, as a draft (publish it once checked), confirmed up to date today."""
    today = today or timezone.localdate()
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    _check(values)
    service = Service(
        structure=structure,
        source=structure.source,
        source_id=f"jalon-{uuid.uuid4().hex}",
        departement_id=structure.departement_id or actor.departement_code,
        updated_on=today,
        last_confirmed_on=today,
        status=OfferStatus.DRAFT,
        **values,
    )
    service_search_columns_set(service)
    service.full_clean()
    service.save()
    service.funding_labels.set(funding_labels)
    _audit(
        AuditCode.OFFER_SERVICE_CREATED,
        actor=actor,
        service=service,
        new={**values, "funding_labels": sorted(label.pk for label in funding_labels)},
    )
    return service


@transaction.atomic
def service_update(
    *, actor: Actor, service: Service, data: dict[str, Any], funding_labels=None, today: datetime.date | None = None
) -> Service:
    """Apply the changes; modifying a service also confirms it up to date."""
    today = today or timezone.localdate()
    service = Service.objects.select_for_update().select_related("structure").get(pk=service.pk)
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    _check({**{name: getattr(service, name) for name in EDITABLE_FIELDS}, **values})
    old, new = changed_fields(service, EDITABLE_FIELDS, values)
    if funding_labels is not None:
        before = sorted(service.funding_labels.values_list("pk", flat=True))
        after = sorted(label.pk for label in funding_labels)
        if before != after:
            old["funding_labels"], new["funding_labels"] = before, after
    if not new:
        return service
    for name, value in new.items():
        if name != "funding_labels":
            setattr(service, name, value)
    service.updated_on = today
    service.last_confirmed_on = today
    service_search_columns_set(service)
    service.full_clean()
    service.save()
    if "funding_labels" in new:
        service.funding_labels.set(funding_labels)
    _audit(AuditCode.OFFER_SERVICE_UPDATED, actor=actor, service=service, old=old, new=new)
    return service


@transaction.atomic
def service_confirm(*, actor: Actor, service: Service, today: datetime.date | None = None) -> Service:
    """The structure says the service is still as described (its freshness starts again)."""
    today = today or timezone.localdate()
    old = service.last_confirmed_on
    Service.objects.filter(pk=service.pk).update(last_confirmed_on=today, updated_at=timezone.now())
    service.last_confirmed_on = today
    _audit(
        AuditCode.OFFER_SERVICE_CONFIRMED,
        actor=actor,
        service=service,
        old={"last_confirmed_on": old},
        new={"last_confirmed_on": today},
    )
    return service


@transaction.atomic
def service_status_set(*, actor: Actor, service: Service, status: str) -> Service:
    """Publish, suspend (back to draft: out of the search) or archive a service."""
    if status not in OfferStatus.values:
        raise ValidationError({"status": f"Statut inconnu : {status}."})
    service = Service.objects.select_for_update().select_related("structure").get(pk=service.pk)
    if service.status == status:
        raise ValidationError(f"Le service est déjà {STATUS_VERBS[OfferStatus(status)]}.")
    if status == OfferStatus.PUBLISHED:
        _check({name: getattr(service, name) for name in EDITABLE_FIELDS})
    old = service.status
    Service.objects.filter(pk=service.pk).update(status=status, updated_at=timezone.now())
    service.status = status
    _audit(
        AuditCode.OFFER_SERVICE_STATUS_CHANGED,
        actor=actor,
        service=service,
        old={"status": old},
        new={"status": status},
    )
    return service


def stale_services_remind(*, today: datetime.date | None = None) -> int:
    """E-mail each active member of the structures that have stale published services one digest (counts and a
    link, no personal data); returns the number of e-mails sent. Structures without a Jalon account are not
    reminded (their data comes from their source)."""
    today = today or timezone.localdate()
    counts = selectors.stale_counts_by_organisation(today=today)
    if not counts:
        return 0
    months = selectors.stale_months()
    per_user: dict[int, tuple[Any, dict[str, int]]] = {}
    memberships = (
        Membership.objects.active()
        .filter(organisation_id__in=list(counts))
        .select_related("user", "organisation")
        .order_by("user_id", "organisation__name")
    )
    for membership in memberships:
        user, lines = per_user.setdefault(membership.user_id, (membership.user, {}))
        lines[membership.organisation.name] = counts[membership.organisation_id]
    for user, by_organisation in per_user.values():
        total = sum(by_organisation.values())
        digest_send(
            user=user,
            subject=f"Jalon : {total} {plural(total, 'service')} de l'offre à confirmer",
            intro=(
                f"Ces services publiés dans l'offre d'insertion n'ont pas été confirmés à jour depuis {months} mois. "
                "Vérifiez-les, puis confirmez-les ou modifiez-les :"
            ),
            lines=[
                f"- {name} : {count} {plural(count, 'service')} à confirmer" for name, count in by_organisation.items()
            ],
            url_name="offer:my_services",
        )
    with transaction.atomic():
        audit_event_record(
            code=AuditCode.OFFER_STALE_REMINDED,
            extra={
                "jour": today.isoformat(),
                "mois": months,
                "courriels": len(per_user),
                "services": sum(counts.values()),
            },
        )
    return len(per_user)
