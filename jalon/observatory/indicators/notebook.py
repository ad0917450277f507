"""The carnet de bord: people with a carnet, appointments per person (Landes C.32, A.3)."""

from datetime import datetime, time

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.notebook.models import Appointment, Notebook
from jalon.observatory.engine import Scope, indicator
from jalon.observatory.enums import Measure, Unit
from jalon.observatory.indicators.common import persons


def _end_of(day):
    """The last instant of `day`, in the project's time zone (carnets and appointments carry datetimes)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _with_carnet(scope: Scope):
    carnet = Notebook.objects.filter(person_id=OuterRef("pk"), created_at__lte=_end_of(scope.end))
    return persons(scope.departement_id).filter(Exists(carnet))


WITH_CARNET = "Personnes dont le carnet de bord existe le dernier jour de la période."


@indicator("L66", unit=Unit.COUNT, measure=Measure.STOCK, population=WITH_CARNET, numerator="Personnes.")
def with_carnet(scope: Scope):
    return _with_carnet(scope).annotate(obs_num=Value(1))


@indicator(
    "L13",
    unit=Unit.RATIO,
    measure=Measure.FLOW,
    population=WITH_CARNET,
    numerator="Rendez-vous de ces carnets commençant dans la période, non annulés.",
    denominator="Personnes avec un carnet.",
)
def appointments_per_person(scope: Scope):
    start = timezone.make_aware(datetime.combine(scope.start, time.min))
    appointments = (
        Appointment.objects.filter(
            notebook__person_id=OuterRef("pk"),
            cancelled_at=None,
            starts_at__gte=start,
            starts_at__lte=_end_of(scope.end),
        )
        .order_by()
        .values("notebook__person_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return _with_carnet(scope).annotate(
        obs_num=Coalesce(Subquery(appointments, output_field=IntegerField()), Value(0)), obs_den=Value(1)
    )
