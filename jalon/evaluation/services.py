"""Writes of the evaluation: each checks who acts, refuses bad input in French with nothing written, and writes its
audit event. The fiche's framework, the questions, the work programme and the findings keep their earlier versions
(django-simple-history)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record, changed_fields
from jalon.evaluation import access
from jalon.evaluation.enums import EvaluationTime, MemberKind, QuestionOrigin, Register, SourceKind, WorkStatus
from jalon.evaluation.models import (
    EvaluationFramework,
    EvaluationQuestion,
    EvaluationReport,
    EvaluativeMember,
    EvidenceSource,
    Finding,
    ScheduledEvaluation,
    SheetEvaluation,
    WorkItem,
)
from jalon.organisations.models import Membership


NOT_ALLOWED = "Vous ne pouvez pas modifier l'évaluation de ce plan."
STALE = (
    "Le cadre d'évaluation de la fiche a été modifié par quelqu'un d'autre pendant que vous le lisiez : "
    "rechargez-le pour voir ses changements, puis refaites les vôtres."
)
NO_FRAMEWORK_FOR_PLAN = (
    "Ce plan n'a pas de référentiel d'évaluation : ouvrez-le d'abord depuis la page de l'évaluation du plan."
)


def _allowed(actor: Actor, programme) -> None:
    if not access.may_edit(actor, programme):
        raise ValidationError(NOT_ALLOWED)


def _audit(actor: Actor, code: AuditCode, subject, **data) -> None:
    audit_event_record(code=code, actor=actor.user, organisation=actor.organisation, subject=subject, **data)


def _lines(values) -> list[str]:
    """A list typed one item a line (or given as a list): trimmed, without empty lines."""
    if isinstance(values, str):
        values = values.splitlines()
    return [value.strip() for value in values or [] if value and value.strip()]


def _plan_organisation(programme, organisation, field: str):
    if organisation is None:
        raise ValidationError({field: "Choisissez l'organisation responsable."})
    if not programme.signatories.filter(organisation=organisation).exists():
        raise ValidationError({field: "Choisissez une organisation nommée par le plan."})
    return organisation


def _person_of(organisation, user, field: str):
    """The person named responsible must be a member of the responsible organisation."""
    if user is not None and not Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise ValidationError({field: f"{user.get_full_name() or user} n'est pas membre de {organisation}."})
    return user


# -- The référentiel -----------------------------------------------------------------------------------------------


@transaction.atomic
def framework_open(*, actor: Actor, programme) -> EvaluationFramework:
    """A référentiel for a plan that writes none: the six usual registers and the two times, for the instance to
    complete (the Landes pacte evaluates its actions by their indicators only)."""
    _allowed(actor, programme)
    if EvaluationFramework.objects.filter(programme=programme).exists():
        raise ValidationError("Ce plan a déjà un référentiel d'évaluation.")
    framework = EvaluationFramework.objects.create(
        programme=programme,
        title=f"Référentiel d'évaluation — {programme.title}",
        from_document=False,
        registers=[{"code": code, "example": "", "source": ""} for code in Register.values],
        times=[{"code": code, "label": label, "text": "", "source": ""} for code, label in EvaluationTime.choices],
        instance_name="Instance évaluative",
        notes=["Le plan n'écrit pas de référentiel d'évaluation : celui-ci a été ouvert dans Jalon."],
    )
    _audit(actor, AuditCode.EVALUATION_FRAMEWORK_OPENED, framework, new={"programme": programme.code})
    return framework


# -- A fiche's framework -------------------------------------------------------------------------------------------


@transaction.atomic
def sheet_set(
    *,
    actor: Actor,
    action,
    impacts,
    owner_organisation,
    owner_user=None,
    version: int | None = None,
) -> SheetEvaluation:
    """Sets up or updates the fiche's framework: the impacts expected of its objectives, and who evaluates it."""
    programme = action.programme
    _allowed(actor, programme)
    framework = EvaluationFramework.objects.filter(programme=programme).first()
    if framework is None:
        raise ValidationError(NO_FRAMEWORK_FOR_PLAN)
    impacts = _lines(impacts)
    if not impacts:
        raise ValidationError({"impacts": "Écrivez au moins un impact attendu (un par ligne)."})
    owner_organisation = _plan_organisation(programme, owner_organisation, "owner_organisation")
    owner_user = _person_of(owner_organisation, owner_user, "owner_user")
    sheet = SheetEvaluation.objects.select_for_update().filter(action=action).first()
    data = {"impacts": impacts, "owner_organisation": owner_organisation, "owner_user": owner_user}
    if sheet is None:
        sheet = SheetEvaluation(framework=framework, action=action, **data)
        old, new = {}, {"impacts": impacts, "owner_organisation": owner_organisation.pk}
    else:
        if version is not None and int(version) != sheet.version:
            raise ValidationError(STALE)
        old, new = changed_fields(sheet, list(data), data)
        if not new:
            return sheet
        for name, value in data.items():
            setattr(sheet, name, value)
        sheet.version += 1
    sheet._history_user = actor.user  # type: ignore[attr-defined]
    sheet.save()
    _audit(actor, AuditCode.EVALUATION_SHEET_UPDATED, sheet, old=old, new=new)
    return sheet


