"""Reads a plan's référentiel d'évaluation (`data/<plan>-evaluation.yaml`, format in `data/README.md`).

Like the plans themselves: the whole file is checked before anything is written, a file with an error loads nothing
and every error is listed in French; a référentiel already loaded is left as it is (the instance évaluative works
on it from then on)."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.yaml_files import read_yaml_mapping
from jalon.evaluation.enums import EvaluationTime, MemberKind, QuestionOrigin, Register, WorkStatus
from jalon.evaluation.models import EvaluationFramework, EvaluationQuestion, EvaluativeMember, WorkItem
from jalon.observatory.models import Indicator
from jalon.programme.models import Programme


DATA_DIR = Path(__file__).with_name("data")
CONTINUOUS = "continu"  # « au fil de l'eau »: a time of the référentiel that is not a dated evaluation


@dataclass
class LoadResult:
    framework: EvaluationFramework
    created: bool
    counts: dict = field(default_factory=dict)


def framework_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*-evaluation.yaml"))


def read_framework(path: Path) -> dict:
    return read_yaml_mapping(path, key="framework", what="de référentiel")


def _duplicates(values, label: str, errors: list[str]) -> None:
    seen = set()
    for value in values:
        if value in seen:
            errors.append(f"En double parmi les {label} : « {value} ».")
        seen.add(value)


def _date(value, where: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(f"{where} : date illisible « {value} » (attendu AAAA-MM-JJ).")
        return None


def check_framework(data: dict) -> list[str]:
    """Every reason the file cannot be loaded, in French; empty when it can."""
    errors: list[str] = []
    meta = data["framework"]
    errors.extend(f"Référentiel : « {key} » manquant." for key in ("programme", "title") if not meta.get(key))
    programme = Programme.objects.filter(code=meta.get("programme") or "").first()
    if meta.get("programme") and programme is None:
        errors.append(
            f"Référentiel : le programme « {meta['programme']} » n'est pas chargé (chargez d'abord le plan)."
        )
    keys = set(programme.signatories.values_list("key", flat=True)) if programme else set()
    actions = {a.code: a for a in programme.actions.all()} if programme else {}

    registers = data.get("registers") or []
    codes = [item.get("code") for item in registers]
    errors.extend(f"Registre « {code} » inconnu." for code in codes if code not in Register.values)
    _duplicates(codes, "registres", errors)
    times = data.get("times") or []
    time_codes = [item.get("code") for item in times]
    errors.extend(
        f"Temps de l'évaluation « {code} » inconnu."
        for code in time_codes
        if code not in (*EvaluationTime.values, CONTINUOUS)
    )
    errors.extend(
        f"Temps de l'évaluation « {item.get('code')} » : libellé manquant." for item in times if not item.get("label")
    )
    _duplicates(time_codes, "temps de l'évaluation", errors)

    questions = data.get("questions") or []
    _duplicates([item.get("number") for item in questions], "numéros de questions", errors)
    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    by_action: dict[str, list[str]] = {}
    for item in questions:
        where = f"Question {item.get('number')}"
        if not isinstance(item.get("number"), int) or item["number"] < 1:
            errors.append(f"{where} : numéro manquant ou illisible.")
        if not (item.get("text") or "").strip():
            errors.append(f"{where} : texte manquant.")
        if item.get("register") not in Register.values:
            errors.append(f"{where} : registre « {item.get('register')} » inconnu.")
        elif registers and item["register"] not in codes:
            errors.append(f"{where} : le registre « {item['register']} » n'est pas un registre du référentiel.")
        errors.extend(
            f"{where} : indicateur « {code} » absent du catalogue."
            for code in item.get("indicators") or []
            if code not in indicator_codes
        )
        code = item.get("action")
        if code is not None and programme is not None:
            if str(code) not in actions:
                errors.append(f"{where} : fiche « {code} » absente du plan.")
            else:
                by_action.setdefault(str(code), []).append((item.get("text") or "").strip())
    # A fiche's questions are the plan's own: the same texts as the plan's data file, none left out.
    for code, texts in by_action.items():
        written = [text.strip() for text in actions[code].evaluation_questions]
        errors.extend(
            f"Fiche « {code} » : la question « {text} » n'est pas écrite ainsi dans le plan."
            for text in texts
            if text not in written
        )
        errors.extend(
            f"Fiche « {code} » : la question du plan « {text} » manque au référentiel."
            for text in written
            if text not in texts
        )

    instance = data.get("instance") or {}
    if instance.get("body") and programme is not None and not programme.bodies.filter(code=instance["body"]).exists():
        errors.append(f"Instance : « {instance['body']} » n'est pas une instance du plan.")
    for member in instance.get("members") or []:
        where = f"Membre « {member.get('name')} »"
        if not member.get("name"):
            errors.append("Instance : un membre sans nom.")
        if member.get("kind") not in MemberKind.values:
            errors.append(f"{where} : place « {member.get('kind')} » inconnue.")
        if member.get("organisation") and member["organisation"] not in keys:
            errors.append(f"{where} : organisation « {member['organisation']} » inconnue du plan.")
    for item in instance.get("work_programme") or []:
        where = f"Travail « {item.get('title')} »"
        if not item.get("title"):
            errors.append("Programme de travail : un travail sans intitulé.")
        if item.get("owner") and item["owner"] not in keys:
            errors.append(f"{where} : responsable « {item['owner']} » inconnu du plan.")
        if item.get("action") and str(item["action"]) not in actions:
            errors.append(f"{where} : fiche « {item['action']} » absente du plan.")
        if item.get("status", WorkStatus.PLANNED) not in WorkStatus.values:
            errors.append(f"{where} : état « {item.get('status')} » inconnu.")
        _date(item.get("due"), where, errors)
    return errors


@transaction.atomic
def framework_load(*, data: dict, actor_user=None) -> LoadResult:
    errors = check_framework(data)
    if errors:
        raise ValidationError(errors)
    meta = data["framework"]
    programme = Programme.objects.get(code=meta["programme"])
    existing = EvaluationFramework.objects.filter(programme=programme).first()
    if existing:
        return LoadResult(framework=existing, created=False)
    instance = data.get("instance") or {}
    framework = EvaluationFramework.objects.create(
        programme=programme,
        title=meta["title"],
        from_document=True,
        principle=meta.get("principle") or "",
        chain=meta.get("chain") or "",
        registers=[
            {"code": r["code"], "example": r.get("example") or "", "source": r.get("source") or ""}
            for r in data.get("registers") or []
        ],
        times=[
            {"code": t["code"], "label": t["label"], "text": t.get("text") or "", "source": t.get("source") or ""}
            for t in data.get("times") or []
        ],
        instance_name=instance.get("name") or "",
        instance_composition=instance.get("composition") or "",
        instance_role=instance.get("role") or "",
        instance_source=instance.get("source") or "",
        body=programme.bodies.filter(code=instance.get("body") or "").first(),
        source=meta.get("source") or "",
        notes=(meta.get("notes") or []) + (instance.get("notes") or []),
    )
    organisations = {s.key: s.organisation for s in programme.signatories.select_related("organisation")}
    actions = {a.code: a for a in programme.actions.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for item in data.get("questions") or []:
        question = EvaluationQuestion.objects.create(
            framework=framework,
            action=actions.get(str(item["action"])) if item.get("action") is not None else None,
            number=item["number"],
            text=item["text"].strip(),
            register=item["register"],
            asked_to=item.get("asked_to") or "",
            origin=QuestionOrigin.DOCUMENT,
            criteria=item.get("criteria") or [],
            source=item.get("source") or "",
            notes=item.get("notes") or [],
        )
        question.indicators.set([indicators[code] for code in item.get("indicators") or []])
    for member in instance.get("members") or []:
        EvaluativeMember.objects.create(
            framework=framework,
            kind=member["kind"],
            name=member["name"],
            organisation=organisations.get(member.get("organisation")),
            role=member.get("role") or "",
            source=member.get("source") or "",
        )
    for item in instance.get("work_programme") or []:
        WorkItem.objects.create(
            framework=framework,
            title=item["title"],
            description=item.get("description") or "",
            due_on=_date(item.get("due"), "", []),
            status=item.get("status") or WorkStatus.PLANNED,
            owner_organisation=organisations.get(item.get("owner")),
            action=actions.get(str(item["action"])) if item.get("action") else None,
            source=item.get("source") or "",
        )
    counts = {
        "registers": len(framework.registers),
        "times": len(framework.times),
        "questions": framework.questions.count(),
        "members": framework.members.count(),
        "work_items": framework.work_items.count(),
    }
    audit_event_record(
        code=AuditCode.EVALUATION_FRAMEWORK_LOADED,
        actor=actor_user,
        actor_label="" if actor_user else "chargement du référentiel",
        subject=framework,
        new={"programme": programme.code, **counts},
    )
    return LoadResult(framework=framework, created=True, counts=counts)


def load_file(path: Path, *, actor_user=None) -> LoadResult:
    return framework_load(data=read_framework(path), actor_user=actor_user)
