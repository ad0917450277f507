"""Writes of the suspension-remobilisation procedure. Every rule is checked before anything is written, so that
a refused step leaves nothing behind whatever the entry point (screen, demo, test)."""

import datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, ensure_departement_staff
from jalon.core.services import audit_event_record
from jalon.core.uploads import check_upload
from jalon.duties import letters
from jalon.duties.enums import CafLineNature, Duty, Nature, ProcedureState, Rank
from jalon.duties.models import CafExport, CafLine, Decision, DutySettings, Failure
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.recipients import recipient_for
from jalon.messaging.services import message_send
from jalon.people.models import HouseholdMember, Person


# Who records a failure: the professionals who write in the carnet (the référent first of all).
RECORDER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
# The procedure itself is the Président du conseil départemental's: only the Département's own staff run it
# (decision 0016: a partner organisation's administrator is not the Département).
DEPARTEMENT_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER)

# A failure's piece: a letter, a scan or a note (decision 0035).
EVIDENCE_FORMATS = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".odt", ".txt")
EVIDENCE_FORMATS_LABEL = "PDF, image (PNG, JPEG) ou texte (DOCX, ODT, TXT)"


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


def settings_for(departement_id: str) -> DutySettings:
    """The Département's bounds, or the décret's defaults when it kept them (unsaved)."""
    return DutySettings.objects.filter(departement_id=departement_id).first() or DutySettings(
        departement_id=departement_id
    )


# The settings a Département's administrator may narrow, with the décret's bounds as the outer limits (the model's
# defaults are the décret's values): (field, lowest, highest).
SETTING_LIMITS = (
    ("first_min_rate", 30, 100),
    ("first_max_rate", 30, 100),
    ("first_min_months", 1, 2),
    ("first_max_months", 1, 2),
    ("repeated_min_rate", 30, 100),
    ("repeated_max_rate", 30, 100),
    ("repeated_min_months", 1, 4),
    ("repeated_max_months", 1, 4),
    ("household_cap_rate", 30, 50),
    ("answer_days", 10, 60),
    ("repeat_window_months", 1, 24),
)
SETTING_FIELDS = [name for name, _low, _high in SETTING_LIMITS]


@transaction.atomic
def duty_settings_update(*, actor: Actor, data: dict) -> DutySettings:
    """The Département's own bounds of the procedure, within the décret's: rates and durations of a first and of a
    repeated failure (each minimum at most its maximum), the household cap, the answer period and the window of a
    repeated failure. Only the Département's administrator; audited with the old and new values."""
    if not actor.is_departement_admin:
        raise Http404(NOT_FOUND_MESSAGE)
    errors = {}
    for name, low, high in SETTING_LIMITS:
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = f"Indiquez un nombre entier entre {low} et {high} (bornes du décret n° 2025-478)."
    for rank in ("first", "repeated"):
        for unit, label in (("rate", "taux"), ("months", "durée")):
            low, high = data.get(f"{rank}_min_{unit}"), data.get(f"{rank}_max_{unit}")
            if f"{rank}_min_{unit}" not in errors and f"{rank}_max_{unit}" not in errors and low > high:
                errors[f"{rank}_max_{unit}"] = f"Le {label} maximal ne peut pas être inférieur au {label} minimal."
    if errors:
        raise ValidationError(errors)
    current = DutySettings.objects.select_for_update().filter(departement_id=actor.departement_code).first()
    duty_settings = current or DutySettings(departement_id=actor.departement_code)
    old = {name: getattr(duty_settings, name) for name in SETTING_FIELDS}
    new = {name: data[name] for name in SETTING_FIELDS if data[name] != old[name]}
    if not new:
        return duty_settings
    for name, value in new.items():
        setattr(duty_settings, name, value)
    duty_settings.save()
    audit_event_record(
        code=AuditCode.DUTY_SETTINGS_CHANGED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=duty_settings,
        old={name: old[name] for name in new},
        new=new,
    )
    return duty_settings


def check_evidence(file: UploadedFile) -> None:
    check_upload(
        file,
        field="evidence",
        name="La pièce justificative",
        accepted=EVIDENCE_FORMATS,
        accepted_label=EVIDENCE_FORMATS_LABEL,
        accepted_as=" comme pièce justificative",
    )


