"""Writes of the territories app: loading the official geography (COG) and managing the Département's territories."""

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError
from tqdm import tqdm

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record, model_update
from jalon.territories.models import Commune, Departement, Epci, Region, Territory


# ---------------------------------------------------------------------------------------------------------------------
# Official geography (COG) from the pinned npm package @etalab/decoupage-administratif
# ---------------------------------------------------------------------------------------------------------------------

COG_PACKAGE_DATA = Path("@etalab") / "decoupage-administratif" / "data"
COG_FILES = ("regions", "departements", "epci", "communes")
COG_BATCH_SIZE = 1000


class CogSourceError(Exception):
    """The COG data folder is missing, unreadable, or the requested départements are unknown (message in French)."""


def cog_default_source_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / COG_PACKAGE_DATA


def _cog_read(source_dir: Path) -> dict[str, list[dict]]:
    missing = [name for name in COG_FILES if not (source_dir / f"{name}.json").is_file()]
    if missing:
        raise CogSourceError(
            f"Données COG introuvables dans {source_dir} (fichiers manquants : "
            f"{', '.join(f'{name}.json' for name in missing)}) : lancez `npm ci`."
        )
    data = {}
    for name in COG_FILES:
        path = source_dir / f"{name}.json"
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CogSourceError(f"Fichier COG illisible : {path} ({exc}).") from exc
    return data


def _normalise_departement_code(code: str) -> str:
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _upsert(model: type[Model], objs: Sequence[Model], *, update_fields: list[str], bar: tqdm) -> int:
    """Insert or update by primary key, in batches; works on SQLite and PostgreSQL alike."""
    bar.set_postfix_str(str(model._meta.verbose_name_plural))
    for start in range(0, len(objs), COG_BATCH_SIZE):
        batch = objs[start : start + COG_BATCH_SIZE]
        model.objects.bulk_create(  # type: ignore[attr-defined]
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=update_fields,
            batch_size=COG_BATCH_SIZE,
        )
        bar.update(len(batch))
    return len(objs)


def _count_created(model: type[Model], codes: Iterable[str]) -> int:
    existing = set(model.objects.values_list("pk", flat=True))  # type: ignore[attr-defined]
    return sum(1 for code in codes if code not in existing)


@transaction.atomic
def cog_load(*, source_dir, departement_codes: Iterable[str] | None = None, progress: bool = False) -> dict:
    """Load (or refresh) the official geography; idempotent.

    Every région and département is loaded; EPCI and communes only for `departement_codes` (all of France when None):
    current communes (`commune-actuelle`) only, and the EPCI that have at least one of them as member.
    Returns the counts per entity, plus how many rows were new (`created`).
    """
    source_dir = Path(source_dir)
    data = _cog_read(source_dir)

    known_departements = {row["code"] for row in data["departements"]}
    wanted: set[str] | None = None
    if departement_codes is not None:
        wanted = {_normalise_departement_code(code) for code in departement_codes}
        unknown = sorted(wanted - known_departements)
        if unknown:
            raise CogSourceError(f"Département(s) inconnu(s) dans le COG : {', '.join(unknown)}.")
        if not wanted:
            raise CogSourceError("Aucun département demandé.")

    regions = [Region(code=row["code"], name=row["nom"]) for row in data["regions"]]
    departements = [
        Departement(code=row["code"], name=row["nom"], region_id=row["region"]) for row in data["departements"]
    ]
    commune_rows = [
        row
        for row in data["communes"]
        if row.get("type") == "commune-actuelle" and (wanted is None or row["departement"] in wanted)
    ]
    commune_codes = {row["code"] for row in commune_rows}

    epcis: list[Epci] = []
    epci_of_commune: dict[str, str] = {}
    for row in data["epci"]:
        members = [member["code"] for member in row.get("membres", []) if member["code"] in commune_codes]
        if not members:
            continue
        epcis.append(Epci(code=row["code"], name=row["nom"], kind=row["type"], population=row.get("populationTotale")))
        for code in members:
            epci_of_commune[code] = row["code"]

    communes = [
        Commune(
            code=row["code"],
            name=row["nom"],
            departement_id=row["departement"],
            epci_id=epci_of_commune.get(row["code"]),
            postal_codes=sorted(row.get("codesPostaux", [])),
            population=row.get("population"),
        )
        for row in commune_rows
    ]

    created = {
        "regions": _count_created(Region, (obj.code for obj in regions)),
        "departements": _count_created(Departement, (obj.code for obj in departements)),
        "epci": _count_created(Epci, (obj.code for obj in epcis)),
        "communes": _count_created(Commune, (obj.code for obj in communes)),
    }
    total = len(regions) + len(departements) + len(epcis) + len(communes)
    with tqdm(total=total, desc="Chargement du COG", unit=" lignes", disable=not progress) as bar:
        counts: dict[str, Any] = {
            "regions": _upsert(Region, regions, update_fields=["name"], bar=bar),
            "departements": _upsert(Departement, departements, update_fields=["name", "region"], bar=bar),
            "epci": _upsert(Epci, epcis, update_fields=["name", "kind", "population"], bar=bar),
            "communes": _upsert(
                Commune, communes, update_fields=["name", "departement", "epci", "postal_codes", "population"], bar=bar
            ),
        }
    counts["created"] = created
    audit_event_record(
        code=AuditCode.COG_LOADED,
        actor_label="commande load_cog",
        extra={
            "counts": counts,
            "departements": sorted(wanted) if wanted is not None else "tous",
            "source": str(source_dir),
        },
    )
    return counts


