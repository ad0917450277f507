"""Recording the measures a person benefits from (IAE, PMSMP, PEC, AVIP, clauses, service civique) on their
carnet. Each write runs in one transaction, bumps the carnet's version (`notebook_touch`) and is audited with the
person's id; the caller has reached the carnet through `jalon.notebook.access.notebook_access` as a writer."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.core.validators import SIRET_INVALID, validate_siret
from jalon.employers.selectors import directory_link
from jalon.notebook.models import Notebook
from jalon.notebook.services import notebook_touch
from jalon.offer.measures.models import Measure, MeasureKind


# A PMSMP lasts one month at most (Code du travail, D. 5135-2); a PEC contract is 20 hours a week at least.
PMSMP_MAX_DAYS = 31
PEC_MIN_WEEKLY_HOURS = Decimal(20)
MEASURE_FIELDS = (
    "kind",
    "starts_on",
    "ends_on",
    "structure",
    "employer",
    "employer_name",
    "employer_siret",
    "siae_kind",
    "weekly_hours",
    "hours_done",
    "note",
)


def _check(data: dict) -> None:
    """The fields each kind needs, with French messages on the field concerned."""
    kind, starts_on, ends_on = data["kind"], data["starts_on"], data.get("ends_on")
    errors: dict[str, str] = {}
    if kind not in MeasureKind.values:
        errors["kind"] = "Choisissez une mesure de la liste."
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = "La fin de la mesure ne peut pas précéder son début."
    siret = data.get("employer_siret") or ""
    if siret:
        try:
            validate_siret(siret)
        except ValidationError:
            errors["employer_siret"] = SIRET_INVALID
    if kind == MeasureKind.IAE:
        if not data.get("siae_kind"):
            errors["siae_kind"] = "Précisez le type de SIAE (ACI, AI, EI, ETTI, EITI)."
        if not data.get("weekly_hours"):
            errors["weekly_hours"] = "Indiquez la durée hebdomadaire du contrat."
    elif data.get("siae_kind"):
        errors["siae_kind"] = "Le type de SIAE ne concerne que les mesures d'IAE."
    if kind == MeasureKind.PMSMP:
        if not data.get("employer_name"):
            errors["employer_name"] = "Indiquez la structure qui accueille l'immersion."
        if not ends_on:
            errors["ends_on"] = "Une immersion a une date de fin."
        elif ends_on - starts_on > datetime.timedelta(days=PMSMP_MAX_DAYS):
            errors["ends_on"] = "Une immersion (PMSMP) dure un mois au plus : enregistrez son renouvellement à part."
    if kind == MeasureKind.PEC:
        if not data.get("employer_name"):
            errors["employer_name"] = "Indiquez l'employeur du contrat PEC."
        if (data.get("weekly_hours") or 0) < PEC_MIN_WEEKLY_HOURS:
            errors["weekly_hours"] = "Un contrat PEC compte 20 heures par semaine au moins."
    if kind == MeasureKind.CLAUSE and not data.get("hours_done"):
        errors["hours_done"] = "Indiquez les heures réalisées au titre de la clause."
    if kind == MeasureKind.AVIP and not (data.get("structure") or data.get("employer_name")):
        errors["employer_name"] = "Indiquez la crèche qui accueille l'enfant."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measure_record(*, actor, notebook: Notebook, version: int | None, referral=None, **data) -> Measure:
    """A measure for the person of the carnet; from one of their referrals when `referral` is given."""
    data = {field: data.get(field) for field in MEASURE_FIELDS}
    for text in ("siae_kind", "note"):
        data[text] = (data[text] or "").strip()
    data["employer"], data["employer_name"], data["employer_siret"] = directory_link(
        departement_id=notebook.person.departement_id,
        employer=data["employer"],
        name=data["employer_name"],
        siret=data["employer_siret"],
    )
    _check(data)
    if referral is not None and referral.notebook_id != notebook.pk:
        raise ValidationError("Cette orientation n'appartient pas à ce carnet.")
    if actor.organisation is None:
        raise ValidationError("Choisissez d'abord la structure pour laquelle vous travaillez.")
    notebook_touch(notebook=notebook, expected_version=notebook.version if version is None else version)
    measure = Measure(
        notebook=notebook,
        person_id=notebook.person_id,
        referral=referral,
        recorded_by=actor.user,
        organisation=actor.organisation,
        **data,
    )
    measure.full_clean()
    measure.save()
    audit_event_record(
        code=AuditCode.MEASURE_RECORDED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=measure,
        person_id=notebook.person_id,
        new={
            field: getattr(measure, f"{field}_id" if field in ("structure", "employer") else field)
            for field in MEASURE_FIELDS
        },
    )
    return measure
