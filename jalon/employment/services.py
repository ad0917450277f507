"""Writes of the employment room: publish and update a job offer, position a person and move the positioning along
its loop, record an entry into training and its outcome, and decide on the exit a hire or a completed qualifying
training proposes (recorded through the exits' own service, or dismissed with a reason).

Every write checks everything before it writes anything, runs in one transaction and is audited."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.core.validators import SIRET_INVALID, validate_siret
from jalon.employers.selectors import directory_link
from jalon.employment.enums import (
    NEXT_STATUSES,
    ExitSuggestion,
    OfferContract,
    OfferStatus,
    PositioningStatus,
    TrainingFunding,
    TrainingOutcome,
)
from jalon.employment.models import JobOffer, MeasureExitDecision, Positioning, PositioningStep, TrainingEntry
from jalon.exits.models import Exit
from jalon.exits.services import NOT_FOLLOWED, WRITER_ROLES, exit_record, follows
from jalon.offer.measures.models import Measure, MeasureKind
from jalon.people.models import Person


# Who publishes offers: the Département's staff and its partners' professionals (not pilots nor analysts).
OFFER_WRITER_ROLES = (
    Role.ADMINISTRATOR,
    Role.ORIENTATION_OFFICER,
    Role.REFERENT,
    Role.PARTNER,
    Role.TERRITORY_MANAGER,
)
MAX_WEEKLY_HOURS = Decimal(48)  # the legal maximum (Code du travail, L3121-20)
OFFER_FIELDS = (
    "employer",
    "employer_name",
    "employer_siret",
    "employer_commune",
    "title",
    "appellation",
    "contract",
    "duration_months",
    "weekly_hours",
    "commune",
    "description",
    "published_on",
    "fill_by",
    "social_clause",
    "in_tension",
    "positions",
)
NOT_FOLLOWED_TO_POSITION = (
    "Votre structure ne suit pas cette personne : seule une structure qui l'accompagne peut la positionner "
    + "sur une offre."
)
NOT_FOLLOWED_TO_TRAIN = (
    "Votre structure ne suit pas cette personne : seule une structure qui l'accompagne peut enregistrer sa formation."
)


def _audit(*, code, actor: Actor, subject, person_id=None, new=None) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=subject,
        person_id=person_id,
        new=new,
    )


# --- job offers -------------------------------------------------------------------------------------------------


def may_publish(actor: Actor) -> bool:
    return actor.is_platform_admin or (actor.organisation is not None and actor.may_act_as(*OFFER_WRITER_ROLES))


def may_edit_offer(actor: Actor, offer: JobOffer) -> bool:
    """The organisation that published the offer, or the Département's administrators and managers."""
    if actor.is_platform_admin:
        return True
    if not may_publish(actor) or actor.organisation.departement_id != offer.departement_id:
        return False
    return offer.organisation_id == actor.organisation_id or actor.acts_for_departement(
        Role.ADMINISTRATOR, Role.TERRITORY_MANAGER
    )


