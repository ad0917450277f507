"""Writes of the carnet's core: situation and freins, projects, objectives and actions.

Every write states the carnet version its form was loaded with and calls `notebook_touch` inside its transaction,
so a colleague's change made in between is never overwritten silently (decision 0011)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.core.services import audit_event_record, changed_fields
from jalon.core.text import normalise_name
from jalon.notebook.access import notebook_access
from jalon.notebook.enums import ContractWanted, FreinNature, FreinStatus, WorkingTime, WorkStatus
from jalon.notebook.models import (
    Action,
    FreinCategory,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    RomeAppellation,
    RomeCode,
)
from jalon.notebook.services import notebook_open, notebook_touch
from jalon.people.models import Person


FREIN_FIELDS = ["status", "nature", "identified_on", "resolved_on", "comment"]
PROJECT_FIELDS = [
    "appellation",
    "rome",
    "title",
    "contract_types",
    "working_time",
    "mobility_km",
    "expected_monthly_wage",
    "strengths",
    "is_main",
]
WORK_FIELDS = ["title", "status", "starts_on", "due_on", "done_on", "carried_by"]
OBJECTIVE_FIELDS = [*WORK_FIELDS, "frein", "project"]
ACTION_FIELDS = [*WORK_FIELDS, "carried_by_person"]
ROME_CODE = re.compile(r"^[A-N]\d{4}$")


def notebook_reach(*, actor: Actor, person_pk):
    """The carnet as the actor may reach it, opened (created from the DSP) on first visit by someone who sees the
    person directly; a team member of another organisation only reaches an existing carnet under consent."""
    person = Person.objects.visible_to(actor).filter(pk=person_pk).first() if str(person_pk).isdigit() else None
    if person is not None and not Notebook.objects.filter(person=person).exists():
        notebook_open(actor=actor, person=person)
    return notebook_access(actor=actor, person_pk=person_pk)


def _audit(*, code, actor: Actor, subject, notebook: Notebook, old=None, new=None):
    audit_event_record(
        code=code,
        actor=actor.user,
        organisation=actor.organisation,
        subject=subject,
        person_id=notebook.person_id,
        old=old,
        new=new,
    )


# --- situation and freins ---------------------------------------------------------------------------------------


def _check_frein_row(category: FreinCategory, row: dict) -> None:
    if row.get("status", FreinStatus.NOT_EXPLORED) not in FreinStatus.values:
        raise ValidationError(f"{category.label} : statut inconnu.")
    if row.get("nature") and row["nature"] not in FreinNature.values:
        raise ValidationError(f"{category.label} : nature inconnue.")
    identified, resolved = row.get("identified_on"), row.get("resolved_on")
    if identified and resolved and resolved < identified:
        raise ValidationError(f"{category.label} : la date de levée ne peut pas précéder la date de repérage.")


@transaction.atomic
def notebook_freins_update(*, actor: Actor, notebook: Notebook, version: int, rows: list[dict]) -> int:
    """Record the person's situation on the référentiel. `rows` hold, per active category (`category` = its pk),
    the status, nature, dates and comment. Everything is checked before anything is written; returns the number
    of freins changed, each audited with its old and new values."""
    categories = {category.pk: category for category in FreinCategory.objects.filter(is_active=True)}
    for row in rows:
        category = categories.get(row.get("category") or 0)
        if category is None:
            raise ValidationError("Un frein de la liste n'existe plus dans le référentiel : rechargez la page.")
        _check_frein_row(category, row)
    notebook_touch(notebook=notebook, expected_version=version)
    existing = {frein.category_id: frein for frein in NotebookFrein.objects.filter(notebook=notebook)}
    changed = 0
    for row in rows:
        category = categories[row["category"]]
        data = {field: row.get(field) for field in FREIN_FIELDS}
        data["status"] = data["status"] or FreinStatus.NOT_EXPLORED
        data["nature"] = data["nature"] or ""
        data["comment"] = (data["comment"] or "").strip()
        frein = existing.get(category.pk)
        if frein is None:
            blank = NotebookFrein(notebook=notebook, category=category)
            old, new = changed_fields(blank, FREIN_FIELDS, data)
            if not new:
                continue  # untouched and never explored: no row needed
            frein = NotebookFrein(notebook=notebook, category=category, updated_by=actor.user, **data)
            frein.full_clean()
            frein.save()
        else:
            old, new = changed_fields(frein, FREIN_FIELDS, data)
            if not new:
                continue
            for field, value in new.items():
                setattr(frein, field, value)
            frein.updated_by = actor.user
            frein.full_clean()
            frein.save()
        changed += 1
        _audit(
            code=AuditCode.NOTEBOOK_FREIN_UPDATED,
            actor=actor,
            subject=frein,
            notebook=notebook,
            old={"frein": category.code, **old},
            new={"frein": category.code, **new},
        )
    return changed


# --- professional projects --------------------------------------------------------------------------------------


def rome_resolve(code: str) -> tuple[RomeAppellation | None, RomeCode | None]:
    """The job typed or chosen: an OGR code (appellation), a ROME code, or an exact job title."""
    code = (code or "").strip()
    if not code:
        return None, None
    appellation = RomeAppellation.objects.select_related("rome").filter(code=code).first()
    if appellation is None:
        appellation = (
            RomeAppellation.objects.select_related("rome")
            .filter(normalized_label=normalise_name(code))
            .order_by("-active", "code")  # a title of the current release before a retired homonym
            .first()
        )
    if appellation is not None:
        return appellation, appellation.rome
    rome = RomeCode.objects.filter(code=code.upper()).first() if ROME_CODE.match(code.upper()) else None
    if rome is None:
        raise ValidationError(
            {"job": f"« {code} » n'est ni un code ROME, ni un code OGR, ni un métier connu du ROME."}
        )
    return None, rome


def _project_data(*, job: str, title: str, contract_types, working_time, **other) -> dict:
    appellation, rome = rome_resolve(job)
    title = (title or "").strip()
    if appellation is None and rome is None and not title:
        raise ValidationError({"job": "Indiquez le métier visé ou l'intitulé du projet."})
    contract_types = list(contract_types or [])
    unknown = [code for code in contract_types if code not in ContractWanted.values]
    if unknown:
        raise ValidationError({"contract_types": "Type de contrat inconnu."})
    if working_time not in WorkingTime.values:
        raise ValidationError({"working_time": "Temps de travail inconnu."})
    return {
        "appellation": appellation,
        "rome": rome,
        "title": title,
        "contract_types": contract_types,
        "working_time": working_time,
        "mobility_km": other.get("mobility_km"),
        "expected_monthly_wage": other.get("expected_monthly_wage"),
        "strengths": (other.get("strengths") or "").strip(),
        "is_main": bool(other.get("is_main")),
    }


def _only_main(project: ProfessionalProject) -> None:
    # One main project at a time: the latest one marked main wins.
    if project.is_main:
        ProfessionalProject.objects.filter(notebook_id=project.notebook_id, is_main=True).exclude(
            pk=project.pk
        ).update(is_main=False)


@transaction.atomic
def project_create(*, actor: Actor, notebook: Notebook, version: int, **fields) -> ProfessionalProject:
    data = _project_data(**fields)
    notebook_touch(notebook=notebook, expected_version=version)
    project = ProfessionalProject(notebook=notebook, **data)
    project.full_clean()
    project.save()
    _only_main(project)
    _audit(code=AuditCode.PROJECT_CREATED, actor=actor, subject=project, notebook=notebook, new=data)
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: ProfessionalProject, version: int, **fields) -> ProfessionalProject:
    data = _project_data(**fields)
    notebook_touch(notebook=project.notebook, expected_version=version)
    old, new = changed_fields(project, PROJECT_FIELDS, data)
    if new:
        for field, value in new.items():
            setattr(project, field, value)
        project.full_clean()
        project.save()
        _only_main(project)
        _audit(
            code=AuditCode.PROJECT_UPDATED, actor=actor, subject=project, notebook=project.notebook, old=old, new=new
        )
    return project


# --- objectives and actions -------------------------------------------------------------------------------------


def _work_data(fields: dict) -> dict:
    title = (fields.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un intitulé."})
    status = fields.get("status") or WorkStatus.PLANNED
    if status not in WorkStatus.values:
        raise ValidationError({"status": "Statut inconnu."})
    starts_on: date | None = fields.get("starts_on")
    due_on: date | None = fields.get("due_on")
    done_on: date | None = fields.get("done_on")
    if starts_on and due_on and due_on < starts_on:
        raise ValidationError({"due_on": "L'échéance ne peut pas précéder la date de début."})
    if starts_on and done_on and done_on < starts_on:
        raise ValidationError({"done_on": "La date de réalisation ne peut pas précéder la date de début."})
    if status == WorkStatus.DONE and done_on is None:
        done_on = timezone.localdate()
    return {
        "title": title,
        "status": status,
        "starts_on": starts_on,
        "due_on": due_on,
        "done_on": done_on,
        "carried_by": fields.get("carried_by"),
    }


def _objective_data(notebook: Notebook, fields: dict) -> dict:
    data = _work_data(fields)
    frein, project = fields.get("frein"), fields.get("project")
    if (
        frein is not None
        and frein.notebook_id != notebook.pk
        or project is not None
        and project.notebook_id != (notebook.pk)
    ):
        raise ValidationError("Ce frein ou ce projet n'appartient pas à ce carnet.")
    if frein is None and project is None:
        raise ValidationError({"link": "Rattachez l'objectif à un frein ou à un projet professionnel."})
    return {**data, "frein": frein, "project": project}


@transaction.atomic
def objective_create(*, actor: Actor, notebook: Notebook, version: int, **fields) -> Objective:
    data = _objective_data(notebook, fields)
    notebook_touch(notebook=notebook, expected_version=version)
    objective = Objective(notebook=notebook, **data)
    objective.full_clean()
    objective.save()
    _audit(code=AuditCode.OBJECTIVE_CREATED, actor=actor, subject=objective, notebook=notebook, new=data)
    return objective


@transaction.atomic
def objective_update(*, actor: Actor, objective: Objective, version: int, **fields) -> Objective:
    data = _objective_data(objective.notebook, fields)
    notebook_touch(notebook=objective.notebook, expected_version=version)
    old, new = changed_fields(objective, OBJECTIVE_FIELDS, data)
    if new:
        for field, value in new.items():
            setattr(objective, field, value)
        objective.full_clean()
        objective.save()
        _audit(
            code=AuditCode.OBJECTIVE_UPDATED,
            actor=actor,
            subject=objective,
            notebook=objective.notebook,
            old=old,
            new=new,
        )
    return objective


def _action_data(fields: dict) -> dict:
    return {**_work_data(fields), "carried_by_person": bool(fields.get("carried_by_person"))}


@transaction.atomic
def action_create(*, actor: Actor, objective: Objective | None, version: int, **fields) -> Action:
    if objective is None:
        raise ValidationError(
            "Une action se rattache toujours à un objectif : choisissez ou créez d'abord l'objectif."
        )
    data = _action_data(fields)
    notebook_touch(notebook=objective.notebook, expected_version=version)
    action = Action(objective=objective, carried_by_organisation=actor.organisation, **data)
    action.full_clean()
    action.save()
    _audit(code=AuditCode.ACTION_CREATED, actor=actor, subject=action, notebook=objective.notebook, new=data)
    return action


@transaction.atomic
def action_update(*, actor: Actor, action: Action, version: int, **fields) -> Action:
    data = _action_data(fields)
    notebook = action.objective.notebook
    notebook_touch(notebook=notebook, expected_version=version)
    old, new = changed_fields(action, ACTION_FIELDS, data)
    if new:
        for field, value in new.items():
            setattr(action, field, value)
        action.full_clean()
        action.save()
        _audit(code=AuditCode.ACTION_UPDATED, actor=actor, subject=action, notebook=notebook, old=old, new=new)
    return action
