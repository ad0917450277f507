"""Writes of the open data: the Département's settings and the publication log (audit events)."""

from django.db import transaction

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.observatory.models import OpenDataSettings
from jalon.observatory.opendata_datasets import (
    SEGMENT_LEVELS,
    Dataset,
    OpenDataRefused,
    publishable_indicators,
    threshold_check,
)


FORMATS = {"csv": "CSV", "schema": "Table Schema (JSON)", "metadata": "métadonnées data.gouv.fr (JSON)", "zip": "ZIP"}


def opendata_settings_update(
    *, actor, departement_id: str, threshold: int, indicators: list[str], segment_level: str, territory_kind: str
) -> OpenDataSettings:
    """Saves the Département's choices; a threshold that would publish small counts is refused, nothing saved."""
    threshold_check(threshold)
    known = {i.code for i in publishable_indicators()}
    unknown = [code for code in indicators if code not in known]
    if unknown or not indicators:
        raise OpenDataRefused("Choisissez au moins un indicateur parmi les effectifs et les taux calculés.")
    if segment_level not in SEGMENT_LEVELS:
        raise OpenDataRefused("Les ventilations se publient au niveau des territoires du Département ou des EPCI.")
    with transaction.atomic():
        settings, _ = OpenDataSettings.objects.select_for_update().get_or_create(departement_id=departement_id)
        old = {
            "threshold": settings.threshold,
            "indicators": settings.indicators,
            "segment_level": settings.segment_level,
            "territory_kind": settings.territory_kind,
        }
        settings.threshold = threshold
        settings.indicators = list(indicators)
        settings.segment_level = segment_level
        settings.territory_kind = territory_kind
        settings.full_clean()
        settings.save()
        new = {
            "threshold": threshold,
            "indicators": list(indicators),
            "segment_level": segment_level,
            "territory_kind": territory_kind,
        }
        audit_event_record(
            code=AuditCode.OPENDATA_SETTINGS_UPDATED,
            actor=actor.user,
            organisation=actor.organisation,
            subject=settings,
            old=old,
            new=new,
        )
    return settings


@transaction.atomic
def opendata_export_record(*, actor, dataset: Dataset, file_format: str):
    """The publication log: who exported which dataset, in which format, covering which periods."""
    return audit_event_record(
        code=AuditCode.OPENDATA_EXPORTED,
        actor=actor.user,
        organisation=actor.organisation,
        extra={
            "departement": dataset.geography.code,
            "indicator": dataset.indicator.code,
            "level": dataset.level,
            "period_kind": dataset.period_kind,
            "dimension": dataset.dimension,
            "format": file_format,
            "threshold": dataset.config.threshold,
            "periods": [p.key for p in dataset.periods],
            "title": dataset.title,
        },
    )