# ---------------------------------------------------------------------------------------------------------------------
# The Département's territories
# ---------------------------------------------------------------------------------------------------------------------

TERRITORY_FIELDS = ["name", "kind"]


def _territory_communes(*, departement: Departement, communes: Iterable[Commune], epcis: Iterable[Epci]) -> set[str]:
    """Codes of the chosen communes plus every commune of the chosen EPCI, all within the département."""
    communes = list(communes)
    codes = {commune.code for commune in communes}
    outside = sorted(commune.code for commune in communes if commune.departement_id != departement.code)
    if outside:
        raise ValidationError(
            {"communes": f"Ces communes n'appartiennent pas au département {departement} : {', '.join(outside)}."}
        )
    epci_codes = [epci.code for epci in epcis]
    if epci_codes:
        codes |= set(
            Commune.objects.in_departement(departement.code)
            .filter(epci_id__in=epci_codes)
            .values_list("code", flat=True)
        )
    return codes


def _check_name_free(*, departement: Departement, kind: str, name: str, exclude_pk=None) -> None:
    clash = Territory.objects.in_departement(departement.code).filter(kind=kind, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "Un territoire de ce type porte déjà ce nom dans le département."})


@transaction.atomic
def territory_create(
    *,
    actor_user,
    departement: Departement,
    name: str,
    kind: str,
    communes: Iterable[Commune] = (),
    epcis: Iterable[Epci] = (),
    actor_organisation=None,
) -> Territory:
    epcis = list(epcis)
    codes = _territory_communes(departement=departement, communes=communes, epcis=epcis)
    _check_name_free(departement=departement, kind=kind, name=name)
    territory = Territory(departement=departement, name=name, kind=kind)
    territory.full_clean()
    territory.save()
    territory.communes.set(Commune.objects.filter(code__in=codes))
    audit_event_record(
        code=AuditCode.TERRITORY_CREATED,
        actor=actor_user,
        organisation=actor_organisation,
        subject=territory,
        new={"departement": departement.code, "name": name, "kind": kind, "communes": sorted(codes)},
        extra={"epci": sorted(epci.code for epci in epcis)} if epcis else None,
    )
    return territory


@transaction.atomic
def territory_update(
    *,
    territory: Territory,
    actor_user,
    name: str,
    kind: str,
    communes: Iterable[Commune],
    epcis: Iterable[Epci] = (),
    actor_organisation=None,
) -> Territory:
    epcis = list(epcis)
    departement = territory.departement
    codes = _territory_communes(departement=departement, communes=communes, epcis=epcis)
    _check_name_free(departement=departement, kind=kind, name=name, exclude_pk=territory.pk)
    old, new = model_update(instance=territory, fields=TERRITORY_FIELDS, data={"name": name, "kind": kind})
    old_codes = sorted(territory.communes.values_list("code", flat=True))
    new_codes = sorted(codes)
    if old_codes != new_codes:
        if not new:  # model_update saved nothing: still mark the territory as modified
            territory.save(update_fields=["updated_at"])
        territory.communes.set(Commune.objects.filter(code__in=new_codes))
        old["communes"], new["communes"] = old_codes, new_codes
    if new:
        audit_event_record(
            code=AuditCode.TERRITORY_UPDATED,
            actor=actor_user,
            organisation=actor_organisation,
            subject=territory,
            old=old,
            new=new,
            extra={"epci": sorted(epci.code for epci in epcis)} if epcis else None,
        )
    return territory


@transaction.atomic
def territory_delete(*, territory: Territory, actor_user, actor_organisation=None) -> None:
    members = territory.memberships.count()
    if members:
        # Removing it would silently widen those members' scope to the whole département.
        raise ValidationError(
            f"Ce territoire limite le périmètre de {members} membre{'s' if members > 1 else ''} : "
            "retirez-le de leurs rôles avant de le supprimer."
        )
    old = {
        "departement": territory.departement_id,
        "name": territory.name,
        "kind": territory.kind,
        "communes": sorted(territory.communes.values_list("code", flat=True)),
    }
    audit_event_record(
        code=AuditCode.TERRITORY_DELETED,
        actor=actor_user,
        organisation=actor_organisation,
        subject=territory,
        old=old,
    )
    try:
        territory.delete()
    except ProtectedError as error:
        # Plateaux techniques, sessions or meetings still hang on it: say which, delete nothing.
        used_by = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ValidationError(
            f"Ce territoire est encore utilisé ({', '.join(used_by)}) : rattachez-les à un autre territoire avant "
            "de le supprimer."
        ) from error
