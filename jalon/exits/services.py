"""Writes of the exits: end a path, reopen it, record a point of the follow-up in employment, the Département's
typology and rule, and the daily run (exits proposed after a CAF closure, situations at risk).

Every write checks everything before it writes anything, runs in one transaction and is audited with the person.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone

from jalon.core.bulk import statistics_refresh
from jalon.core.enums import AuditCode, Role
from jalon.core.periods import add_months
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record
from jalon.core.validators import SIRET_INVALID, validate_siret
from jalon.employers.models import Employer
from jalon.employers.selectors import directory_link, relations_officers_of
from jalon.exits.enums import (
    AT_RISK_ASSESSMENTS,
    EmployerAssessment,
    EmployerConcern,
    EmployerSupport,
    EmploymentContract,
    ProposalStatus,
    RiskReason,
)
from jalon.exits.models import (
    DEFAULT_CHECKPOINT_MONTHS,
    Checkpoint,
    EmployerFeedback,
    Exit,
    ExitProposal,
    ExitType,
    FollowUpSchedule,
    PositiveRule,
)
from jalon.exits.typology import DEFAULT_TYPES, FIRST_RULE_FROM, default_positive_codes
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify_many as inbox_notify_many
from jalon.notebook.models import Notebook
from jalon.notebook.services import notebook_close, notebook_open, notebook_reopen
from jalon.organisations.models import Membership
from jalon.orientation.enums import EXIT_END_REASON
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.orientation.services import orientation_decide
from jalon.people.enums import RightState
from jalon.people.models import HouseholdMember, Person, RsaRight


WRITER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
NOT_FOLLOWED = (
    "Votre structure ne suit pas cette personne : seule une structure qui l'accompagne peut clore son parcours."
)


def _audit(*, code, actor: Actor | None, subject, person_id, new=None, extra=None, actor_label: str = "") -> None:
    audit_event_record(
        code=code,
        actor=actor.user if actor else None,
        organisation=actor.organisation if actor else None,
        actor_label=actor_label,
        subject=subject,
        person_id=person_id,
        new=new,
        extra=extra,
    )


# --- the Département's typology, rule and calendar ------------------------------------------------------------


@transaction.atomic
def exit_typology_default_create(*, departement, actor: Actor | None = None) -> list[ExitType]:
    """The default types, the first version of the rule and the follow-up calendar of a Département, created when
    missing (what an administrator already edited is left as is). Returns the types created."""
    existing = set(ExitType.objects.filter(departement=departement).values_list("code", flat=True))
    created = ExitType.objects.bulk_create(
        [
            ExitType(
                departement=departement,
                code=code,
                label=label,
                iae_category=category,
                to_employment=to_employment,
                position=position,
            )
            for position, (code, label, category, to_employment, _) in enumerate(DEFAULT_TYPES)
            if code not in existing
        ]
    )
    if not PositiveRule.objects.filter(departement=departement).exists():
        PositiveRule.objects.create(
            departement=departement,
            version=1,
            valid_from=FIRST_RULE_FROM,
            positive_codes=default_positive_codes(departement.code),
            note="règle initiale, d'après le plan du Département",
        )
    FollowUpSchedule.objects.get_or_create(
        departement=departement, defaults={"checkpoint_months": list(DEFAULT_CHECKPOINT_MONTHS)}
    )
    if created:
        _audit(
            code=AuditCode.EXIT_TYPOLOGY_CREATED,
            actor=actor,
            subject=None,
            person_id=None,
            extra={"departement": departement.code, "types": [t.code for t in created]},
            actor_label="" if actor else "typologie par défaut",
        )
    return created


@transaction.atomic
def positive_rule_publish(
    *, actor: Actor, departement, positive_codes: list[str], valid_from: datetime.date, note: str = ""
) -> PositiveRule:
    """A new version of « what counts as a positive exit », in force from `valid_from`: the previous version ends
    the day before. Exits already recorded keep the version that classified them."""
    codes = set(ExitType.objects.filter(departement=departement).values_list("code", flat=True))
    unknown = sorted(set(positive_codes) - codes)
    if unknown:
        raise ValidationError({"positive_codes": f"Types de sortie inconnus : {', '.join(unknown)}."})
    if not note.strip():
        raise ValidationError({"note": "Dites pourquoi la règle change : le chiffre publié devra s'expliquer."})
    current = (
        PositiveRule.objects.select_for_update()
        .filter(departement=departement, valid_until=None)
        .order_by("-version")
        .first()
    )
    if current is not None:
        if valid_from <= current.valid_from:
            raise ValidationError(
                {"valid_from": f"La nouvelle version doit entrer en vigueur après le {current.valid_from:%d/%m/%Y}."}
            )
        current.valid_until = valid_from - datetime.timedelta(days=1)
        current.save(update_fields=["valid_until", "updated_at"])
    version = (PositiveRule.objects.filter(departement=departement).aggregate(v=Max("version"))["v"] or 0) + 1
    rule = PositiveRule.objects.create(
        departement=departement,
        version=version,
        valid_from=valid_from,
        positive_codes=sorted(set(positive_codes)),
        note=note.strip(),
        created_by=actor.user,
    )
    _audit(
        code=AuditCode.POSITIVE_RULE_PUBLISHED,
        actor=actor,
        subject=rule,
        person_id=None,
        new={"version": version, "valid_from": valid_from, "positive_codes": rule.positive_codes},
    )
    return rule


def _checkpoint_months(departement_id) -> list[int]:
    schedule = FollowUpSchedule.objects.filter(departement_id=departement_id).first()
    return sorted(set(schedule.checkpoint_months)) if schedule else list(DEFAULT_CHECKPOINT_MONTHS)


# --- ending a path ----------------------------------------------------------------------------------------------


def follows(actor: Actor, person: Person) -> bool:
    """The carnet's rule for writes: a professional in a writing role whose organisation sees the person directly
    (the Département for its département, the organisation the person is oriented to or whose référent follows
    them). A team member who reaches the carnet only under consent does not end the path."""
    if not (actor.is_platform_admin or actor.has_role(*WRITER_ROLES)):
        return False
    return Person.objects.visible_to(actor).filter(pk=person.pk).exists()


def _refuse_if_exited(actor: Actor, person: Person) -> None:
    # Checked before who follows the person: the exit has ended the orientation that let its author see them.
    current = Exit.objects.in_force().filter(person=person).select_related("exit_type").first()
    if current is not None and Exit.objects.visible_to(actor).filter(pk=current.pk).exists():
        raise ValidationError(
            f"Le parcours de cette personne est déjà clos depuis le {current.exited_on:%d/%m/%Y} "
            f"({current.exit_type})."
        )
    if current is not None:
        raise ValidationError(NOT_FOLLOWED)


def _exit_data(*, person: Person, exit_type, exited_on, today, contract, employer_name, employer_siret) -> dict:
    errors: dict[str, str] = {}
    if exit_type is None:
        errors["exit_type"] = "Choisissez le type de sortie."
    elif exit_type.departement_id != person.departement_id or not exit_type.is_active:
        errors["exit_type"] = "Ce type de sortie n'est pas dans la typologie du département de la personne."
    first_orientation = (
        Orientation.objects.filter(person=person).order_by("decided_on").values_list("decided_on", flat=True).first()
    )
    if exited_on is None:
        errors["exited_on"] = "Indiquez la date de sortie."
    elif exited_on > today:
        errors["exited_on"] = "La date de sortie ne peut pas être dans le futur."
    elif first_orientation is None:
        errors["exited_on"] = "Cette personne n'a jamais été orientée : il n'y a pas de parcours à clore."
    elif exited_on < first_orientation:
        errors["exited_on"] = (
            f"La date de sortie ne peut pas précéder la première orientation ({first_orientation:%d/%m/%Y})."
        )
    if contract and contract not in EmploymentContract.values:
        errors["contract"] = "Type de contrat inconnu."
    if employer_siret:
        try:
            validate_siret(employer_siret)
        except ValidationError:
            errors["employer_siret"] = SIRET_INVALID
    if exit_type is not None and exit_type.to_employment and not employer_name:
        errors["employer_name"] = "Indiquez l'employeur (ou l'entreprise créée) : le suivi en emploi en a besoin."
    if errors:
        raise ValidationError(errors)
    return {"first_orientation": first_orientation}


@transaction.atomic
def exit_record(
    *,
    actor: Actor,
    person: Person,
    exit_type: ExitType | None,
    exited_on: datetime.date | None,
    reason: str = "",
    evidence: str = "",
    contract: str = "",
    job_title: str = "",
    employer_name: str = "",
    employer_siret: str = "",
    employer: Employer | None = None,
    proposal: ExitProposal | None = None,
    today: datetime.date | None = None,
) -> Exit:
    """End the person's path: the exit is classified by the rule in force on its date, the carnet closes to
    writes, the current orientation and référent assignment end on that date (the person leaves the caseload
    and its delay and contact alerts), and an exit to employment opens its checkpoints."""
    today = today or timezone.localdate()
    _refuse_if_exited(actor, person)
    if not follows(actor, person):
        raise ValidationError(NOT_FOLLOWED)
    employer, employer_name, employer_siret = directory_link(
        departement_id=person.departement_id, employer=employer, name=employer_name, siret=employer_siret
    )
    _exit_data(
        person=person,
        exit_type=exit_type,
        exited_on=exited_on,
        today=today,
        contract=contract,
        employer_name=employer_name,
        employer_siret=employer_siret,
    )
    assert exit_type is not None and exited_on is not None  # checked above
    # The carnet's row serialises two exits of the same person typed at once.
    notebook = Notebook.objects.filter(person=person).first() or notebook_open(actor=actor, person=person)
    notebook = Notebook.objects.select_for_update().get(pk=notebook.pk)
    _refuse_if_exited(actor, person)
    rule = PositiveRule.objects.in_force_on(person.departement_id, exited_on).order_by("-version").first()
    if rule is None:
        raise ValidationError(
            "Aucune règle des sorties positives n'est en vigueur à cette date dans le département : "
            "l'administrateur doit d'abord la publier."
        )
    orientation = Orientation.objects.select_for_update().current().filter(person=person).first()
    exit = Exit(
        person=person,
        exit_type=exit_type,
        iae_category=exit_type.iae_category,
        rule=rule,
        is_positive=exit_type.code in rule.positive_codes,
        exited_on=exited_on,
        reason=(reason or "").strip(),
        evidence=(evidence or "").strip(),
        contract=contract or "",
        job_title=(job_title or "").strip(),
        employer=employer,
        employer_name=employer_name,
        employer_siret=employer_siret,
        organisation=actor.organisation,
        recorded_by=actor.user,
        followed_by=actor.user if exit_type.to_employment else None,
        ended_orientation=orientation,
    )
    exit.full_clean()
    exit.save()
    notebook_close(notebook=notebook, on=exited_on, organisation=actor.organisation)
    end_reason = f"{EXIT_END_REASON} : {exit_type.label}"
    if orientation is not None:
        orientation.ended_on, orientation.end_reason = max(exited_on, orientation.decided_on), end_reason[:255]
        orientation.save(update_fields=["ended_on", "end_reason", "updated_at"])
    assignment = ReferentAssignment.objects.select_for_update().current().filter(person=person).first()
    if assignment is not None:
        assignment.ended_on = max(exited_on, assignment.started_on)
        assignment.save(update_fields=["ended_on", "updated_at"])
    if exit_type.to_employment:
        Checkpoint.objects.bulk_create(
            [
                Checkpoint(exit=exit, months=months, due_on=add_months(exited_on, months))
                for months in _checkpoint_months(person.departement_id)
            ]
        )
    pending = ExitProposal.objects.filter(person=person, status=ProposalStatus.PROPOSED)
    if proposal is not None and proposal.person_id != person.pk:
        raise ValidationError("Cette proposition de sortie concerne une autre personne.")
    linked = proposal or pending.order_by("-closure_date").first()
    pending.update(status=ProposalStatus.ACCEPTED, decided_on=today, decided_by=actor.user)
    if linked is not None:
        ExitProposal.objects.filter(pk=linked.pk).update(
            exit=exit, status=ProposalStatus.ACCEPTED, decided_on=today, decided_by=actor.user
        )
    _audit(
        code=AuditCode.EXIT_RECORDED,
        actor=actor,
        subject=exit,
        person_id=person.pk,
        new={
            "type": exit_type.code,
            "exited_on": exited_on,
            "positive": exit.is_positive,
            "rule_version": rule.version,
            "orientation_ended": orientation.pk if orientation else None,
            "from_proposal": linked.pk if linked else None,
            "employer": employer.pk if employer else None,
        },
    )
    return exit


def may_reopen(actor: Actor, exit: Exit) -> bool:
    """Who follows the person, or the organisation that recorded the exit (it may no longer see the person)."""
    if not (actor.is_platform_admin or actor.has_role(*WRITER_ROLES)):
        return False
    return exit.organisation_id == actor.organisation_id or follows(actor, exit.person)


def _resume_orientation(*, actor: Actor, exit: Exit, on: datetime.date):
    """The orientation the exit ended, resumed with the same structure, type and référent (or the actor, when that
    référent has left the structure), unless an orientation was decided since."""
    ended = exit.ended_orientation
    if ended is None or Orientation.objects.current().filter(person=exit.person).exists():
        return None
    members = Membership.objects.active().filter(organisation=ended.organisation)
    if members.filter(user=ended.referent).exists():
        referent = ended.referent
    elif members.filter(user=actor.user).exists():
        referent = actor.user
    else:
        raise ValidationError(
            f"Le référent de la personne a quitté {ended.organisation} : une nouvelle orientation doit être décidée."
        )
    return orientation_decide(
        actor=actor,
        person=exit.person,
        orientation_type=ended.orientation_type,
        dispositif=ended.dispositif,
        organisation=ended.organisation,
        referent=referent,
        decided_on=on,
        end_reason="parcours rouvert",
    )


@transaction.atomic
def exit_reopen(*, actor: Actor, exit: Exit, reason: str, today: datetime.date | None = None) -> Exit:
    """The person returns: the carnet takes writes again and the exit keeps who reopened it, when and why. The
    orientation the exit had ended resumes. The exit stays in the history (not in the figures of exits in force)."""
    today = today or timezone.localdate()
    if not may_reopen(actor, exit):
        raise ValidationError("Votre structure ne suit pas cette personne : elle ne peut pas rouvrir son parcours.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez pourquoi le parcours est rouvert."})
    exit = Exit.objects.select_for_update(of=("self",)).select_related("person", "ended_orientation").get(pk=exit.pk)
    if exit.reopened_on is not None:
        raise ValidationError(f"Ce parcours a déjà été rouvert le {exit.reopened_on:%d/%m/%Y}.")
    exit.reopened_on, exit.reopened_by, exit.reopen_reason = max(today, exit.exited_on), actor.user, reason.strip()
    exit.save(update_fields=["reopened_on", "reopened_by", "reopen_reason", "updated_at"])
    notebook = Notebook.objects.filter(person=exit.person).first()
    if notebook is not None:
        notebook_reopen(notebook=notebook)
    resumed = _resume_orientation(actor=actor, exit=exit, on=exit.reopened_on)
    _audit(
        code=AuditCode.EXIT_REOPENED,
        actor=actor,
        subject=exit,
        person_id=exit.person_id,
        new={"reason": exit.reopen_reason, "orientation_resumed": resumed.pk if resumed else None},
    )
    return exit


# --- follow-up in employment ------------------------------------------------------------------------------------


def _refuse_follow_up_write(actor: Actor, exit: Exit) -> None:
    if not Exit.objects.visible_to(actor).filter(pk=exit.pk).exists() or not (
        actor.is_platform_admin or actor.has_role(*WRITER_ROLES)
    ):
        raise ValidationError("Votre structure ne suit pas cette personne.")
    if not exit.exit_type.to_employment:
        raise ValidationError("Cette personne n'est pas sortie vers l'emploi : il n'y a pas de suivi en emploi.")
    if exit.reopened_on is not None:
        raise ValidationError("Le parcours a été rouvert : le suivi en emploi de cette sortie est terminé.")


@transaction.atomic
def employer_feedback_record(
    *,
    actor: Actor,
    exit: Exit,
    given_on: datetime.date | None,
    assessment: str,
    contact: str = "",
    concerns: list[str] | None = None,
    supports: list[str] | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> EmployerFeedback:
    """The employer's side of the follow-up (« fiche miroir »). Difficulties, or a rupture considered, put the
    person at risk on the next point of the follow-up (or the last one) and reach the inbox of whoever leads it."""
    today = today or timezone.localdate()
    _refuse_follow_up_write(actor, exit)
    concerns, supports = list(dict.fromkeys(concerns or [])), list(dict.fromkeys(supports or []))
    errors: dict[str, str] = {}
    if given_on is None:
        errors["given_on"] = "Indiquez la date de l'échange avec l'employeur."
    elif given_on > today:
        errors["given_on"] = "La date de l'échange ne peut pas être dans le futur."
    elif given_on < exit.exited_on:
        errors["given_on"] = f"L'échange ne peut pas précéder l'embauche ({exit.exited_on:%d/%m/%Y})."
    if assessment not in EmployerAssessment.values:
        errors["assessment"] = "Indiquez l'appréciation de l'employeur."
    elif assessment in AT_RISK_ASSESSMENTS and not concerns:
        errors["concerns"] = "Précisez les difficultés que l'employeur relève."
    if any(code not in EmployerConcern.values for code in concerns):
        errors["concerns"] = "Difficulté inconnue."
    if any(code not in EmployerSupport.values for code in supports):
        errors["supports"] = "Mesure inconnue."
    if errors:
        raise ValidationError(errors)
    assert given_on is not None
    feedback = EmployerFeedback.objects.create(
        exit=exit,
        given_on=given_on,
        contact=(contact or "").strip(),
        assessment=assessment,
        concerns=concerns,
        supports=supports,
        note=(note or "").strip(),
        recorded_by=actor.user,
        organisation=actor.organisation,
    )
    if assessment in AT_RISK_ASSESSMENTS:
        point = (
            Checkpoint.objects.select_for_update().filter(exit=exit, done_on=None).order_by("due_on").first()
            or Checkpoint.objects.select_for_update().filter(exit=exit).order_by("-due_on").first()
        )
        if point is not None:
            point.risk_reason, point.risk_since = RiskReason.EMPLOYER_ALERT, given_on
            point.save(update_fields=["risk_reason", "risk_since", "updated_at"])
        _risk_notify(
            exit=exit,
            actor=actor,
            title=f"Suivi en emploi : l'employeur signale des difficultés ({feedback.get_assessment_display()})",
            day=today,
        )
    _audit(
        code=AuditCode.EMPLOYER_FEEDBACK_RECORDED,
        actor=actor,
        subject=feedback,
        person_id=exit.person_id,
        new={"assessment": assessment, "concerns": concerns, "supports": supports},
    )
    return feedback


@transaction.atomic
def checkpoint_record(
    *,
    actor: Actor,
    exit: Exit,
    months: int,
    done_on: datetime.date | None,
    still_employed: bool | None,
    same_employer: bool | None = None,
    contract: str = "",
    rupture_on: datetime.date | None = None,
    rupture_reason: str = "",
    in_trial_period: bool = False,
    comment: str = "",
    today: datetime.date | None = None,
) -> Checkpoint:
    """Record the outcome of a point of the follow-up in employment. A rupture during the trial period marks the
    person at risk at once (the référent's list and home show it); a later point still employed clears it."""
    today = today or timezone.localdate()
    _refuse_follow_up_write(actor, exit)
    checkpoint = Checkpoint.objects.select_for_update().filter(exit=exit, months=months).first()
    if checkpoint is None:
        raise ValidationError({"months": f"Le suivi de cette sortie ne prévoit pas de point à {months} mois."})
    if checkpoint.done_on is not None:
        raise ValidationError(f"Le point à {months} mois est déjà enregistré (le {checkpoint.done_on:%d/%m/%Y}).")
    errors: dict[str, str] = {}
    if done_on is None:
        errors["done_on"] = "Indiquez la date du point de suivi."
    elif done_on > today:
        errors["done_on"] = "La date du point de suivi ne peut pas être dans le futur."
    elif done_on < exit.exited_on:
        errors["done_on"] = f"La date du point ne peut pas précéder la sortie ({exit.exited_on:%d/%m/%Y})."
    if still_employed is None:
        errors["still_employed"] = "Indiquez si la personne est toujours en emploi."
    elif still_employed:
        if same_employer is None:
            errors["same_employer"] = "Indiquez si c'est le même employeur."
        if rupture_on or rupture_reason or in_trial_period:
            errors["rupture_on"] = "Une personne toujours en emploi n'a pas de rupture à noter."
    else:
        if rupture_on is None:
            errors["rupture_on"] = "Indiquez la date de fin du contrat."
        elif rupture_on < exit.exited_on or (done_on and rupture_on > done_on):
            errors["rupture_on"] = "La fin du contrat se situe entre la sortie et la date du point."
        if not (rupture_reason or "").strip():
            errors["rupture_reason"] = "Indiquez le motif de la fin du contrat."
    if contract and contract not in EmploymentContract.values:
        errors["contract"] = "Type de contrat inconnu."
    if errors:
        raise ValidationError(errors)
    checkpoint.done_on = done_on
    checkpoint.still_employed = still_employed
    checkpoint.same_employer = same_employer if still_employed else None
    checkpoint.contract = contract or ""
    checkpoint.rupture_on = None if still_employed else rupture_on
    checkpoint.rupture_reason = "" if still_employed else rupture_reason.strip()
    checkpoint.in_trial_period = bool(in_trial_period) and not still_employed
    checkpoint.comment = (comment or "").strip()
    checkpoint.recorded_by = actor.user
    if still_employed:
        checkpoint.risk_reason, checkpoint.risk_since = "", None
    else:
        checkpoint.risk_reason = RiskReason.TRIAL_RUPTURE if checkpoint.in_trial_period else RiskReason.RUPTURE
        checkpoint.risk_since = done_on
    checkpoint.full_clean()
    checkpoint.save()
    if still_employed:
        # A person found employed again is no longer at risk for the earlier points either.
        Checkpoint.objects.filter(exit=exit, due_on__lt=checkpoint.due_on).exclude(risk_reason="").update(
            risk_reason="", risk_since=None
        )
    if not still_employed:
        trial = "pendant la période d'essai " if checkpoint.in_trial_period else ""
        _risk_notify(
            exit=exit,
            actor=actor,
            title=f"Suivi en emploi : rupture {trial}relevée au point à {months} mois, une médiation est à engager",
            day=today,
        )
    _audit(
        code=AuditCode.CHECKPOINT_RECORDED,
        actor=actor,
        subject=checkpoint,
        person_id=exit.person_id,
        new={
            "months": months,
            "done_on": done_on,
            "still_employed": still_employed,
            "rupture": bool(checkpoint.rupture_on),
            "in_trial_period": checkpoint.in_trial_period,
        },
    )
    return checkpoint


# --- exits proposed after a CAF closure -------------------------------------------------------------------------


@transaction.atomic
def exit_proposal_dismiss(*, actor: Actor, proposal: ExitProposal, reason: str) -> ExitProposal:
    """The référent keeps following the person although the right closed (a few months' support into work)."""
    if not follows(actor, proposal.person):
        raise ValidationError(NOT_FOLLOWED)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez pourquoi le parcours continue."})
    proposal = ExitProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("Cette proposition a déjà été examinée.")
    proposal.status, proposal.decided_on, proposal.decided_by = (
        ProposalStatus.DISMISSED,
        timezone.localdate(),
        actor.user,
    )
    proposal.dismiss_reason = reason.strip()[:255]
    proposal.save(update_fields=["status", "decided_on", "decided_by", "dismiss_reason", "updated_at"])
    _audit(
        code=AuditCode.EXIT_PROPOSAL_DISMISSED,
        actor=actor,
        subject=proposal,
        person_id=proposal.person_id,
        new={"reason": proposal.dismiss_reason},
    )
    return proposal


def exit_proposals_raise(*, today: datetime.date) -> int:
    """Propose an exit for every person still in a path (a current orientation or référent) whose household's
    right the CAF has closed, once per closure. Nothing is closed: the référent decides. Two queries."""
    closed = RsaRight.objects.filter(
        household=OuterRef("household_id"), state__in=RightState.closed_states(), closure_date__isnull=False
    )
    in_path = Exists(ReferentAssignment.objects.current().filter(person=OuterRef("person_id"))) | Exists(
        Orientation.objects.current().filter(person=OuterRef("person_id"))
    )
    rows = (
        HouseholdMember.objects.current()
        .filter(Exists(closed), in_path, person__merged_into=None)
        .exclude(Exists(Exit.objects.in_force().filter(person=OuterRef("person_id"))))
        .exclude(
            Exists(
                ExitProposal.objects.filter(
                    person=OuterRef("person_id"), closure_date=OuterRef("household__right__closure_date")
                )
            )
        )
        .values_list("person_id", "household__right__closure_date", "household__right__closure_reason")
    )
    created = ExitProposal.objects.bulk_create(
        [
            ExitProposal(person_id=person_id, closure_date=closure, closure_reason=reason or "", raised_on=today)
            for person_id, closure, reason in rows
        ],
        ignore_conflicts=True,
    )
    return len(created)


def exit_proposals_withdraw_reopened() -> int:
    """Proposals whose right the CAF has reopened since fall: the person is back in the RSA."""
    reopened = RsaRight.objects.filter(
        household__members__person=OuterRef("person_id"),
        household__members__left_on=None,
        state__in=RightState.open_states(),
    )
    return (
        ExitProposal.objects.filter(status=ProposalStatus.PROPOSED)
        .filter(Exists(reopened))
        .update(
            status=ProposalStatus.DISMISSED, dismiss_reason="droit rouvert par la CAF", decided_on=timezone.localdate()
        )
    )


def _risk_recipients(
    *, exit: Exit, exclude_user_id: int | None, day: datetime.date, officers: dict
) -> list[tuple[int, int]]:
    """Whoever ended the path (they lead the follow-up) and the chargé(e)s de relation entreprises of the employer's
    territory (the mediation with the employer is theirs), but not the one who recorded the situation.
    `officers` caches the officers of each employer over a run."""
    recipients = {exit.recorded_by_id: exit.organisation_id} if exit.recorded_by_id is not None else {}
    if exit.employer_id is not None:
        if exit.employer_id not in officers:
            officers[exit.employer_id] = relations_officers_of(employer_id=exit.employer_id, day=day)
        for user_id, organisation_id in officers[exit.employer_id]:
            recipients.setdefault(user_id, organisation_id)
    recipients.pop(exclude_user_id, None)
    return sorted(recipients.items())


def _risk_notify(*, exit: Exit, actor: Actor, title: str, day: datetime.date) -> None:
    url = reverse("exits:person", args=[exit.person_id])
    recipients = _risk_recipients(
        exit=exit, exclude_user_id=actor.user.pk if actor.user else None, day=day, officers={}
    )
    inbox_notify_many(
        (user_id, organisation_id, NotificationKind.EMPLOYMENT_AT_RISK, title, url)
        for user_id, organisation_id in recipients
    )


def checkpoints_flag_overdue(*, today: datetime.date) -> int:
    """Mark at risk every point of the follow-up past its due date and not done, and tell whoever leads the
    follow-up. Set-based: a few queries and one INSERT of notifications, whatever the number of points."""
    flagged = list(
        Checkpoint.objects.overdue(today)
        .of_exits_in_force()
        .filter(risk_reason="")
        .select_related("exit")
        .only("pk", "months", "exit__person_id", "exit__recorded_by_id", "exit__organisation_id", "exit__employer_id")
    )
    Checkpoint.objects.filter(pk__in=[c.pk for c in flagged]).update(risk_reason=RiskReason.OVERDUE, risk_since=today)
    officers: dict = {}
    inbox_notify_many(
        (
            user_id,
            organisation_id,
            NotificationKind.EMPLOYMENT_AT_RISK,
            f"Suivi en emploi : le point à {checkpoint.months} mois n'a pas été fait à sa date",
            reverse("exits:person", args=[checkpoint.exit.person_id]),
        )
        for checkpoint in flagged
        for user_id, organisation_id in _risk_recipients(
            exit=checkpoint.exit, exclude_user_id=None, day=today, officers=officers
        )
    )
    return len(flagged)


def exits_daily(*, today: datetime.date | None = None) -> dict:
    """The daily run: exits proposed after CAF closures, proposals withdrawn when the right reopened, points of
    follow-up gone overdue. Set-based: a handful of queries whatever the number of exits."""
    today = today or timezone.localdate()
    with transaction.atomic():
        proposed = exit_proposals_raise(today=today)
        withdrawn = exit_proposals_withdraw_reopened()
        overdue = checkpoints_flag_overdue(today=today)
        statistics_refresh(ExitProposal, rows=proposed + withdrawn)
        statistics_refresh(Checkpoint, rows=overdue)
        if proposed or overdue:
            audit_event_record(
                code=AuditCode.EXIT_PROPOSALS_RAISED if proposed else AuditCode.CHECKPOINTS_AT_RISK,
                extra={"day": today, "proposed": proposed, "withdrawn": withdrawn, "overdue": overdue},
            )
    return {"proposed": proposed, "withdrawn": withdrawn, "overdue": overdue}