def _check_question(register: str, criteria, indicators) -> tuple[list[str], list]:
    if register not in Register.values:
        raise ValidationError({"register": "Choisissez le registre de la question."})
    return _lines(criteria), list(indicators or [])


@transaction.atomic
def question_add(
    *,
    actor: Actor,
    framework: EvaluationFramework,
    action=None,
    text: str,
    register: str,
    asked_to: str = "",
    criteria=(),
    indicators=(),
) -> EvaluationQuestion:
    """A question the instance adds (the plan's own questions come from its file): to a fiche, or to the plan."""
    _allowed(actor, framework.programme)
    if action is not None and action.programme_id != framework.programme_id:
        raise ValidationError("Cette fiche n'appartient pas au plan du référentiel.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Écrivez la question."})
    criteria, indicators = _check_question(register, criteria, indicators)
    # Numbers follow each other in the référentiel: locked, two additions never take the same one.
    EvaluationFramework.objects.select_for_update().get(pk=framework.pk)
    number = (framework.questions.aggregate(last=Max("number"))["last"] or 0) + 1
    question = EvaluationQuestion(
        framework=framework,
        action=action,
        number=number,
        text=text,
        register=register,
        asked_to=(asked_to or "").strip(),
        origin=QuestionOrigin.INSTANCE,
        criteria=criteria,
    )
    question._history_user = actor.user  # type: ignore[attr-defined]
    question.save()
    question.indicators.set(indicators)
    _audit(
        actor,
        AuditCode.EVALUATION_QUESTION_ADDED,
        question,
        new={"number": number, "register": register, "indicators": [i.code for i in indicators]},
    )
    return question


@transaction.atomic
def question_update(
    *,
    actor: Actor,
    question: EvaluationQuestion,
    register: str,
    criteria=(),
    indicators=(),
    asked_to: str = "",
    text: str | None = None,
) -> EvaluationQuestion:
    """Register, criteria, indicators and public of a question; the text of a question the plan writes stays as
    written (only the instance's own questions are reworded)."""
    _allowed(actor, question.framework.programme)
    criteria, indicators = _check_question(register, criteria, indicators)
    data = {"register": register, "criteria": criteria, "asked_to": (asked_to or "").strip()}
    if text is not None and question.origin == QuestionOrigin.INSTANCE:
        if not text.strip():
            raise ValidationError({"text": "Écrivez la question."})
        data["text"] = text.strip()
    old, new = changed_fields(question, list(data), data)
    before = sorted(question.indicators.values_list("code", flat=True))
    after = sorted(i.code for i in indicators)
    if before != after:
        old["indicators"], new["indicators"] = before, after
    if not new:
        return question
    for name, value in data.items():
        setattr(question, name, value)
    question._history_user = actor.user  # type: ignore[attr-defined]
    question.save()
    question.indicators.set(indicators)
    _audit(actor, AuditCode.EVALUATION_QUESTION_UPDATED, question, old=old, new=new)
    return question


