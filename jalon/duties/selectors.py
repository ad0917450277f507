"""Reads of the procedure, scoped to the actor: the Département's staff see their département's procedures; the
professionals who follow a person see that person's."""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.duties.enums import Nature, ProcedureState
from jalon.duties.models import CafExport, CafLine, Decision, Failure
from jalon.duties.services import DEPARTEMENT_ROLES
from jalon.messaging.models import Message
from jalon.people.models import HouseholdMember, Person


# The states of the Département's list, in the order the work goes.
LIST_STATES = {
    "a_inviter": "à inviter",
    "en_attente": "en attente de réponse",
    "a_decider": "à décider",
    "suspendues": "suspendues",
    "remobilisees": "remobilisées",
    "closes": "closes (motif légitime ou suppression)",
}


def failures_visible_to(actor: Actor):
    if actor.is_platform_admin:
        return Failure.objects.all()
    if actor.acts_for_departement(*DEPARTEMENT_ROLES):
        return Failure.objects.filter(departement_id=actor.departement_code)
    return Failure.objects.filter(person__in=Person.objects.visible_to(actor))


def failure_for(*, actor: Actor, pk) -> Failure:
    return get_visible_or_404(
        failures_visible_to(actor).select_related("person", "organisation", "recorded_by", "decision"), pk=pk
    )


def failures_of(*, person: Person):
    return (
        Failure.objects.filter(person=person)
        .select_related("organisation", "recorded_by", "decision__epl_meeting")
        .order_by("-occurred_on", "-pk")
    )


def letters_of(failure: Failure) -> list:
    """The messages sent about the procedure: the invitation, then the decision's notification and reversal."""
    sent = list(Message.objects.about(failure))
    decision = getattr(failure, "decision", None)
    if decision is not None:
        sent += list(Message.objects.about(decision))
    return sorted(sent, key=lambda message: (message.created_at, message.pk))


def procedures(*, actor: Actor, state: str):
    today = timezone.localdate()
    failures = failures_visible_to(actor).select_related("person", "organisation", "decision")
    if state == "a_inviter":
        return failures.filter(state=ProcedureState.TO_INVITE)
    if state == "en_attente":
        return failures.awaiting_answer(today)
    if state == "a_decider":
        return failures.to_decide(today)
    if state == "suspendues":
        return failures.filter(state=ProcedureState.SUSPENDED)
    if state == "remobilisees":
        return failures.filter(state=ProcedureState.REMOBILISED)
    return failures.filter(state__in=[ProcedureState.CLOSED, ProcedureState.SUPPRESSED])


def state_counts(*, actor: Actor) -> dict[str, int]:
    return {state: procedures(actor=actor, state=state).count() for state in LIST_STATES}


def exports_of(*, actor: Actor):
    files = CafExport.objects.filter(departement_id=actor.departement_code)
    return files.annotate(line_count=Count("lines")).order_by("-created_at", "-pk")


def pending_line_count(*, actor: Actor) -> int:
    return CafLine.objects.filter(export=None, decision__failure__departement_id=actor.departement_code).count()


def export_for(*, actor: Actor, pk) -> CafExport:
    return get_visible_or_404(CafExport.objects.filter(departement_id=actor.departement_code), pk=pk)


# -- the CAF/MSA file (docs/suspension-remobilisation-export.md) -----------------------------------------------

CAF_COLUMNS = [
    "organisme",
    "code_organisme",
    "matricule",
    "rang",
    "nature",
    "taux",
    "date_debut",
    "date_fin",
    "date_decision",
    "date_remobilisation",
    "reference",
]
# The CAF/MSA's rank of a person in the foyer: the applicant, then the partner, then the others.
RANKS = {"DEM": 1, "CJT": 2}


def _household_of(person_id: int):
    """The person's current foyer, or the last one they belonged to."""
    links = HouseholdMember.objects.filter(person_id=person_id).select_related("household")
    return links.filter(left_on=None).first() or links.order_by("-left_on").first()


def caf_rows(export: CafExport) -> list[list]:
    rows: list[list] = [CAF_COLUMNS]
    lines = export.lines.select_related("decision__failure").order_by("pk")
    for line in lines:
        decision = line.decision
        member = _household_of(decision.failure.person_id)
        household = member.household if member else None
        rank = RANKS.get(member.role, 3) if member else ""
        rows.append(
            [
                household.organisme if household else "",
                household.organisme_code if household else "",
                household.matricule if household else "",
                f"{rank:02d}" if rank else "",
                line.nature,
                decision.rate,
                decision.starts_on.isoformat(),
                decision.ends_on.isoformat(),
                decision.decided_on.isoformat(),
                decision.remobilised_on.isoformat() if line.nature == "REVERSEMENT" else "",
                f"JALON-{decision.failure.departement_id}-{decision.pk}",
            ]
        )
    return rows


def export_person_ids(export: CafExport) -> list[int]:
    return list(export.lines.values_list("decision__failure__person_id", flat=True).distinct())


# -- counts for the indicators ---------------------------------------------------------------------------------


def monthly_counts(*, departement_id: str, since: datetime.date, until: datetime.date) -> list[dict]:
    """Per month of [since, until]: failures recorded, decisions, suspensions, suppressions, reversals."""
    months: dict[datetime.date, dict] = {}

    def bump(rows, key):
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
            entry = months.setdefault(
                month,
                {"month": month, "failures": 0, "decisions": 0, "suspensions": 0, "suppressions": 0, "reversals": 0},
            )
            entry[key] += row["n"]

    failures = Failure.objects.filter(departement_id=departement_id, occurred_on__range=(since, until))
    bump(failures.annotate(month=TruncMonth("occurred_on")).values("month").annotate(n=Count("pk")), "failures")
    decisions = Decision.objects.filter(failure__departement_id=departement_id, decided_on__range=(since, until))
    by_month = decisions.annotate(month=TruncMonth("decided_on")).values("month")
    bump(by_month.annotate(n=Count("pk")), "decisions")
    bump(by_month.filter(nature=Nature.SUSPENSION).annotate(n=Count("pk")), "suspensions")
    bump(by_month.filter(nature=Nature.SUPPRESSION).annotate(n=Count("pk")), "suppressions")
    reversals = Decision.objects.filter(failure__departement_id=departement_id, remobilised_on__range=(since, until))
    bump(reversals.annotate(month=TruncMonth("remobilised_on")).values("month").annotate(n=Count("pk")), "reversals")
    return [months[month] for month in sorted(months)]
