"""The activity hours of a contrat d'engagement, week by week: planned against done.

What is counted as done, from what the carnet records (nothing is estimated):
- the appointments of the carnet the person attended (their length);
- the referrals to a service of the offer, started and not yet ended that week, when the service says its weekly
  hours (`Service.weekly_hours`); a started referral whose service says none is listed, not counted;
- the measures (IAE, PEC…) running that week, for their weekly hours when recorded;
- the trainings running that week are listed: the employment room does not record their hours, so they count 0.
A week is Monday to Sunday; the first and last weeks of the contract are counted whole.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from jalon.employment.models import TrainingEntry
from jalon.notebook.models import Appointment, Contract
from jalon.offer.measures.models import Measure
from jalon.offer.referrals.models import Referral, ReferralStatus
from jalon.orientation.enums import Attendance


@dataclass
class WeekHours:
    monday: datetime.date
    planned: int
    appointments: Decimal = Decimal(0)
    referrals: Decimal = Decimal(0)
    measures: Decimal = Decimal(0)
    # Activities running that week whose hours are not recorded: shown, not counted.
    uncounted: list[str] = field(default_factory=list)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def done(self) -> Decimal:
        return self.appointments + self.referrals + self.measures

    @property
    def short(self) -> bool:
        return self.done < self.planned


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _running(starts_on, ends_on, monday, sunday) -> bool:
    return starts_on <= sunday and (ends_on is None or ends_on >= monday)


def contract_hours_by_week(*, contract: Contract, today: datetime.date | None = None) -> list[WeekHours]:
    """The weeks of the contract up to this one (the latest first), planned against done. Empty for a contract
    without weekly hours (CER, PPAE, CEJ). Four queries whatever the length of the contract."""
    if contract.weekly_hours is None:
        return []
    today = today or timezone.localdate()
    first, last = _monday(contract.starts_on), _monday(min(contract.ends_on, today))
    if last < first:
        return []
    weeks: dict[datetime.date, WeekHours] = {}
    monday = first
    while monday <= last:
        weeks[monday] = WeekHours(monday=monday, planned=contract.weekly_hours)
        monday += datetime.timedelta(days=7)
    end = last + datetime.timedelta(days=6)
    zone = timezone.get_current_timezone()

    def start_of(day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)

    appointments = Appointment.objects.filter(
        notebook_id=contract.notebook_id,
        cancelled_at=None,
        attendance=Attendance.PRESENT,
        starts_at__gte=start_of(first),
        starts_at__lt=start_of(end + datetime.timedelta(days=1)),
    ).values_list("starts_at", "ends_at")
    for starts_at, ends_at in appointments:
        week = weeks[_monday(timezone.localtime(starts_at).date())]
        week.appointments += Decimal((ends_at - starts_at).total_seconds()) / 3600

    referrals = (
        Referral.objects.filter(notebook_id=contract.notebook_id)
        .filter(Q(status=ReferralStatus.STARTED) | Q(status=ReferralStatus.COMPLETED))
        .exclude(started_at=None)
        .filter(started_at__lt=start_of(end + datetime.timedelta(days=1)))
        .filter(Q(ended_at=None) | Q(ended_at__gte=start_of(first)))
        .values_list("started_at", "ended_at", "service__name", "service__weekly_hours")
    )
    for started_at, ended_at, name, hours in referrals:
        starts_on = timezone.localtime(started_at).date()
        ends_on = timezone.localtime(ended_at).date() if ended_at else None
        for week in weeks.values():
            if not _running(starts_on, ends_on, week.monday, week.sunday):
                continue
            if hours is None:
                week.uncounted.append(f"{name} (volume horaire non renseigné)")
            else:
                week.referrals += Decimal(str(hours))

    measures = Measure.objects.filter(notebook_id=contract.notebook_id, starts_on__lte=end).filter(
        Q(ends_on=None) | Q(ends_on__gte=first)
    )
    for measure in measures.only("kind", "starts_on", "ends_on", "weekly_hours"):
        for week in weeks.values():
            if not _running(measure.starts_on, measure.ends_on, week.monday, week.sunday):
                continue
            if measure.weekly_hours is None:
                week.uncounted.append(f"{measure.get_kind_display()} (heures non renseignées)")
            else:
                week.measures += measure.weekly_hours

    trainings = TrainingEntry.objects.filter(person_id=contract.notebook.person_id, starts_on__lte=end).filter(
        Q(ends_on=None) | Q(ends_on__gte=first)
    )
    for training in trainings.only("title", "starts_on", "ends_on"):
        for week in weeks.values():
            if _running(training.starts_on, training.ends_on, week.monday, week.sunday):
                week.uncounted.append(f"formation « {training.title} » (heures non enregistrées)")

    return sorted(weeks.values(), key=lambda week: week.monday, reverse=True)
