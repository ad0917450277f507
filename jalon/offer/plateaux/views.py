"""The plateaux techniques' screens: their list with the fiche 4 indicators of a year, and one plateau with its
groupement and modules. Any professional of the Département may read them (aggregates, no person); they are set up
in the back-office."""

from django.shortcuts import render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import require_roles
from jalon.offer.plateaux import selectors


def _year(request) -> int:
    """The year asked for, the current one when absent or not a plausible year."""
    value = request.GET.get("annee", "")
    current = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= current + 1 else current


def _years() -> list[int]:
    current = timezone.localdate().year
    return list(range(current + 1, current - 5, -1))


@require_roles(*tuple(Role), partner_admin=True)
def plateau_list(request):
    page = selectors.plateaux_page(actor=request.actor, year=_year(request))
    return render(request, "offer/plateaux/list.html", {"page": page, "years": _years()})


@require_roles(*tuple(Role), partner_admin=True)
def plateau_detail(request, pk):
    page = selectors.plateau_page(actor=request.actor, pk=pk, year=_year(request))
    return render(request, "offer/plateaux/detail.html", {"page": page, "plateau": page.plateau, "years": _years()})