@transaction.atomic
def source_add(
    *, actor: Actor, question: EvaluationQuestion, kind: str, description: str, reference: str = "", campaign=None
) -> EvidenceSource:
    """A source of the question; a survey source may name a campaign of the Département, whose results the
    reports print (under its anonymity threshold)."""
    programme = question.framework.programme
    _allowed(actor, programme)
    if kind not in SourceKind.values:
        raise ValidationError({"kind": "Choisissez la nature de la source."})
    if campaign is not None and kind != SourceKind.SURVEY:
        raise ValidationError({"campaign": "Seule une source de nature « enquête » renvoie à une campagne."})
    if campaign is not None and campaign.departement_id != programme.departement_id:
        raise ValidationError({"campaign": "Cette campagne n'appartient pas au département du plan."})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Décrivez la source (qui est interrogé, quel document)."})
    source = EvidenceSource.objects.create(
        question=question,
        kind=kind,
        description=description,
        reference=(reference or "").strip(),
        campaign=campaign,
    )
    _audit(actor, AuditCode.EVALUATION_SOURCE_ADDED, source, new={"question": question.number, "kind": kind})
    return source


@transaction.atomic
def source_remove(*, actor: Actor, source: EvidenceSource) -> None:
    _allowed(actor, source.question.framework.programme)
    _audit(
        actor,
        AuditCode.EVALUATION_SOURCE_REMOVED,
        source.question,
        old={"kind": source.kind, "description": source.description},
    )
    source.delete()


@transaction.atomic
def evaluation_schedule(
    *, actor: Actor, sheet: SheetEvaluation, time: str, due_on: date, owner_organisation=None, owner_user=None
) -> ScheduledEvaluation:
    """Dates an evaluation of the fiche: in itinere within the plan's period, ex post once it has begun."""
    programme = sheet.action.programme
    _allowed(actor, programme)
    if time not in EvaluationTime.values:
        raise ValidationError({"time": "Choisissez le temps de l'évaluation."})
    if due_on is None:
        raise ValidationError({"due_on": "Indiquez la date prévue."})
    if due_on < programme.start:
        raise ValidationError({"due_on": f"La date précède le début du plan ({programme.start:%d/%m/%Y})."})
    if time == EvaluationTime.IN_ITINERE and due_on > programme.end:
        raise ValidationError(
            {"due_on": f"Une évaluation in itinere se tient avant la fin du plan ({programme.end:%d/%m/%Y})."}
        )
    owner_organisation = _plan_organisation(
        programme, owner_organisation or sheet.owner_organisation, "owner_organisation"
    )
    owner_user = _person_of(owner_organisation, owner_user, "owner_user")
    if ScheduledEvaluation.objects.filter(sheet=sheet, time=time, due_on=due_on).exists():
        raise ValidationError({"due_on": "Cette évaluation est déjà programmée à cette date."})
    entry = ScheduledEvaluation.objects.create(
        sheet=sheet, time=time, due_on=due_on, owner_organisation=owner_organisation, owner_user=owner_user
    )
    _audit(
        actor,
        AuditCode.EVALUATION_SCHEDULED,
        sheet,
        new={"time": time, "due_on": due_on, "owner_organisation": owner_organisation.pk},
    )
    return entry


@transaction.atomic
def evaluation_done(*, actor: Actor, entry: ScheduledEvaluation, done_on: date) -> ScheduledEvaluation:
    """Records that a scheduled evaluation took place (its report is produced separately, in as many versions as
    the instance needs)."""
    programme = entry.sheet.action.programme
    _allowed(actor, programme)
    if entry.done_on is not None:
        raise ValidationError(f"Cette évaluation est déjà marquée réalisée le {entry.done_on:%d/%m/%Y}.")
    if done_on is None:
        raise ValidationError({"done_on": "Indiquez la date de l'évaluation."})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Une évaluation réalisée l'est à une date passée."})
    if done_on < programme.start:
        raise ValidationError({"done_on": f"La date précède le début du plan ({programme.start:%d/%m/%Y})."})
    entry.done_on = done_on
    entry.save(update_fields=["done_on", "updated_at"])
    _audit(actor, AuditCode.EVALUATION_DONE, entry.sheet, new={"time": entry.time, "done_on": done_on})
    return entry