def _offer_errors(values: dict, today: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values.get("employer_name"):
        errors["employer_name"] = "Indiquez l'employeur."
    siret = values.get("employer_siret") or ""
    if not siret:
        errors["employer_siret"] = "Indiquez le SIRET de l'employeur."
    else:
        try:
            validate_siret(siret)
        except ValidationError:
            errors["employer_siret"] = SIRET_INVALID
    if values.get("employer_commune") is None:
        errors["employer_commune"] = "Indiquez la commune de l'employeur."
    appellation = values.get("appellation")
    if appellation is None:
        errors["appellation"] = "Une offre sans code ROME est refusée : choisissez le métier dans le référentiel ROME."
    elif not appellation.active:
        errors["appellation"] = "Cette appellation n'est plus en vigueur dans le ROME : choisissez-en une autre."
    contract = values.get("contract") or ""
    if contract not in OfferContract.values:
        errors["contract"] = "Choisissez le type de contrat."
    duration = values.get("duration_months")
    if duration is not None:
        if contract == OfferContract.CDI:
            errors["duration_months"] = "Un CDI n'a pas de durée."
        elif not 1 <= duration <= 60:
            errors["duration_months"] = "La durée du contrat va de 1 à 60 mois."
    hours = values.get("weekly_hours")
    if hours is None:
        errors["weekly_hours"] = "Indiquez la durée hebdomadaire du poste."
    elif not Decimal(0) < Decimal(hours) <= MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = "La durée hebdomadaire va de 1 à 48 heures (maximum légal)."
    if values.get("commune") is None:
        errors["commune"] = "Indiquez la commune du lieu de travail."
    published_on, fill_by = values.get("published_on"), values.get("fill_by")
    if published_on is None:
        errors["published_on"] = "Indiquez la date de publication."
    elif published_on > today:
        errors["published_on"] = "La date de publication ne peut pas être dans le futur."
    elif fill_by is not None and fill_by < published_on:
        errors["fill_by"] = "La date limite pour pourvoir le poste ne peut pas précéder la publication."
    positions = values.get("positions")
    if positions is None or not 1 <= positions <= 500:
        errors["positions"] = "Le nombre de postes va de 1 à 500."
    return errors


def _clean_offer_values(values: dict, departement_id: str) -> dict:
    values = {name: values.get(name) for name in OFFER_FIELDS}
    for name in ("title", "description"):
        values[name] = (values[name] or "").strip()
    values["employer"], values["employer_name"], values["employer_siret"] = directory_link(
        departement_id=departement_id,
        employer=values["employer"],
        name=values["employer_name"],
        siret=values["employer_siret"],
    )
    if values["employer"] is not None and values["employer_commune"] is None:
        values["employer_commune"] = values["employer"].commune
    values["social_clause"] = bool(values["social_clause"])
    values["in_tension"] = bool(values["in_tension"])
    if values["positions"] is None:
        values["positions"] = 1
    return values


@transaction.atomic
def job_offer_publish(*, actor: Actor, today: datetime.date | None = None, **fields) -> JobOffer:
    """Publish an employer's offer on the platform. Its ROME appellation is required: it is what matches the offer
    to people's professional projects."""
    today = today or timezone.localdate()
    if not may_publish(actor):
        raise ValidationError("Votre rôle ne permet pas de publier une offre d'emploi.")
    values = _clean_offer_values(fields, actor.organisation.departement_id)
    errors = _offer_errors(values, today)
    if errors:
        raise ValidationError(errors)
    offer = JobOffer(
        **values,
        rome_id=values["appellation"].rome_id,
        departement_id=actor.organisation.departement_id,
        organisation=actor.organisation,
        published_by=actor.user,
    )
    offer.full_clean()
    offer.save()
    _audit(
        code=AuditCode.JOB_OFFER_PUBLISHED,
        actor=actor,
        subject=offer,
        new={"rome": offer.rome_id, "appellation": offer.appellation_id, "siret": offer.employer_siret},
    )
    return offer


@transaction.atomic
def job_offer_update(
    *, actor: Actor, offer: JobOffer, status: str | None = None, today: datetime.date | None = None, **fields
) -> JobOffer:
    """Edit an offer, or close it (pourvue, close sans embauche) and reopen it."""
    today = today or timezone.localdate()
    if not may_edit_offer(actor, offer):
        raise ValidationError("Seule la structure qui a publié l'offre, ou le Département, peut la modifier.")
    offer = JobOffer.objects.select_for_update().get(pk=offer.pk)
    values = _clean_offer_values(
        {**{name: getattr(offer, name) for name in OFFER_FIELDS}, **fields}, offer.departement_id
    )
    errors = _offer_errors(values, today)
    status = status or offer.status
    if status not in OfferStatus.values:
        errors["status"] = "Statut d'offre inconnu."
    if errors:
        raise ValidationError(errors)
    changed = {name: str(value) for name, value in values.items() if getattr(offer, name) != value}
    for name, value in values.items():
        setattr(offer, name, value)
    offer.rome_id = offer.appellation.rome_id
    if status != offer.status:
        changed["status"] = status
        offer.status = status
        offer.ended_on = None if status == OfferStatus.OPEN else today
    offer.full_clean()
    offer.save()
    _audit(code=AuditCode.JOB_OFFER_UPDATED, actor=actor, subject=offer, new=changed)
    return offer


# --- positionings -----------------------------------------------------------------------------------------------


def _exit_in_force(person: Person) -> Exit | None:
    return Exit.objects.in_force().filter(person=person).first()


def may_move(actor: Actor, positioning: Positioning) -> bool:
    """Who follows the person, or the organisation that positioned them (it keeps the application going)."""
    if not (actor.is_platform_admin or actor.has_role(*WRITER_ROLES)):
        return False
    return positioning.organisation_id == actor.organisation_id or follows(actor, positioning.person)


@transaction.atomic
def positioning_create(
    *, actor: Actor, offer: JobOffer, person: Person, comment: str = "", today: datetime.date | None = None
) -> Positioning:
    """Put a person forward for an offer (status « proposée »). Once per person and offer."""
    today = today or timezone.localdate()
    if not JobOffer.objects.visible_to(actor).filter(pk=offer.pk).exists():
        raise ValidationError("Cette offre n'est pas publiée dans votre département.")
    if not follows(actor, person):
        raise ValidationError(NOT_FOLLOWED_TO_POSITION)
    # The offer's row serialises two positionings of the same person typed at once.
    offer = JobOffer.objects.select_for_update().get(pk=offer.pk)
    existing = Positioning.objects.filter(offer=offer, person=person).first()
    if existing is not None:
        raise ValidationError(
            f"Cette personne est déjà positionnée sur cette offre (statut : {existing.get_status_display()})."
        )
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(f"Cette offre n'est plus ouverte ({offer.get_status_display()}).")
    exited = _exit_in_force(person)
    if exited is not None:
        raise ValidationError(f"Le parcours de cette personne est clos depuis le {exited.exited_on:%d/%m/%Y}.")
    try:
        with transaction.atomic():
            positioning = Positioning.objects.create(
                offer=offer,
                person=person,
                status=PositioningStatus.PROPOSED,
                status_on=today,
                organisation=actor.organisation,
                positioned_by=actor.user,
            )
    except IntegrityError as error:
        raise ValidationError("Cette personne est déjà positionnée sur cette offre.") from error
    PositioningStep.objects.create(
        positioning=positioning,
        status=PositioningStatus.PROPOSED,
        on=today,
        comment=(comment or "").strip()[:255],
        recorded_by=actor.user,
        organisation=actor.organisation,
    )
    _audit(
        code=AuditCode.POSITIONING_CREATED,
        actor=actor,
        subject=positioning,
        person_id=person.pk,
        new={"offer": offer.pk, "rome": offer.rome_id},
    )
    return positioning


@transaction.atomic
def positioning_advance(
    *,
    actor: Actor,
    positioning: Positioning,
    status: str,
    on: datetime.date | None,
    comment: str = "",
    today: datetime.date | None = None,
) -> Positioning:
    """Move the positioning one step along proposée → candidature → entretien → embauché(e) / non retenu(e). A hire
    proposes an exit of the path to the référent, and fills the offer once all its positions are taken."""
    today = today or timezone.localdate()
    if not may_move(actor, positioning):
        raise ValidationError("Votre structure ne suit pas cette personne.")
    positioning = Positioning.objects.select_for_update().select_related("offer", "person").get(pk=positioning.pk)
    current = PositioningStatus(positioning.status)
    errors: dict[str, str] = {}
    if status not in PositioningStatus.values:
        errors["status"] = "Statut inconnu."
    elif status not in NEXT_STATUSES[current]:
        allowed = ", ".join(f"« {PositioningStatus(s).label} »" for s in NEXT_STATUSES[current])
        errors["status"] = (
            f"Un positionnement « {current.label} » ne peut pas passer à « {PositioningStatus(status).label} »"
            + (f" : seulement à {allowed}." if allowed else " : il est terminé.")
        )
    if on is None:
        errors["on"] = "Indiquez la date."
    elif on > today:
        errors["on"] = "La date ne peut pas être dans le futur."
    elif on < positioning.status_on:
        errors["on"] = f"La date ne peut pas précéder l'étape précédente ({positioning.status_on:%d/%m/%Y})."
    if errors:
        raise ValidationError(errors)
    assert on is not None
    positioning.status, positioning.status_on = status, on
    fields = ["status", "status_on", "updated_at"]
    filled = False
    if status == PositioningStatus.HIRED:
        positioning.hired_on = on
        fields.append("hired_on")
        if _exit_in_force(positioning.person) is None:
            positioning.exit_suggestion = ExitSuggestion.PROPOSED
            fields.append("exit_suggestion")
        offer = JobOffer.objects.select_for_update().get(pk=positioning.offer_id)
        hires = Positioning.objects.hires().filter(offer=offer).exclude(pk=positioning.pk).count() + 1
        if hires >= offer.positions and offer.status == OfferStatus.OPEN:
            offer.status, offer.ended_on = OfferStatus.FILLED, on
            offer.save(update_fields=["status", "ended_on", "updated_at"])
            filled = True
    positioning.save(update_fields=fields)
    PositioningStep.objects.create(
        positioning=positioning,
        status=status,
        on=on,
        comment=(comment or "").strip()[:255],
        recorded_by=actor.user,
        organisation=actor.organisation,
    )
    _audit(
        code=AuditCode.POSITIONING_STATUS_CHANGED,
        actor=actor,
        subject=positioning,
        person_id=positioning.person_id,
        new={"from": current.value, "to": status, "on": on, "offer_filled": filled},
    )
    return positioning


# --- the exit a hire or a training proposes ---------------------------------------------------------------------


def _locked_suggestion(model, obj):
    obj = model.objects.select_for_update().select_related("person").get(pk=obj.pk)
    if obj.exit_suggestion != ExitSuggestion.PROPOSED:
        raise ValidationError("Cette sortie proposée a déjà été examinée.")
    return obj


def _suggestion_exit_record(*, actor: Actor, model, obj, code, exit_fields: dict) -> Exit:
    obj = _locked_suggestion(model, obj)
    exit = exit_record(actor=actor, person=obj.person, **exit_fields)
    obj.exit, obj.exit_suggestion = exit, ExitSuggestion.ACCEPTED
    obj.save(update_fields=["exit", "exit_suggestion", "updated_at"])
    _audit(code=code, actor=actor, subject=obj, person_id=obj.person_id, new={"exit": exit.pk})
    return exit


def _suggestion_dismiss(*, actor: Actor, model, obj, code, reason: str):
    obj = _locked_suggestion(model, obj)
    if not follows(actor, obj.person):
        raise ValidationError(NOT_FOLLOWED)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez pourquoi le parcours continue."})
    obj.exit_suggestion, obj.exit_dismiss_reason = ExitSuggestion.DISMISSED, reason.strip()[:255]
    obj.save(update_fields=["exit_suggestion", "exit_dismiss_reason", "updated_at"])
    _audit(code=code, actor=actor, subject=obj, person_id=obj.person_id, new={"dismissed": obj.exit_dismiss_reason})
    return obj


@transaction.atomic
def positioning_exit_record(*, actor: Actor, positioning: Positioning, **exit_fields) -> Exit:
    """The hire ends the path: the exit is recorded by the exits' service (its rules: type of the Département,
    date, who follows the person) and linked to the positioning."""
    return _suggestion_exit_record(
        actor=actor,
        model=Positioning,
        obj=positioning,
        code=AuditCode.POSITIONING_EXIT_DECIDED,
        exit_fields=exit_fields,
    )


@transaction.atomic
def positioning_exit_dismiss(*, actor: Actor, positioning: Positioning, reason: str) -> Positioning:
    """The path goes on despite the hire (a short contract, RSA and work combined…)."""
    return _suggestion_dismiss(
        actor=actor, model=Positioning, obj=positioning, code=AuditCode.POSITIONING_EXIT_DECIDED, reason=reason
    )


@transaction.atomic
def training_exit_record(*, actor: Actor, training: TrainingEntry, **exit_fields) -> Exit:
    return _suggestion_exit_record(
        actor=actor, model=TrainingEntry, obj=training, code=AuditCode.TRAINING_EXIT_DECIDED, exit_fields=exit_fields
    )


@transaction.atomic
def training_exit_dismiss(*, actor: Actor, training: TrainingEntry, reason: str) -> TrainingEntry:
    return _suggestion_dismiss(
        actor=actor, model=TrainingEntry, obj=training, code=AuditCode.TRAINING_EXIT_DECIDED, reason=reason
    )


# --- entries into training --------------------------------------------------------------------------------------


@transaction.atomic
def training_record(
    *,
    actor: Actor,
    person: Person,
    provider: str,
    title: str,
    certifying: bool,
    starts_on: datetime.date | None,
    funding: str,
    level: str = "",
    ends_on: datetime.date | None = None,
) -> TrainingEntry:
    """Record a person's entry into training (fiche 6)."""
    if not follows(actor, person):
        raise ValidationError(NOT_FOLLOWED_TO_TRAIN)
    exited = _exit_in_force(person)
    if exited is not None:
        raise ValidationError(f"Le parcours de cette personne est clos depuis le {exited.exited_on:%d/%m/%Y}.")
    provider, title, level = (provider or "").strip(), (title or "").strip(), level or ""
    errors: dict[str, str] = {}
    if not provider:
        errors["provider"] = "Indiquez l'organisme de formation."
    if not title:
        errors["title"] = "Indiquez l'intitulé de la formation."
    if certifying and not level:
        errors["level"] = "Indiquez le niveau de la certification préparée."
    elif level and not certifying:
        errors["level"] = "Le niveau ne vaut que pour une formation certifiante."
    if starts_on is None:
        errors["starts_on"] = "Indiquez la date d'entrée en formation."
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "La fin prévue ne peut pas précéder l'entrée en formation."
    if funding not in TrainingFunding.values:
        errors["funding"] = "Choisissez le financement de la formation."
    if errors:
        raise ValidationError(errors)
    training = TrainingEntry(
        person=person,
        provider=provider,
        title=title,
        certifying=bool(certifying),
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        funding=funding,
        organisation=actor.organisation,
        recorded_by=actor.user,
    )
    training.full_clean()
    training.save()
    _audit(
        code=AuditCode.TRAINING_RECORDED,
        actor=actor,
        subject=training,
        person_id=person.pk,
        new={"certifying": training.certifying, "funding": funding, "starts_on": starts_on},
    )
    return training


def may_record_outcome(actor: Actor, training: TrainingEntry) -> bool:
    if not (actor.is_platform_admin or actor.has_role(*WRITER_ROLES)):
        return False
    return training.organisation_id == actor.organisation_id or follows(actor, training.person)


@transaction.atomic
def training_outcome_record(
    *,
    actor: Actor,
    training: TrainingEntry,
    outcome: str,
    outcome_on: datetime.date | None,
    today: datetime.date | None = None,
) -> TrainingEntry:
    """How the training ended. A certifying (« qualifiante ») training completed or certified proposes an exit of
    the path of type « formation »: whether it counts as positive is the Département's rule in force."""
    today = today or timezone.localdate()
    if not may_record_outcome(actor, training):
        raise ValidationError("Votre structure ne suit pas cette personne.")
    training = TrainingEntry.objects.select_for_update().select_related("person").get(pk=training.pk)
    if training.outcome:
        raise ValidationError(f"L'issue de cette formation est déjà enregistrée ({training.get_outcome_display()}).")
    errors: dict[str, str] = {}
    if not outcome or outcome not in TrainingOutcome.values:
        errors["outcome"] = "Choisissez l'issue de la formation."
    elif outcome == TrainingOutcome.CERTIFIED and not training.certifying:
        errors["outcome"] = "Une formation non certifiante ne délivre pas de certification : choisissez « terminée »."
    if outcome_on is None:
        errors["outcome_on"] = "Indiquez la date de fin de la formation."
    elif outcome_on > today:
        errors["outcome_on"] = "La date ne peut pas être dans le futur."
    elif outcome_on < training.starts_on:
        errors["outcome_on"] = f"La date ne peut pas précéder l'entrée en formation ({training.starts_on:%d/%m/%Y})."
    if errors:
        raise ValidationError(errors)
    training.outcome, training.outcome_on = outcome, outcome_on
    qualifying = training.certifying and outcome in (TrainingOutcome.COMPLETED, TrainingOutcome.CERTIFIED)
    if qualifying and _exit_in_force(training.person) is None:
        training.exit_suggestion = ExitSuggestion.PROPOSED
    training.full_clean()
    training.save()
    _audit(
        code=AuditCode.TRAINING_OUTCOME_RECORDED,
        actor=actor,
        subject=training,
        person_id=training.person_id,
        new={"outcome": outcome, "outcome_on": outcome_on, "exit_proposed": bool(training.exit_suggestion)},
    )
    return training


# --- the end of an IAE or PEC contract ------------------------------------------------------------------------------

MEASURES_ENDING_IN_AN_EXIT = (MeasureKind.IAE, MeasureKind.PEC)


def _measure_decision(*, measure: Measure, today: datetime.date) -> MeasureExitDecision:
    if measure.kind not in MEASURES_ENDING_IN_AN_EXIT or measure.ends_on is None or measure.ends_on > today:
        raise ValidationError("Seule une mesure d'IAE ou un contrat PEC terminés proposent une sortie de parcours.")
    decision, _ = MeasureExitDecision.objects.get_or_create(measure=measure, defaults={"person_id": measure.person_id})
    return decision


@transaction.atomic
def measure_exit_record(*, actor: Actor, measure: Measure, today: datetime.date | None = None, **exit_fields) -> Exit:
    """The insertion contract ended with a job (a CDI after an ACI, a hire after a PEC…): the exit is recorded by the
    exits' service and linked to the measure."""
    today = today or timezone.localdate()
    decision = _measure_decision(measure=measure, today=today)
    return _suggestion_exit_record(
        actor=actor,
        model=MeasureExitDecision,
        obj=decision,
        code=AuditCode.MEASURE_EXIT_DECIDED,
        exit_fields={"today": today, **exit_fields},
    )


@transaction.atomic
def measure_exit_dismiss(
    *, actor: Actor, measure: Measure, reason: str, today: datetime.date | None = None
) -> MeasureExitDecision:
    """The path goes on after the contract (another contract, a training to come…)."""
    decision = _measure_decision(measure=measure, today=today or timezone.localdate())
    return _suggestion_dismiss(
        actor=actor, model=MeasureExitDecision, obj=decision, code=AuditCode.MEASURE_EXIT_DECIDED, reason=reason
    )
