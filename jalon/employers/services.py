"""Writes of the employers' directory and of the immersions (PMSMP).

Every write checks everything before it writes anything (a refusal is a ValidationError in French, nothing
half-saved), runs in one transaction and is audited; an immersion's events name the person.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.core.validators import SIRET_INVALID, validate_siret
from jalon.employers import access
from jalon.employers.enums import (
    HireContract,
    ImmersionObjective,
    ImmersionStatus,
    InteractionKind,
    ReviewOutcome,
    SizeBand,
)
from jalon.employers.models import (
    MAX_IMMERSION_DAYS,
    MAX_OBJECTIVES,
    Commitment,
    Employer,
    EmployerContact,
    EmployerGroup,
    Immersion,
    Interaction,
    RelationsOfficer,
)
from jalon.employers.naf import NAF_INVALID, normalise_naf, subclasses
from jalon.notebook.models import Notebook
from jalon.people.models import Person


NOT_FOLLOWED = "Votre structure ne suit pas cette personne : seule une structure qui l'accompagne peut le faire."
NOT_ALLOWED = "Votre rôle ne permet pas cette action."
S = ImmersionStatus


def _audit(*, code, actor: Actor, subject, person_id=None, new=None, old=None) -> None:
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=subject,
        person_id=person_id,
        new=new,
        old=old,
    )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- the directory ----------------------------------------------------------------------------------------------


def _employer_errors(*, departement_id, siret, name, naf_code, commune, size_band, exclude_pk=None) -> dict:
    errors: dict[str, str] = {}
    try:
        validate_siret(siret)
    except ValidationError:
        errors["siret"] = SIRET_INVALID
    else:
        twin = Employer.objects.filter(departement_id=departement_id, siret=siret).exclude(pk=exclude_pk).first()
        if twin is not None:
            errors["siret"] = f"Cet établissement est déjà dans l'annuaire : {twin.name}."
    if not name:
        errors["name"] = "Indiquez la raison sociale ou l'enseigne."
    if not naf_code:
        errors["naf_code"] = "Indiquez le code NAF de l'établissement (sur son avis de situation SIRENE)."
    elif naf_code not in subclasses():
        errors["naf_code"] = NAF_INVALID
    if commune is None:
        errors["commune"] = "Indiquez la commune de l'établissement."
    elif commune.departement_id != departement_id:
        errors["commune"] = "L'établissement doit être situé dans le département de l'annuaire."
    if size_band and size_band not in SizeBand.values:
        errors["size_band"] = "Tranche d'effectif inconnue."
    return errors


def _clean_siret(value: str) -> str:
    return "".join((value or "").split())


@transaction.atomic
def employer_create(
    *,
    actor: Actor,
    siret: str,
    name: str,
    naf_code: str,
    commune,
    size_band: str = "",
    address: str = "",
    note: str = "",
    departement_id: str | None = None,
) -> Employer:
    """Add an establishment to the département's directory (one SIRET once)."""
    if not access.may_edit_directory(actor):
        raise ValidationError(NOT_ALLOWED)
    departement_id = departement_id or actor.departement_code or ""
    siret, name, naf_code = _clean_siret(siret), (name or "").strip(), normalise_naf(naf_code or "")
    _raise(
        _employer_errors(
            departement_id=departement_id,
            siret=siret,
            name=name,
            naf_code=naf_code,
            commune=commune,
            size_band=size_band,
        )
    )
    employer = Employer(
        departement_id=departement_id,
        siret=siret,
        name=name,
        naf_code=naf_code,
        commune=commune,
        size_band=size_band or "",
        address=(address or "").strip(),
        note=(note or "").strip(),
        created_by=actor.user,
        organisation=actor.organisation,
    )
    employer.full_clean()
    employer.save()
    _audit(
        code=AuditCode.EMPLOYER_CREATED,
        actor=actor,
        subject=employer,
        new={"siret": siret, "name": name, "naf": naf_code, "commune": commune.pk},
    )
    return employer