def may_record(actor: Actor, person: Person) -> bool:
    """Who follows the person directly and writes in their carnet (not a team member under consent)."""
    if not (actor.is_platform_admin or actor.may_act_as(*RECORDER_ROLES)):
        return False
    return Person.objects.visible_to(actor).filter(pk=person.pk).exists()


def may_decide(actor: Actor) -> bool:
    return actor.acts_for_departement(*DEPARTEMENT_ROLES)


def _ensure_departement_of(actor: Actor, failure: Failure) -> None:
    ensure_departement_staff(actor, *DEPARTEMENT_ROLES)
    if not actor.is_platform_admin and failure.departement_id != actor.departement_code:
        raise Http404(NOT_FOUND_MESSAGE)


def previous_decisions(*, person_id: int, before: datetime.date, window_months: int):
    """The decisions on the person's earlier failures inside the legal window, newest first."""
    since = before - relativedelta(months=window_months)
    return Decision.objects.filter(
        failure__person_id=person_id, failure__occurred_on__gte=since, failure__occurred_on__lt=before
    ).order_by("-failure__occurred_on", "-pk")


def rank_of(*, person: Person, occurred_on: datetime.date, window_months: int) -> str:
    """Repeated when an earlier failure of the window led to a decision (one closed on a legitimate reason does
    not count)."""
    earlier = previous_decisions(person_id=person.pk, before=occurred_on, window_months=window_months)
    return Rank.REPEATED if earlier.exists() else Rank.FIRST


def household_size(person: Person) -> int:
    """The members of the person's current foyer (the person alone when the CAF/MSA flux gave none)."""
    household_ids = HouseholdMember.objects.current().filter(person=person).values("household_id")
    members = HouseholdMember.objects.current().filter(household_id__in=household_ids)
    return max(members.values("person_id").distinct().count(), 1)


def escalation_allowed(failure: Failure) -> bool:
    """Suppression follows a suspension: a repeated failure after a suspension the person did not end by
    re-engaging."""
    if failure.rank != Rank.REPEATED:
        return False
    window = settings_for(failure.departement_id).repeat_window_months
    last = previous_decisions(person_id=failure.person_id, before=failure.occurred_on, window_months=window).first()
    return last is not None and last.nature == Nature.SUSPENSION and last.remobilised_on is None


def _channels(person: Person) -> list[str]:
    """The letter when the person has a postal address, and the e-mail and SMS they gave us."""
    reachable = []
    for channel in (MessageChannel.LETTER, MessageChannel.EMAIL, MessageChannel.SMS):
        try:
            recipient_for(person, channel)
        except ValidationError:
            continue
        reachable.append(channel)
    return reachable


def _notify(*, actor: Actor, person: Person, about, subject: str, body: str, sms: str) -> list:
    channels = _channels(person)
    if MessageChannel.LETTER not in channels and MessageChannel.EMAIL not in channels:
        _refuse(
            None,
            f"{person} n'a ni adresse postale complète ni e-mail : le courrier ne peut pas lui parvenir. "
            "Complétez ses coordonnées avant de poursuivre.",
        )
    return [
        message_send(
            actor=actor,
            person=person,
            channel=channel,
            kind=MessageKind.NOTIFICATION,
            subject=subject,
            body=sms if channel == MessageChannel.SMS else body,
            about=about,
        )
        for channel in channels
    ]


# -- 1. the failure ----------------------------------------------------------------------------------------------


