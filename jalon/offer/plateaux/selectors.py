"""Reads of the plateaux techniques: the list of a Département's plateaux with their fiche 4 indicators of the year,
and one plateau with its groupement and its modules. Aggregates only: no person is named."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone

from jalon.core.scoping import Actor
from jalon.offer.measures.figures import PlateauRow, plateau_rows
from jalon.offer.models import Service, Structure
from jalon.offer.plateaux.models import PlateauTechnique
from jalon.orientation.delays.selectors import actor_departement_id


@dataclass
class PlateauListRow:
    figures: PlateauRow
    modules: int

    @property
    def plateau(self) -> PlateauTechnique:
        return self.figures.plateau


@dataclass
class PlateauxPage:
    year: int
    rows: list[PlateauListRow]


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def plateaux_page(*, actor: Actor, year: int | None = None) -> PlateauxPage:
    """The plateaux active during the year (the current one by default), with their indicators: three queries."""
    year = year or timezone.localdate().year
    start, end = _year_bounds(year)
    rows = plateau_rows(departement_id=actor_departement_id(actor), start=start, end=end)
    modules = dict(
        Service.objects.filter(plateau__in=[row.plateau for row in rows])
        .values_list("plateau_id")
        .annotate(count=Count("pk"))
    )
    return PlateauxPage(
        year=year, rows=[PlateauListRow(figures=row, modules=modules.get(row.plateau.pk, 0)) for row in rows]
    )


@dataclass
class PlateauPage:
    plateau: PlateauTechnique
    row: PlateauRow | None  # None when the plateau is not active during the year
    year: int


def plateau_page(*, actor: Actor, pk, year: int | None = None) -> PlateauPage:
    year = year or timezone.localdate().year
    departement_id = actor_departement_id(actor)
    plateau = (
        PlateauTechnique.objects.filter(departement_id=departement_id, pk=pk)
        .select_related("territory", "lead_structure")
        .prefetch_related(
            Prefetch("co_contractors", queryset=Structure.objects.order_by("name")),
            Prefetch("modules", queryset=Service.objects.select_related("structure").order_by("name")),
        )
        .first()
    )
    if plateau is None:
        raise Http404("Plateau technique introuvable.")
    start, end = _year_bounds(year)
    row = next(
        (
            row
            for row in plateau_rows(departement_id=departement_id, start=start, end=end)
            if row.plateau.pk == plateau.pk
        ),
        None,
    )
    return PlateauPage(plateau=plateau, row=row, year=year)