@transaction.atomic
def employer_update(
    *,
    actor: Actor,
    employer: Employer,
    siret: str,
    name: str,
    naf_code: str,
    commune,
    size_band: str = "",
    address: str = "",
    note: str = "",
) -> Employer:
    if not access.may_edit_directory(actor) or employer.departement_id != (
        actor.departement_code if not actor.is_platform_admin else employer.departement_id
    ):
        raise ValidationError(NOT_ALLOWED)
    siret, name, naf_code = _clean_siret(siret), (name or "").strip(), normalise_naf(naf_code or "")
    _raise(
        _employer_errors(
            departement_id=employer.departement_id,
            siret=siret,
            name=name,
            naf_code=naf_code,
            commune=commune,
            size_band=size_band,
            exclude_pk=employer.pk,
        )
    )
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    old = {"siret": employer.siret, "name": employer.name, "naf": employer.naf_code, "commune": employer.commune_id}
    employer.siret, employer.name, employer.naf_code, employer.commune = siret, name, naf_code, commune
    employer.size_band, employer.address, employer.note = (
        size_band or "",
        (address or "").strip(),
        (note or "").strip(),
    )
    employer.full_clean()
    employer.save()
    _audit(
        code=AuditCode.EMPLOYER_UPDATED,
        actor=actor,
        subject=employer,
        old=old,
        new={"siret": siret, "name": name, "naf": naf_code, "commune": commune.pk},
    )
    return employer


