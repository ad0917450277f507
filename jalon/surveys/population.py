"""The people a campaign asks, computed from the data when it is launched: who attended a cellule d'orientation,
whose referral to a service ended, who exited to employment N months ago, or the professionals of some roles."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from jalon.core.periods import add_months
from jalon.surveys.enums import Population


@dataclass(frozen=True)
class Target:
    person_id: int | None = None
    user_id: int | None = None
    territory_id: int | None = None


def _territory_of_communes(departement_id: str) -> dict[str, int]:
    from jalon.territories.models import Territory

    result: dict[str, int] = {}
    for territory_id, commune in Territory.objects.in_departement(departement_id).values_list("pk", "communes"):
        if commune:
            result.setdefault(commune, territory_id)
    return result


def _persons(rows, departement_id: str) -> list[Target]:
    """(person_id, commune, territory_id or None) rows, once per person, merged files left out."""
    territories = _territory_of_communes(departement_id)
    seen: dict[int, Target] = {}
    for person_id, commune, territory_id in rows:
        if person_id not in seen:
            seen[person_id] = Target(person_id=person_id, territory_id=territory_id or territories.get(commune))
    return list(seen.values())


def population_targets(
    *,
    departement_id: str,
    population: str,
    period_start: date | None,
    period_end: date | None,
    months_after: int | None,
    roles: list[str],
    today: date,
) -> list[Target]:
    from jalon.exits.models import Exit
    from jalon.offer.referrals.models import Referral, ReferralStatus
    from jalon.organisations.models import Membership
    from jalon.orientation.enums import Attendance, SessionKind
    from jalon.orientation.models import SessionParticipant

    if population == Population.CELL_ATTENDANCE:
        rows = (
            SessionParticipant.objects.filter(
                session__departement_id=departement_id,
                session__kind=SessionKind.CELL,
                session__cancelled_at=None,
                session__starts_at__date__range=(period_start, period_end),
                attendance=Attendance.PRESENT,
                person__merged_into=None,
            )
            .order_by("person_id")
            .values_list("person_id", "person__commune_id", "session__territory_id")
        )
        return _persons(rows, departement_id)
    if population == Population.REFERRAL_ENDED:
        rows = (
            Referral.objects.filter(
                person__departement_id=departement_id,
                person__merged_into=None,
                status__in=(ReferralStatus.COMPLETED, ReferralStatus.ABANDONED),
                ended_at__date__range=(period_start, period_end),
            )
            .order_by("person_id")
            .values_list("person_id", "person__commune_id")
        )
        return _persons(((person, commune, None) for person, commune in rows), departement_id)
    if population == Population.EXIT_TO_EMPLOYMENT:
        start = add_months(today.replace(day=1), -(months_after or 0))
        end = add_months(start, 1)
        rows = (
            Exit.objects.in_force()
            .to_employment()
            .filter(person__departement_id=departement_id, exited_on__gte=start, exited_on__lt=end)
            .order_by("person_id")
            .values_list("person_id", "person__commune_id")
        )
        return _persons(((person, commune, None) for person, commune in rows), departement_id)
    if population == Population.PROFESSIONALS:
        users = (
            Membership.objects.filter(
                is_active=True, organisation__departement_id=departement_id, role__in=roles, user__is_active=True
            )
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()
        )
        return [Target(user_id=user_id) for user_id in users]
    raise ValidationError({"population": "Choisissez la population interrogée."})