@transaction.atomic
def failure_record(
    *,
    actor: Actor,
    person: Person,
    duty: str,
    occurred_on: datetime.date | None,
    evidence_text: str,
    evidence: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> Failure:
    """A référent (or the Département) records a failure to one's duties; first or repeated is computed."""
    if not may_record(actor, person):
        raise Http404(NOT_FOUND_MESSAGE)
    if duty not in Duty.values:
        _refuse("duty", "Choisissez l'obligation qui n'a pas été respectée.")
    if occurred_on is None:
        _refuse("occurred_on", "Indiquez la date du manquement.")
    today = today or timezone.localdate()
    if occurred_on > today:
        _refuse("occurred_on", "La date du manquement ne peut pas être dans le futur.")
    if not (evidence_text or "").strip():
        _refuse(
            "evidence_text", "Décrivez les éléments constatés : ils seront portés à la connaissance de la personne."
        )
    if evidence is not None:
        check_evidence(evidence)
    if Failure.objects.filter(
        person=person, duty=duty, occurred_on=occurred_on, state__in=[ProcedureState.TO_INVITE, ProcedureState.INVITED]
    ).exists():
        _refuse(None, "Ce manquement est déjà enregistré et sa procédure est en cours.")
    window = settings_for(person.departement_id).repeat_window_months
    failure = Failure(
        person=person,
        departement_id=person.departement_id,
        duty=duty,
        occurred_on=occurred_on,
        recorded_by=actor.user,
        organisation=actor.organisation,
        evidence_text=evidence_text.strip(),
        rank=rank_of(person=person, occurred_on=occurred_on, window_months=window),
    )
    if evidence is not None:
        failure.evidence_name = Path(evidence.name or "piece").name[:255]
        failure.evidence.save(
            f"manquement-{person.pk}{Path(evidence.name or '').suffix.lower()}", evidence, save=False
        )
    failure.save()
    audit_event_record(
        code=AuditCode.DUTY_FAILURE_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=failure,
        person_id=person.pk,
        new={"duty": duty, "occurred_on": occurred_on, "rank": failure.rank},
    )
    return failure


# -- 2. the invitation to explain --------------------------------------------------------------------------------


@transaction.atomic
def failure_invite(*, actor: Actor, failure: Failure, today: datetime.date | None = None) -> list:
    """Invite the person to present their observations before the deadline; the letter goes by post (and e-mail,
    SMS where known)."""
    _ensure_departement_of(actor, failure)
    failure = Failure.objects.select_for_update().select_related("person", "organisation").get(pk=failure.pk)
    if failure.state != ProcedureState.TO_INVITE:
        _refuse(None, "La personne a déjà été invitée à s'expliquer sur ce manquement.")
    bounds = settings_for(failure.departement_id)
    today = today or timezone.localdate()
    failure.state = ProcedureState.INVITED
    failure.invited_on = today
    failure.answer_due_on = today + datetime.timedelta(days=bounds.answer_days)
    failure.invited_by = actor.user
    failure.save(update_fields=["state", "invited_on", "answer_due_on", "invited_by", "updated_at"])
    subject, body, sms = letters.invitation(failure=failure, bounds=bounds)
    sent = _notify(actor=actor, person=failure.person, about=failure, subject=subject, body=body, sms=sms)
    audit_event_record(
        code=AuditCode.DUTY_FAILURE_INVITED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=failure,
        person_id=failure.person_id,
        new={"answer_due_on": failure.answer_due_on, "channels": [message.channel for message in sent]},
    )
    return sent


# -- 3. the answer ------------------------------------------------------------------------------------------------


@transaction.atomic
def failure_answer_record(
    *,
    actor: Actor,
    failure: Failure,
    answered_on: datetime.date | None,
    answer: str,
    legitimate: bool | None,
    legitimate_reason: str = "",
    today: datetime.date | None = None,
) -> Failure:
    """The person's observations; a legitimate reason closes the procedure with no decision."""
    _ensure_departement_of(actor, failure)
    failure = Failure.objects.select_for_update().get(pk=failure.pk)
    if failure.state != ProcedureState.INVITED:
        _refuse(None, "Les observations se recueillent après l'invitation à s'expliquer et avant la décision.")
    if answered_on is None:
        _refuse("answered_on", "Indiquez la date à laquelle la personne a répondu.")
    if answered_on > (today or timezone.localdate()):
        _refuse("answered_on", "La date de la réponse ne peut pas être dans le futur.")
    if answered_on < failure.invited_on:
        _refuse("answered_on", "La réponse ne peut pas précéder l'invitation à s'expliquer.")
    if not (answer or "").strip():
        _refuse("answer", "Résumez les observations de la personne.")
    if legitimate is None:
        _refuse("legitimate", "Dites si le motif présenté est légitime.")
    if legitimate and not (legitimate_reason or "").strip():
        _refuse("legitimate_reason", "Indiquez le motif légitime retenu (santé, garde d'enfant, transport…).")
    failure.answered_on = answered_on
    failure.answer = answer.strip()
    failure.legitimate = legitimate
    failure.legitimate_reason = (legitimate_reason or "").strip()
    if legitimate:
        failure.state = ProcedureState.CLOSED
    failure.save()
    audit_event_record(
        code=AuditCode.DUTY_ANSWER_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=failure,
        person_id=failure.person_id,
        new={"answered_on": answered_on, "legitimate": legitimate},
    )
    return failure


# -- 4. the decision ----------------------------------------------------------------------------------------------


def check_decision(
    *,
    failure: Failure,
    nature: str,
    rate: int | None,
    months: int | None,
    household: int,
    bounds: DutySettings,
    today: datetime.date,
) -> None:
    """The decision's rules, apart from who takes it: the contradictory step, the bounds, the household cap."""
    if failure.state == ProcedureState.TO_INVITE:
        _refuse(None, "La personne n'a pas été invitée à présenter ses observations : aucune décision n'est possible.")
    if failure.state == ProcedureState.CLOSED:
        _refuse(None, "Un motif légitime a été retenu : la procédure est close sans décision.")
    if failure.state != ProcedureState.INVITED:
        _refuse(None, "Une décision a déjà été prise sur ce manquement.")
    if failure.answered_on is None and failure.answer_due_on >= today:
        _refuse(
            None,
            f"La personne peut présenter ses observations jusqu'au {failure.answer_due_on:%d/%m/%Y} inclus : "
            "la décision ne peut pas être prise avant.",
        )
    if nature not in Nature.values:
        _refuse("nature", "Choisissez une suspension ou une suppression.")
    if nature == Nature.SUPPRESSION and not escalation_allowed(failure):
        _refuse(
            "nature",
            "La suppression ne suit qu'une suspension restée sans remobilisation, sur un manquement répété.",
        )
    min_rate, max_rate, min_months, max_months = bounds.bounds(failure.rank)
    rank_label = "un premier manquement" if failure.rank == Rank.FIRST else "un manquement répété"
    if rate is None or not min_rate <= rate <= max_rate:
        _refuse("rate", f"Pour {rank_label}, le taux est compris entre {min_rate} % et {max_rate} %.")
    if household > 1 and rate > bounds.household_cap_rate:
        _refuse(
            "rate",
            f"Le foyer compte {household} personnes : le taux est plafonné à {bounds.household_cap_rate} %.",
        )
    if months is None or not min_months <= months <= max_months:
        _refuse("months", f"Pour {rank_label}, la durée est comprise entre {min_months} et {max_months} mois.")


@transaction.atomic
def decision_take(
    *,
    actor: Actor,
    failure: Failure,
    nature: str,
    rate: int | None,
    months: int | None,
    starts_on: datetime.date | None,
    reasons: str,
    epl_meeting=None,
    epl_opinion: str = "",
    today: datetime.date | None = None,
) -> Decision:
    """The Président du conseil départemental's decision, notified to the person; its line waits for the next
    CAF/MSA file."""
    _ensure_departement_of(actor, failure)
    failure = Failure.objects.select_for_update().select_related("person").get(pk=failure.pk)
    bounds = settings_for(failure.departement_id)
    household = household_size(failure.person)
    today = today or timezone.localdate()
    check_decision(
        failure=failure, nature=nature, rate=rate, months=months, household=household, bounds=bounds, today=today
    )
    if starts_on is None:
        _refuse("starts_on", "Indiquez la date d'effet de la décision.")
    if starts_on < today:
        _refuse("starts_on", "La décision ne peut pas prendre effet avant d'être prise.")
    if not (reasons or "").strip():
        _refuse("reasons", "Motivez la décision : les motifs figurent dans la notification.")
    if epl_meeting is not None and epl_meeting.departement_id != failure.departement_id:
        raise Http404(NOT_FOUND_MESSAGE)
    decision = Decision.objects.create(
        failure=failure,
        nature=nature,
        rate=rate,
        months=months,
        starts_on=starts_on,
        ends_on=starts_on + relativedelta(months=months) - datetime.timedelta(days=1),
        household_size=household,
        decided_on=today,
        decided_by=actor.user,
        reasons=reasons.strip(),
        epl_meeting=epl_meeting,
        epl_opinion=(epl_opinion or "").strip(),
    )
    failure.state = ProcedureState.SUSPENDED if nature == Nature.SUSPENSION else ProcedureState.SUPPRESSED
    failure.save(update_fields=["state", "updated_at"])
    CafLine.objects.create(decision=decision, nature=CafLineNature(nature.upper()))
    subject, body, sms = letters.notification(decision=decision)
    _notify(actor=actor, person=failure.person, about=decision, subject=subject, body=body, sms=sms)
    audit_event_record(
        code=AuditCode.DUTY_DECISION_TAKEN,
        actor=actor.user,
        organisation=actor.organisation,
        subject=decision,
        person_id=failure.person_id,
        new={"nature": nature, "rate": rate, "months": months, "starts_on": starts_on, "household": household},
    )
    return decision


# -- 5. remobilisation and reversal -----------------------------------------------------------------------------


@transaction.atomic
def decision_reverse(
    *, actor: Actor, decision: Decision, remobilised_on: datetime.date | None, today: datetime.date | None = None
) -> Decision:
    """The person re-engaged during the suspension: the suspended amounts are paid back (a reversal line)."""
    _ensure_departement_of(actor, decision.failure)
    decision = Decision.objects.select_for_update().select_related("failure__person").get(pk=decision.pk)
    if remobilised_on is None:
        _refuse("remobilised_on", "Indiquez la date à laquelle la personne a repris ses engagements.")
    if decision.nature != Nature.SUSPENSION:
        _refuse(None, "Une suppression n'est pas reversée : seules les sommes suspendues le sont.")
    if decision.remobilised_on is not None:
        _refuse(None, "La remobilisation est déjà enregistrée et la suspension reversée.")
    if remobilised_on > (today or timezone.localdate()):
        _refuse("remobilised_on", "La date de remobilisation ne peut pas être dans le futur.")
    if remobilised_on < decision.decided_on:
        _refuse("remobilised_on", "La remobilisation suit la décision de suspension.")
    if remobilised_on > decision.ends_on:
        _refuse(
            "remobilised_on",
            f"La suspension a pris fin le {decision.ends_on:%d/%m/%Y} : les sommes ne sont reversées que si la "
            "personne se remobilise pendant la suspension.",
        )
    decision.remobilised_on = remobilised_on
    decision.reversed_by = actor.user
    decision.save(update_fields=["remobilised_on", "reversed_by", "updated_at"])
    decision.failure.state = ProcedureState.REMOBILISED
    decision.failure.save(update_fields=["state", "updated_at"])
    CafLine.objects.create(decision=decision, nature=CafLineNature.REVERSAL)
    subject, body, sms = letters.reversal(decision=decision)
    _notify(actor=actor, person=decision.failure.person, about=decision, subject=subject, body=body, sms=sms)
    audit_event_record(
        code=AuditCode.DUTY_DECISION_REVERSED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=decision,
        person_id=decision.failure.person_id,
        new={"remobilised_on": remobilised_on},
    )
    return decision


# -- the CAF/MSA instruction file ---------------------------------------------------------------------------------


@transaction.atomic
def caf_export_create(*, actor: Actor) -> CafExport:
    """Gather every line not yet sent into a new file."""
    ensure_departement_staff(actor, *DEPARTEMENT_ROLES)
    departement_id = actor.departement_code
    pending = CafLine.objects.select_for_update().filter(export=None, decision__failure__departement_id=departement_id)
    line_ids = list(pending.values_list("pk", flat=True))
    if not line_ids:
        _refuse(None, "Aucune décision ni aucun reversement à transmettre depuis le dernier fichier.")
    export = CafExport.objects.create(departement_id=departement_id, created_by=actor.user)
    CafLine.objects.filter(pk__in=line_ids).update(export=export)
    person_ids = list(
        CafLine.objects.filter(export=export).values_list("decision__failure__person_id", flat=True).distinct()
    )
    audit_event_record(
        code=AuditCode.DUTY_CAF_EXPORTED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=export,
        extra={"lines": len(line_ids), "persons": person_ids},
    )
    return export