@transaction.atomic
def employer_contact_add(
    *, actor: Actor, employer: Employer, name: str, job_title: str = "", email: str = "", phone: str = ""
) -> EmployerContact:
    if not access.may_edit_directory(actor):
        raise ValidationError(NOT_ALLOWED)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Indiquez le nom du contact."})
    if not (email or phone):
        raise ValidationError({"email": "Indiquez au moins un courriel ou un téléphone pour joindre ce contact."})
    contact = EmployerContact(
        employer=employer,
        name=name,
        job_title=(job_title or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
    )
    contact.full_clean()
    contact.save()
    _audit(code=AuditCode.EMPLOYER_CONTACT_ADDED, actor=actor, subject=employer, new={"contact": name})
    return contact


@transaction.atomic
def interaction_record(
    *,
    actor: Actor,
    employer: Employer,
    occurred_on: datetime.date | None,
    kind: str,
    note: str = "",
    today: datetime.date | None = None,
) -> Interaction:
    """Log a contact with the employer (who, when, what)."""
    today = today or timezone.localdate()
    if not access.may_edit_directory(actor):
        raise ValidationError(NOT_ALLOWED)
    errors: dict[str, str] = {}
    if occurred_on is None:
        errors["occurred_on"] = "Indiquez la date de l'échange."
    elif occurred_on > today:
        errors["occurred_on"] = "La date de l'échange ne peut pas être dans le futur."
    if kind not in InteractionKind.values:
        errors["kind"] = "Choisissez le type d'échange."
    _raise(errors)
    assert occurred_on is not None  # checked above
    interaction = Interaction.objects.create(
        employer=employer,
        occurred_on=occurred_on,
        kind=kind,
        note=(note or "").strip(),
        recorded_by=actor.user,
        organisation=actor.organisation,
    )
    _audit(
        code=AuditCode.EMPLOYER_INTERACTION_RECORDED,
        actor=actor,
        subject=employer,
        new={"kind": kind, "occurred_on": occurred_on},
    )
    return interaction


COMMITMENT_FIELDS = (
    "immersions_offered",
    "hires",
    "sponsorships",
    "job_datings",
    "immersions_done",
    "hires_done",
    "sponsorships_done",
    "job_datings_done",
)


@transaction.atomic
def commitment_record(
    *,
    actor: Actor,
    employer: Employer,
    year: int | None,
    note: str = "",
    today: datetime.date | None = None,
    **figures,
) -> Commitment:
    """Record (or update) the employer's commitment of a year in « Les entreprises s'engagent »: what it offers and
    what it achieved. The first commitment makes it a member of the network."""
    today = today or timezone.localdate()
    if not access.may_manage_relations(actor):
        raise ValidationError(NOT_ALLOWED)
    errors: dict[str, str] = {}
    if year is None:
        errors["year"] = "Indiquez l'année de l'engagement."
    elif not 2015 <= year <= today.year + 1:
        errors["year"] = f"L'année de l'engagement doit être comprise entre 2015 et {today.year + 1}."
    values = {}
    for name in COMMITMENT_FIELDS:
        value = figures.get(name) or 0
        if not isinstance(value, int) or value < 0 or value > 10_000:
            errors[name] = "Indiquez un nombre entier positif."
        values[name] = value
    unknown = set(figures) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown commitment fields: {sorted(unknown)}")
    if not errors and not any(values[name] for name in COMMITMENT_FIELDS[:4]):
        errors["immersions_offered"] = (
            "Un engagement porte sur au moins une immersion, un recrutement, un parrainage ou un job-dating."
        )
    _raise(errors)
    assert year is not None
    commitment, created = Commitment.objects.select_for_update().get_or_create(
        employer=employer, year=year, defaults={**values, "note": (note or "").strip(), "recorded_by": actor.user}
    )
    if not created:
        for name, value in values.items():
            setattr(commitment, name, value)
        commitment.note, commitment.recorded_by = (note or "").strip(), actor.user
        commitment.save()
    if employer.engaged_since is None or employer.engaged_until is not None:
        joined = min(today, datetime.date(year, 1, 1)) if year <= today.year else today
        Employer.objects.filter(pk=employer.pk).update(engaged_since=joined, engaged_until=None)
        employer.engaged_since, employer.engaged_until = joined, None
    _audit(
        code=AuditCode.EMPLOYER_COMMITMENT_RECORDED,
        actor=actor,
        subject=employer,
        new={"year": year, **values, "created": created},
    )
    return commitment


@transaction.atomic
def employer_group_create(
    *,
    actor: Actor,
    name: str,
    commune,
    created_on: datetime.date | None,
    siret: str = "",
    sector: str = "",
    members=(),
    today: datetime.date | None = None,
) -> EmployerGroup:
    today = today or timezone.localdate()
    if not access.may_manage_relations(actor):
        raise ValidationError(NOT_ALLOWED)
    departement_id = actor.departement_code or ""
    name, siret = (name or "").strip(), _clean_siret(siret)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Indiquez le nom du groupement."
    elif EmployerGroup.objects.filter(departement_id=departement_id, name__iexact=name).exists():
        errors["name"] = "Un groupement de ce nom existe déjà dans le département."
    if siret:
        try:
            validate_siret(siret)
        except ValidationError:
            errors["siret"] = SIRET_INVALID
    if commune is None or commune.departement_id != departement_id:
        errors["commune"] = "Indiquez la commune du siège, dans le département."
    if created_on is None:
        errors["created_on"] = "Indiquez la date de constitution."
    elif created_on > today:
        errors["created_on"] = "La date de constitution ne peut pas être dans le futur."
    members = list(members)
    if any(member.departement_id != departement_id for member in members):
        errors["members"] = "Les membres doivent être des employeurs de l'annuaire du département."
    _raise(errors)
    assert created_on is not None  # checked above
    group = EmployerGroup.objects.create(
        departement_id=departement_id,
        name=name,
        siret=siret,
        commune=commune,
        sector=(sector or "").strip(),
        created_on=created_on,
        animated_by=actor.organisation,
    )
    group.members.set(members)
    _audit(
        code=AuditCode.EMPLOYER_GROUP_CREATED,
        actor=actor,
        subject=group,
        new={"name": name, "members": [m.pk for m in members]},
    )
    return group


@transaction.atomic
def relations_officer_assign(
    *, actor: Actor, user, territories, started_on: datetime.date | None = None
) -> RelationsOfficer:
    """Name a Département professional chargé(e) de relation entreprises for territories (replacing their current
    assignment, if any)."""
    if not actor.acts_for_departement(*access.RELATIONS_ROLES):
        raise ValidationError(NOT_ALLOWED)
    started_on = started_on or timezone.localdate()
    departement_id = actor.departement_code or ""
    territories = list(territories)
    errors: dict[str, str] = {}
    from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
    from jalon.organisations.models import Membership

    if (
        user is None
        or not Membership.objects.active()
        .filter(user=user, organisation__departement_id=departement_id, organisation__kind__in=DEPARTEMENT_STAFF_KINDS)
        .exists()
    ):
        errors["user"] = "Choisissez un(e) professionnel(le) du Département."
    if not territories:
        errors["territories"] = "Choisissez au moins un territoire."
    elif any(territory.departement_id != departement_id for territory in territories):
        errors["territories"] = "Les territoires doivent être ceux du département."
    _raise(errors)
    RelationsOfficer.objects.filter(departement_id=departement_id, user=user, ended_on=None).update(
        ended_on=started_on - datetime.timedelta(days=1)
    )
    officer = RelationsOfficer.objects.create(departement_id=departement_id, user=user, started_on=started_on)
    officer.territories.set(territories)
    _audit(
        code=AuditCode.RELATIONS_OFFICER_ASSIGNED,
        actor=actor,
        subject=officer,
        new={"user": user.pk, "territories": [t.pk for t in territories]},
    )
    return officer


# --- immersions (PMSMP) -----------------------------------------------------------------------------------------


def _refuse_if_closed(person: Person) -> None:
    closed = Notebook.objects.filter(person=person).exclude(closed_on=None).values_list("closed_on", flat=True).first()
    if closed is not None:
        raise ValidationError(
            f"Le parcours de cette personne est clos depuis le {closed:%d/%m/%Y} : rouvrez-le avant de prévoir "
            "une immersion."
        )


def _immersion_errors(*, person, employer, starts_on, ends_on, objectives, job_title, weekly_hours, exclude_pk=None):
    errors: dict[str, str] = {}
    if employer is None:
        errors["employer"] = "Choisissez l'entreprise d'accueil : une immersion se fait chez un employeur."
    elif employer.departement_id != person.departement_id:
        errors["employer"] = "L'entreprise d'accueil doit être dans l'annuaire du département de la personne."
    if starts_on is None:
        errors["starts_on"] = "Indiquez la date de début."
    if ends_on is None:
        errors["ends_on"] = "Indiquez la date de fin."
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "La fin de l'immersion ne peut pas précéder son début."
        elif (ends_on - starts_on).days + 1 > MAX_IMMERSION_DAYS:
            errors["ends_on"] = (
                f"Une immersion (PMSMP) dure au plus un mois ({MAX_IMMERSION_DAYS} jours calendaires) : "
                f"celle-ci en compte {(ends_on - starts_on).days + 1}."
            )
    objectives = list(dict.fromkeys(objectives or []))
    if not objectives:
        errors["objectives"] = "Choisissez au moins un objectif de l'immersion."
    elif len(objectives) > MAX_OBJECTIVES:
        errors["objectives"] = f"Une immersion a au plus {MAX_OBJECTIVES} objectifs."
    elif any(code not in ImmersionObjective.values for code in objectives):
        errors["objectives"] = "Objectif inconnu."
    if not (job_title or "").strip():
        errors["job_title"] = "Indiquez le métier observé pendant l'immersion."
    if weekly_hours is not None and not (Decimal(0) < Decimal(weekly_hours) <= Decimal(48)):
        errors["weekly_hours"] = "La durée hebdomadaire est comprise entre 1 et 48 heures."
    if not errors:
        overlapping = (
            Immersion.objects.filter(person=person, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .exclude(status__in=[S.CANCELLED, S.REJECTED, S.DEPRECATED])
            .exclude(pk=exclude_pk)
            .first()
        )
        if overlapping is not None:
            errors["starts_on"] = (
                f"La personne a déjà une immersion prévue du {overlapping.starts_on:%d/%m/%Y} au "
                f"{overlapping.ends_on:%d/%m/%Y} chez {overlapping.employer}."
            )
    return errors, objectives


@transaction.atomic
def immersion_create(
    *,
    actor: Actor,
    person: Person,
    employer: Employer | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    objectives: list[str],
    job_title: str,
    activities: str = "",
    weekly_hours=None,
    tutor_name: str = "",
    tutor_phone: str = "",
) -> Immersion:
    """Draft a PMSMP agreement for the person, prescribed by the actor's organisation."""
    if not access.follows(actor, person):
        raise ValidationError(NOT_FOLLOWED)
    _refuse_if_closed(person)
    errors, objectives = _immersion_errors(
        person=person,
        employer=employer,
        starts_on=starts_on,
        ends_on=ends_on,
        objectives=objectives,
        job_title=job_title,
        weekly_hours=weekly_hours,
    )
    _raise(errors)
    assert employer is not None and starts_on is not None and ends_on is not None  # checked above
    immersion = Immersion(
        person=person,
        employer=employer,
        organisation=actor.organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        objectives=objectives,
        job_title=job_title.strip(),
        activities=(activities or "").strip(),
        weekly_hours=weekly_hours,
        tutor_name=(tutor_name or "").strip(),
        tutor_phone=(tutor_phone or "").strip(),
        created_by=actor.user,
    )
    immersion.full_clean()
    immersion.save()
    _audit(
        code=AuditCode.IMMERSION_CREATED,
        actor=actor,
        subject=immersion,
        person_id=person.pk,
        new={"employer": employer.pk, "starts_on": starts_on, "ends_on": ends_on, "objectives": objectives},
    )
    return immersion


# The transitions and who may make them: "counsellor" is whoever follows the person, "validator" the prescriber.
OPEN = (S.DRAFT, S.READY_TO_SIGN, S.PARTIALLY_SIGNED, S.IN_REVIEW, S.ACCEPTED_BY_COUNSELLOR)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((S.DRAFT,), "counsellor", "Soumettre à la signature"),
    "sign_person": ((S.READY_TO_SIGN, S.PARTIALLY_SIGNED), "counsellor", "Signature de la personne reçue"),
    "sign_employer": ((S.READY_TO_SIGN, S.PARTIALLY_SIGNED), "counsellor", "Signature de l'entreprise reçue"),
    "pre_validate": ((S.IN_REVIEW,), "counsellor", "Pré-valider"),
    "validate": ((S.IN_REVIEW, S.ACCEPTED_BY_COUNSELLOR), "validator", "Valider (prescripteur)"),
    "reject": ((S.IN_REVIEW, S.ACCEPTED_BY_COUNSELLOR), "validator", "Refuser"),
    "request_changes": (
        (S.READY_TO_SIGN, S.PARTIALLY_SIGNED, S.IN_REVIEW, S.ACCEPTED_BY_COUNSELLOR),
        "counsellor",
        "Demander une modification",
    ),
    "cancel": ((*OPEN, S.ACCEPTED_BY_VALIDATOR), "counsellor", "Annuler"),
    "deprecate": ((S.ACCEPTED_BY_VALIDATOR,), "validator", "Rendre obsolète"),
}
NEEDS_REASON = ("reject", "request_changes", "cancel", "deprecate")
NEEDS_DATE = ("sign_person", "sign_employer")


def may_transition(actor: Actor, immersion: Immersion, action: str) -> bool:
    sources, who, _ = TRANSITIONS[action]
    if immersion.status not in sources:
        return False
    if action in ("cancel", "deprecate") and immersion.review_outcome:
        return False
    if who == "validator":
        return access.may_validate(actor, immersion)
    return access.follows(actor, immersion.person) or (action == "cancel" and access.may_validate(actor, immersion))


def transitions_for(actor: Actor, immersion: Immersion) -> list[tuple[str, str]]:
    return [(action, spec[2]) for action, spec in TRANSITIONS.items() if may_transition(actor, immersion, action)]


@transaction.atomic
def immersion_transition(
    *,
    actor: Actor,
    immersion: Immersion,
    action: str,
    reason: str = "",
    signed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Immersion:
    """Move the agreement along its statuses; each step is open to the role that makes it."""
    today = today or timezone.localdate()
    if action not in TRANSITIONS:
        raise ValidationError({"action": "Action inconnue."})
    immersion = Immersion.objects.select_for_update().select_related("person", "employer").get(pk=immersion.pk)
    if not access.sees(actor, immersion.person):
        raise ValidationError(NOT_FOLLOWED)
    if immersion.status not in TRANSITIONS[action][0]:
        raise ValidationError(
            f"Une immersion « {immersion.get_status_display()} » ne peut pas recevoir cette action "
            f"(« {TRANSITIONS[action][2]} »)."
        )
    if not may_transition(actor, immersion, action):
        raise ValidationError(
            "Seul le prescripteur (encadrement de la structure qui suit la personne) peut faire cette action."
            if TRANSITIONS[action][1] == "validator"
            else NOT_FOLLOWED
        )
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise ValidationError({"reason": "Indiquez le motif."})
    if action in NEEDS_DATE:
        if signed_on is None:
            raise ValidationError({"signed_on": "Indiquez la date de la signature."})
        if signed_on > today:
            raise ValidationError({"signed_on": "La date de signature ne peut pas être dans le futur."})
    if action == "submit":
        _refuse_if_closed(immersion.person)
    old_status = immersion.status
    if action == "submit":
        immersion.status, immersion.submitted_on = S.READY_TO_SIGN, today
    elif action in NEEDS_DATE:
        if action == "sign_person":
            immersion.person_signed_on = signed_on
        else:
            immersion.employer_signed_on = signed_on
        both = immersion.person_signed_on and immersion.employer_signed_on
        immersion.status = S.IN_REVIEW if both else S.PARTIALLY_SIGNED
    elif action == "pre_validate":
        immersion.status, immersion.counsellor_validated_on = S.ACCEPTED_BY_COUNSELLOR, today
    elif action == "validate":
        immersion.status, immersion.validated_on, immersion.validated_by = S.ACCEPTED_BY_VALIDATOR, today, actor.user
    elif action == "request_changes":
        # A change of the agreement needs every signature again.
        immersion.status = S.DRAFT
        immersion.person_signed_on = immersion.employer_signed_on = immersion.counsellor_validated_on = None
    else:
        immersion.status = {"reject": S.REJECTED, "cancel": S.CANCELLED, "deprecate": S.DEPRECATED}[action]
    if action in NEEDS_REASON:
        immersion.status_reason = reason[:255]
    immersion.save()
    _audit(
        code=AuditCode.IMMERSION_STATUS_CHANGED,
        actor=actor,
        subject=immersion,
        person_id=immersion.person_id,
        old={"status": old_status},
        new={"status": immersion.status, "action": action, "reason": reason},
    )
    return immersion


@transaction.atomic
def immersion_review(
    *,
    actor: Actor,
    immersion: Immersion,
    outcome: str,
    led_to_job: bool | None,
    last_day_present: datetime.date | None = None,
    missed_hours=None,
    hire_contract: str = "",
    hire_starts_on: datetime.date | None = None,
    employer_feedback: str = "",
    today: datetime.date | None = None,
) -> Immersion:
    """The after-immersion review: done, partly done or not done; whether it led to a job, with which contract.
    A hire is then proposed as an exit of the path to the référent (on the immersion and the exits' screens)."""
    today = today or timezone.localdate()
    immersion = Immersion.objects.select_for_update().select_related("person", "employer").get(pk=immersion.pk)
    if not access.follows(actor, immersion.person):
        raise ValidationError(NOT_FOLLOWED)
    if immersion.status != S.ACCEPTED_BY_VALIDATOR:
        raise ValidationError("Seule une immersion validée par le prescripteur reçoit un bilan.")
    if immersion.review_outcome:
        raise ValidationError(
            f"Le bilan de cette immersion est déjà enregistré (le {immersion.reviewed_on:%d/%m/%Y})."
        )
    if immersion.starts_on > today:
        raise ValidationError("L'immersion n'a pas encore commencé : son bilan viendra après.")
    errors: dict[str, str] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Indiquez si l'immersion a été effectuée, en partie ou pas du tout."
    if outcome == ReviewOutcome.PARTIAL:
        if last_day_present is None:
            errors["last_day_present"] = "Indiquez le dernier jour de présence."
        elif not immersion.starts_on <= last_day_present <= immersion.ends_on:
            errors["last_day_present"] = "Le dernier jour de présence se situe pendant l'immersion."
    if missed_hours is not None and Decimal(missed_hours) < 0:
        errors["missed_hours"] = "Le nombre d'heures manquées ne peut pas être négatif."
    if led_to_job is None:
        errors["led_to_job"] = "Indiquez si l'immersion a débouché sur une embauche."
    elif led_to_job:
        if hire_contract not in HireContract.values:
            errors["hire_contract"] = "Indiquez le contrat proposé."
        if hire_starts_on is None:
            errors["hire_starts_on"] = "Indiquez la date d'embauche."
        elif hire_starts_on < immersion.starts_on:
            errors["hire_starts_on"] = "L'embauche ne peut pas précéder l'immersion."
    elif hire_contract or hire_starts_on:
        errors["hire_contract"] = "Sans embauche, il n'y a pas de contrat à indiquer."
    _raise(errors)
    immersion.review_outcome = outcome
    immersion.last_day_present = last_day_present if outcome == ReviewOutcome.PARTIAL else None
    immersion.missed_hours = missed_hours
    immersion.led_to_job = led_to_job
    immersion.hire_contract = hire_contract if led_to_job else ""
    immersion.hire_starts_on = hire_starts_on if led_to_job else None
    immersion.employer_feedback = (employer_feedback or "").strip()
    immersion.reviewed_on, immersion.reviewed_by = today, actor.user
    immersion.full_clean()
    immersion.save()
    _audit(
        code=AuditCode.IMMERSION_REVIEWED,
        actor=actor,
        subject=immersion,
        person_id=immersion.person_id,
        new={"outcome": outcome, "led_to_job": led_to_job, "contract": immersion.hire_contract},
    )
    return immersion