@transaction.atomic
def evaluation_unschedule(*, actor: Actor, entry: ScheduledEvaluation) -> None:
    _allowed(actor, entry.sheet.action.programme)
    _audit(actor, AuditCode.EVALUATION_SCHEDULE_REMOVED, entry.sheet, old={"time": entry.time, "due_on": entry.due_on})
    entry.delete()


# -- The instance évaluative ------------------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    framework: EvaluationFramework,
    kind: str,
    name: str = "",
    organisation=None,
    user=None,
    role: str = "",
    since: date | None = None,
) -> EvaluativeMember:
    _allowed(actor, framework.programme)
    if kind not in MemberKind.values:
        raise ValidationError({"kind": "Choisissez la place du membre dans l'instance."})
    if organisation is not None:
        _plan_organisation(framework.programme, organisation, "organisation")
        user = _person_of(organisation, user, "user")
    name = (
        (name or "").strip() or (user.get_full_name() if user else "") or (str(organisation) if organisation else "")
    )
    if not name:
        raise ValidationError({"name": "Nommez le membre, ou choisissez son organisation."})
    member = EvaluativeMember(
        framework=framework,
        kind=kind,
        name=name,
        organisation=organisation,
        user=user,
        role=(role or "").strip(),
        since=since or timezone.localdate(),
    )
    member._history_user = actor.user  # type: ignore[attr-defined]
    member.save()
    _audit(actor, AuditCode.EVALUATIVE_MEMBER_ADDED, member, new={"kind": kind, "name": name})
    return member


@transaction.atomic
def member_end(*, actor: Actor, member: EvaluativeMember, until: date) -> EvaluativeMember:
    _allowed(actor, member.framework.programme)
    if until is None:
        raise ValidationError({"until": "Indiquez la date de sortie."})
    if member.until is not None:
        raise ValidationError("Ce membre a déjà quitté l'instance.")
    if member.since and until < member.since:
        raise ValidationError({"until": "La sortie précède l'entrée dans l'instance."})
    member.until = until
    member._history_user = actor.user  # type: ignore[attr-defined]
    member.save()
    _audit(actor, AuditCode.EVALUATIVE_MEMBER_ENDED, member, new={"until": until})
    return member


def _work_data(framework, *, title, due_on, owner_organisation, owner_user, action, description) -> dict:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Écrivez le travail à mener."})
    if due_on is None:
        raise ValidationError({"due_on": "Indiquez l'échéance."})
    if action is not None and action.programme_id != framework.programme_id:
        raise ValidationError({"action": "Cette fiche n'appartient pas au plan."})
    owner_organisation = _plan_organisation(framework.programme, owner_organisation, "owner_organisation")
    return {
        "title": title,
        "due_on": due_on,
        "owner_organisation": owner_organisation,
        "owner_user": _person_of(owner_organisation, owner_user, "owner_user"),
        "action": action,
        "description": (description or "").strip(),
    }


@transaction.atomic
def work_item_create(
    *,
    actor: Actor,
    framework: EvaluationFramework,
    title: str,
    due_on: date,
    owner_organisation,
    owner_user=None,
    action=None,
    description: str = "",
) -> WorkItem:
    _allowed(actor, framework.programme)
    data = _work_data(
        framework,
        title=title,
        due_on=due_on,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        action=action,
        description=description,
    )
    item = WorkItem(framework=framework, **data)
    item._history_user = actor.user  # type: ignore[attr-defined]
    item.save()
    _audit(actor, AuditCode.EVALUATION_WORK_ITEM_CREATED, item, new={"title": item.title, "due_on": due_on})
    return item


@transaction.atomic
def work_item_update(
    *,
    actor: Actor,
    item: WorkItem,
    title: str,
    due_on: date,
    status: str,
    owner_organisation,
    owner_user=None,
    action=None,
    description: str = "",
    done_on: date | None = None,
) -> WorkItem:
    _allowed(actor, item.framework.programme)
    if status not in WorkStatus.values:
        raise ValidationError({"status": "Choisissez l'état du travail."})
    data = _work_data(
        item.framework,
        title=title,
        due_on=due_on,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        action=action,
        description=description,
    )
    if status == WorkStatus.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": "Un travail fait l'est à une date passée."})
    else:
        done_on = None
    data.update(status=status, done_on=done_on)
    old, new = changed_fields(item, list(data), data)
    if not new:
        return item
    for name, value in data.items():
        setattr(item, name, value)
    item._history_user = actor.user  # type: ignore[attr-defined]
    item.save()
    _audit(actor, AuditCode.EVALUATION_WORK_ITEM_UPDATED, item, old=old, new=new)
    return item


