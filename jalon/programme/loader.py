"""Reads a plan's data file (`data/*.yaml`, format in `data/README.md`) into the programme room.

The whole file is checked before anything is written: a file with an error loads nothing and every error is
listed in French. A programme already loaded is left as it is: from then on the plan is living data that its
pilots edit, and a file would overwrite their work."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.yaml_files import read_yaml_mapping
from jalon.observatory.models import Indicator
from jalon.observatory.services import indicator_target_seed
from jalon.organisations.enums import OrganisationKind
from jalon.organisations.models import Organisation
from jalon.organisations.services import organisation_create
from jalon.programme.enums import (
    AmountPeriod,
    AxisKind,
    BodyKind,
    BodyLevel,
    Frequency,
    ObjectiveLevel,
    PartnerRole,
    ProgrammeKind,
)
from jalon.programme.models import (
    ActionFunding,
    ActionIndicator,
    ActionPartner,
    ActionSheet,
    ActionStep,
    Axis,
    Body,
    FundingSource,
    Objective,
    PlannedAmount,
    Programme,
    Signatory,
)
from jalon.territories.models import Departement


DATA_DIR = Path(__file__).with_name("data")
# Kinds of which a Département has one head organisation: a plan's « CAF » is the département's CAF.
SINGLE_HEAD_KINDS = {"cd", "caf", "msa", "mission_locale", "cap_emploi", "etat", "region"}


@dataclass
class LoadResult:
    programme: Programme
    created: bool
    counts: dict = field(default_factory=dict)


def plan_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def read_plan(path: Path) -> dict:
    return read_yaml_mapping(path, key="programme", what="de programme")


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


def _amount(value, where: str, errors: list[str]) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        errors.append(f"{where} : montant illisible « {value} ».")
        return None
    if amount < 0:
        errors.append(f"{where} : montant négatif.")
        return None
    return amount


def check_plan(data: dict) -> list[str]:
    """Every reason the file cannot be loaded, in French; empty when it can."""
    errors: list[str] = []
    meta = data["programme"]
    errors.extend(
        f"Programme : « {key} » manquant."
        for key in ("code", "departement", "kind", "title", "start", "end")
        if not meta.get(key)
    )
    if meta.get("kind") and meta["kind"] not in ProgrammeKind.values:
        errors.append(f"Programme : type « {meta['kind']} » inconnu.")
    start, end = _date(meta.get("start"), "Programme", errors), _date(meta.get("end"), "Programme", errors)
    if start and end and end < start:
        errors.append("Programme : la fin précède le début.")
    if meta.get("departement") and not Departement.objects.filter(pk=str(meta["departement"])).exists():
        errors.append(f"Programme : département « {meta['departement']} » inconnu.")

    organisations = data.get("organisations") or []
    org_keys = [item.get("key") for item in organisations]
    for item in organisations:
        if item.get("kind") not in OrganisationKind.values:
            errors.append(f"Organisation « {item.get('key')} » : type « {item.get('kind')} » inconnu.")
        if not item.get("name"):
            errors.append(f"Organisation « {item.get('key')} » : nom manquant.")
    _duplicates(org_keys, "organisations", errors)
    known_orgs = set(org_keys)
    funding_codes = [item.get("code") for item in data.get("funding_sources") or []]
    _duplicates(funding_codes, "sources de financement", errors)
    errors.extend(
        f"Financement « {item['code']} » : financeur « {item['funder']} » inconnu."
        for item in data.get("funding_sources") or []
        if item.get("funder") and item["funder"] not in known_orgs
    )

    axes, objectives = set(), {}
    for axis in data.get("axes") or []:
        if axis.get("kind", AxisKind.PATH) not in AxisKind.values:
            errors.append(f"Axe « {axis.get('code')} » : nature « {axis.get('kind')} » inconnue.")
        axes.add(str(axis.get("code")))
        for objective in axis.get("objectives") or []:
            if objective.get("level", ObjectiveLevel.STRATEGIC) not in ObjectiveLevel.values:
                errors.append(f"Objectif « {objective.get('code')} » : niveau inconnu.")
            objectives[str(objective.get("code"))] = str(axis.get("code"))

    indicator_codes = set(Indicator.objects.values_list("code", flat=True))
    action_codes = []
    for action in data.get("actions") or []:
        where = f"Action « {action.get('code')} »"
        action_codes.append(action.get("code"))
        if not action.get("title"):
            errors.append(f"{where} : intitulé manquant.")
        if str(action.get("axis")) not in axes:
            errors.append(f"{where} : axe « {action.get('axis')} » inconnu.")
        objective = action.get("objective")
        if objective and objectives.get(str(objective)) != str(action.get("axis")):
            errors.append(f"{where} : l'objectif « {objective} » n'est pas un objectif de son axe.")
        if not action.get("pilots"):
            errors.append(f"{where} : aucun pilote.")
        _unknown_organisations(
            where, (action.get("pilots") or []) + (action.get("contributors") or []), known_orgs, errors
        )
        funding = action.get("funding") or {}
        errors.extend(
            f"{where} : source de financement « {code} » inconnue."
            for code in funding.get("sources") or []
            if code not in funding_codes
        )
        for amount in funding.get("amounts") or []:
            _amount(amount.get("amount_eur"), where, errors)
            if amount.get("per", AmountPeriod.YEAR) not in AmountPeriod.values:
                errors.append(f"{where} : période de montant « {amount.get('per')} » inconnue.")
            if amount.get("source_code") and amount["source_code"] not in funding_codes:
                errors.append(f"{where} : source de financement « {amount['source_code']} » inconnue.")
        for step in action.get("steps") or []:
            for bound in ("start", "end"):
                day = _date(step.get(bound), where, errors)
                if day and start and end and not start <= day <= end:
                    errors.append(f"{where} : l'étape « {step.get('title')} » est hors de la période du programme.")
        for indicator in action.get("indicators") or []:
            if indicator.get("code") not in indicator_codes:
                errors.append(f"{where} : indicateur « {indicator.get('code')} » absent du catalogue.")
            for target in indicator.get("targets") or []:
                year = target.get("year")
                if year and start and end and not (start.year <= int(year) <= end.year):
                    errors.append(f"{where} : cible de {year} hors de la période du programme.")
    _duplicates(action_codes, "actions", errors)

    for body in data.get("bodies") or []:
        where = f"Instance « {body.get('code')} »"
        if body.get("kind") not in BodyKind.values:
            errors.append(f"{where} : nature « {body.get('kind')} » inconnue.")
        if body.get("level", BodyLevel.DEPARTEMENT) not in BodyLevel.values:
            errors.append(f"{where} : échelon « {body.get('level')} » inconnu.")
        if body.get("frequency") and body["frequency"] not in Frequency.values:
            errors.append(f"{where} : fréquence « {body['frequency']} » inconnue.")
        _unknown_organisations(where, (body.get("chairs") or []) + (body.get("members") or []), known_orgs, errors)
    return errors


def _unknown_organisations(where: str, keys, known: set, errors: list[str]) -> None:
    errors.extend(f"{where} : organisation « {key} » inconnue." for key in keys if key not in known)


def _duplicates(values, label: str, errors: list[str]) -> None:
    seen = set()
    for value in values:
        if value in seen:
            errors.append(f"Code en double parmi les {label} : « {value} ».")
        seen.add(value)


def _head_keys(organisations: list[dict]) -> set[str]:
    """The file's organisations that stand for the Département's head organisation of their kind: the only one
    of its kind in the file, or the signatory among several (the Conseil départemental beside its directions)."""
    heads = set()
    for kind in SINGLE_HEAD_KINDS:
        same_kind = [item for item in organisations if item["kind"] == kind]
        signed = [item for item in same_kind if item.get("signatory")]
        chosen = same_kind if len(same_kind) == 1 else signed if len(signed) == 1 else []
        heads.update(item["key"] for item in chosen)
    return heads


def _organisation(item: dict, departement_id: str, *, head: bool, actor_user=None) -> Organisation:
    """The département's organisation the plan names: the same name, or the head organisation of its kind (its
    CAF, its Conseil départemental); created when Jalon does not know it yet, under the Conseil départemental
    when it is one of its directions."""
    candidates = Organisation.objects.filter(departement_id=departement_id)
    named = candidates.filter(name__iexact=item["name"].strip()).first()
    if named:
        return named
    heads = (
        list(candidates.filter(kind=item["kind"], parent__isnull=True)[:2])
        if item["kind"] in SINGLE_HEAD_KINDS
        else []
    )
    if head and len(heads) == 1:
        return heads[0]
    return organisation_create(
        actor_user=actor_user,
        name=item["name"].strip(),
        kind=item["kind"],
        departement=Departement.objects.get(pk=departement_id),
        parent=heads[0] if len(heads) == 1 and item["kind"] == OrganisationKind.CONSEIL_DEPARTEMENTAL else None,
    )


@transaction.atomic
def programme_load(*, data: dict, actor_user=None) -> LoadResult:
    errors = check_plan(data)
    if errors:
        raise ValidationError(errors)
    meta = data["programme"]
    existing = Programme.objects.filter(code=meta["code"]).first()
    if existing:
        return LoadResult(programme=existing, created=False)
    departement_id = str(meta["departement"])
    programme = Programme.objects.create(
        code=meta["code"],
        departement_id=departement_id,
        kind=meta["kind"],
        title=meta["title"],
        start=_date(meta["start"], "", []),
        end=_date(meta["end"], "", []),
        voted_on=_date(meta.get("voted_on"), "", []),
        document=meta.get("document") or "",
        source=meta.get("source") or "",
        notes=meta.get("notes") or [],
    )
    organisations = {}
    heads = _head_keys(data.get("organisations") or [])
    for item in data.get("organisations") or []:
        organisation = _organisation(item, departement_id, head=item["key"] in heads, actor_user=actor_user)
        organisations[item["key"]] = organisation
        Signatory.objects.create(
            programme=programme,
            organisation=organisation,
            key=item["key"],
            signed=bool(item.get("signatory")),
            circle=item.get("circle"),
            source=item.get("source") or "",
        )
    funding = {}
    for item in data.get("funding_sources") or []:
        funding[item["code"]] = FundingSource.objects.create(
            programme=programme,
            code=item["code"],
            name=item.get("name") or item["code"],
            funder=organisations.get(item.get("funder")),
            source=item.get("source") or "",
        )
    axes, objectives = {}, {}
    for position, item in enumerate(data.get("axes") or []):
        axis = Axis.objects.create(
            programme=programme,
            code=str(item["code"]),
            title=item["title"],
            kind=item.get("kind") or AxisKind.PATH,
            position=position,
            source=item.get("source") or "",
        )
        axes[axis.code] = axis
        for rank, objective in enumerate(item.get("objectives") or []):
            objectives[str(objective["code"])] = Objective.objects.create(
                axis=axis,
                code=str(objective["code"]),
                title=objective["title"],
                level=objective.get("level") or ObjectiveLevel.STRATEGIC,
                position=rank,
                source=objective.get("source") or "",
            )
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    counts = {"actions": 0, "steps": 0, "indicators": 0, "amounts": 0}
    for item in data.get("actions") or []:
        action = ActionSheet(
            programme=programme,
            axis=axes[str(item["axis"])],
            objective=objectives.get(str(item.get("objective"))) if item.get("objective") else None,
            code=str(item["code"]),
            number=item.get("number") or counts["actions"] + 1,
            title=item["title"],
            has_sheet=bool(item.get("sheet", True)),
            context=item.get("context") or "",
            objectives=item.get("objectives") or [],
            modalities=item.get("modalities") or [],
            schedule=str(item.get("schedule") or ""),
            target_publics=item.get("target_publics") or [],
            territories=item.get("territories") or [],
            evaluation_questions=item.get("evaluation_questions") or [],
            source=item.get("source") or "",
            notes=item.get("notes") or [],
        )
        action._history_user = actor_user
        action.save()
        counts["actions"] += 1
        for role, keys in (
            (PartnerRole.PILOT, item.get("pilots")),
            (PartnerRole.CONTRIBUTOR, item.get("contributors")),
        ):
            for key in dict.fromkeys(keys or []):
                ActionPartner.objects.get_or_create(action=action, organisation=organisations[key], role=role)
        for rank, step in enumerate(item.get("steps") or []):
            ActionStep.objects.create(
                action=action,
                title=step["title"],
                planned_start=_date(step.get("start"), "", []),
                planned_end=_date(step.get("end"), "", []),
                position=rank,
                source=step.get("source") or "",
            )
            counts["steps"] += 1
        money = item.get("funding") or {}
        for code in dict.fromkeys(money.get("sources") or []):
            ActionFunding.objects.create(action=action, funding_source=funding[code])
        for amount in money.get("amounts") or []:
            PlannedAmount.objects.create(
                action=action,
                label=amount.get("label") or "",
                amount_eur=Decimal(str(amount["amount_eur"])),
                per=amount.get("per") or AmountPeriod.YEAR,
                funding_source=funding.get(amount.get("source_code")),
                source=amount.get("source") or "",
            )
            counts["amounts"] += 1
        for rank, indicator in enumerate(item.get("indicators") or []):
            link, _ = ActionIndicator.objects.get_or_create(
                action=action,
                indicator=indicators[indicator["code"]],
                defaults={"written_targets": indicator.get("targets") or [], "position": rank},
            )
            counts["indicators"] += 1
            for target in indicator.get("targets") or []:
                if target.get("value") is not None and target.get("year"):
                    indicator_target_seed(
                        indicator=link.indicator,
                        departement_id=departement_id,
                        year=int(target["year"]),
                        written_value=float(target["value"]),
                        written_unit=target.get("unit") or "",
                    )
    for item in data.get("bodies") or []:
        body = Body.objects.create(
            programme=programme,
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            level=item.get("level") or BodyLevel.DEPARTEMENT,
            members_text=item.get("members_text") or "",
            frequency=item.get("frequency") or "",
            min_meetings_per_year=item.get("min_meetings_per_year"),
            role=item.get("role") or "",
            source=item.get("source") or "",
            notes=item.get("notes") or [],
        )
        body.chairs.set([organisations[key] for key in item.get("chairs") or []])
        body.members.set([organisations[key] for key in item.get("members") or []])
    audit_event_record(
        code=AuditCode.PROGRAMME_LOADED,
        actor=actor_user,
        actor_label="" if actor_user else "chargement du plan",
        subject=programme,
        new={"code": programme.code, **counts},
    )
    return LoadResult(programme=programme, created=True, counts=counts)


def load_file(path: Path, *, actor_user=None) -> LoadResult:
    return programme_load(data=read_plan(path), actor_user=actor_user)
