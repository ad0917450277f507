from collections import defaultdict

from django.db.models import Count, Sum

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.territories.models import Commune, Epci, Territory


def territory_list(*, actor: Actor):
    return (
        Territory.objects.visible_to(actor)
        .select_related("departement")
        .annotate(commune_count=Count("communes"), population=Sum("communes__population"))
        .order_by("kind", "name", "pk")
    )


def territory_get(*, actor: Actor, pk) -> Territory:
    return get_visible_or_404(Territory.objects.visible_to(actor).select_related("departement"), pk=pk)


def territory_commune_list(*, territory: Territory):
    return territory.communes.select_related("epci").order_by("name", "code")


def territory_totals(*, territory: Territory) -> dict:
    return territory.communes.aggregate(commune_count=Count("code"), population=Sum("population"))


def departement_commune_choices(*, departement_code: str):
    """The département's communes, grouped by EPCI in the territory form."""
    return (
        Commune.objects.in_departement(departement_code).select_related("epci").order_by("epci__name", "name", "code")
    )


def departement_epci_choices(*, departement_code: str):
    """EPCI having at least one member commune in the département."""
    return (
        Epci.objects.filter(communes__departement_id=departement_code)
        .annotate(commune_count=Count("communes"))
        .order_by("name")
    )


def territory_communes(territory_ids) -> dict[int, set[str]]:
    """The INSEE codes of each territory's communes, in one query."""
    communes: dict[int, set[str]] = defaultdict(set)
    rows = Territory.communes.through.objects.filter(territory_id__in=territory_ids)
    for territory_id, commune_id in rows.values_list("territory_id", "commune_id"):
        communes[territory_id].add(commune_id)
    return communes