# -- Findings ---------------------------------------------------------------------------------------------------------


def _finding_data(text, sources, observed_on) -> dict:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Écrivez le constat."})
    if observed_on is None:
        raise ValidationError({"observed_on": "Indiquez la date du constat."})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": "Un constat ne peut pas être daté dans le futur."})
    return {"text": text, "sources": (sources or "").strip(), "observed_on": observed_on}


@transaction.atomic
def finding_record(
    *, actor: Actor, question: EvaluationQuestion, text: str, observed_on: date, sources: str = ""
) -> Finding:
    _allowed(actor, question.framework.programme)
    finding = Finding(question=question, author=actor.user, **_finding_data(text, sources, observed_on))
    finding._history_user = actor.user  # type: ignore[attr-defined]
    finding.save()
    _audit(actor, AuditCode.EVALUATION_FINDING_RECORDED, finding, new={"question": question.number})
    return finding


@transaction.atomic
def finding_update(*, actor: Actor, finding: Finding, text: str, observed_on: date, sources: str = "") -> Finding:
    """Rewrites a finding; its earlier wording stays in its history (who, when)."""
    _allowed(actor, finding.question.framework.programme)
    data = _finding_data(text, sources, observed_on)
    old, new = changed_fields(finding, list(data), data)
    if not new:
        return finding
    for name, value in data.items():
        setattr(finding, name, value)
    finding._history_user = actor.user  # type: ignore[attr-defined]
    finding.save()
    _audit(actor, AuditCode.EVALUATION_FINDING_UPDATED, finding, old=old, new=new)
    return finding


# -- Reports ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def report_generate(*, actor: Actor, framework: EvaluationFramework, time: str, action=None) -> EvaluationReport:
    """A new version of the report of a fiche (or of the whole plan): PDF and DOCX, kept with who and when."""
    from jalon.evaluation import report

    _allowed(actor, framework.programme)
    if time not in EvaluationTime.values:
        raise ValidationError({"time": "Choisissez le temps de l'évaluation (in itinere ou ex post)."})
    if action is not None:
        if action.programme_id != framework.programme_id:
            raise ValidationError("Cette fiche n'appartient pas au plan du référentiel.")
        if not SheetEvaluation.objects.filter(action=action).exists():
            raise ValidationError(
                f"La fiche action « {action.code} » n'a pas de cadre d'évaluation : mettez-le en place (impacts "
                "attendus, responsable, questions) avant d'en produire le rapport."
            )
    elif not framework.sheets.exists():
        raise ValidationError(
            "Aucune fiche du plan n'a de cadre d'évaluation : mettez-en un en place avant de produire le rapport."
        )
    # Versions follow each other per fiche (or plan) and time: the référentiel is locked while one is numbered.
    EvaluationFramework.objects.select_for_update().get(pk=framework.pk)
    last = EvaluationReport.objects.filter(framework=framework, action=action, time=time).aggregate(
        last=Max("version")
    )
    version = (last["last"] or 0) + 1
    today = timezone.localdate()
    content = report.report_content(framework=framework, action=action, time=time, as_of=today)
    scope = report.slug(action.code) if action else "plan"
    stem = f"evaluation-{scope}-{time.replace('_', '-')}-v{version}"
    saved = EvaluationReport(framework=framework, action=action, time=time, version=version, generated_by=actor.user)
    saved.pdf.save(f"{stem}.pdf", ContentFile(report.report_pdf(content, version=version)), save=False)
    saved.docx.save(f"{stem}.docx", ContentFile(report.report_docx(content, version=version)), save=False)
    saved.save()
    _audit(
        actor,
        AuditCode.EVALUATION_REPORT_GENERATED,
        saved,
        new={"scope": action.code if action else "plan", "time": time, "version": version},
    )
    return saved
