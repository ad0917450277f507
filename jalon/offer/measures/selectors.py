from django.db.models import Q

from jalon.notebook.models import Notebook
from jalon.offer.models import Measure, Structure


def measures_for(*, notebook: Notebook):
    return (
        Measure.objects.filter(notebook=notebook)
        .select_related("structure", "recorded_by", "organisation", "referral__service")
        .order_by("-starts_on", "-id")
    )


def structures_for(*, notebook: Notebook):
    """The structures of the offer a measure may name: those of the person's département and the national ones."""
    return (
        Structure.objects.filter(
            Q(departement_id=notebook.person.departement_id) | Q(departement=None, services__isnull=False)
        )
        .distinct()
        .order_by("name")
    )
