"""The referrals' figures for the observatory: referrals sent in the period by thématique, service, structure,
funding label, status and territory, with their acceptance and completion rates and the delays to answer.
Three queries whatever the Département's size; grouped in Python (a Département sends thousands a year)."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from jalon.offer import referentials
from jalon.offer.models import FundingLabel, Referral, ReferralStatus
from jalon.territories.models import Territory
from jalon.territories.selectors import territory_communes


ANSWERED_YES = {ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.COMPLETED, ReferralStatus.ABANDONED}
TOP = 15  # services and structures listed (the most referred to)


@dataclass
class ReferralGroup:
    label: str
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    started: int = 0  # went as far as the start (completed and abandoned after it included)

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())

    @property
    def accepted(self) -> int:
        return sum(self.statuses[status] for status in ANSWERED_YES)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted over answered (the unanswered and the withdrawn are not counted)."""
        answered = self.accepted + self.statuses[ReferralStatus.REFUSED]
        return self.accepted / answered if answered else None

    @property
    def completion_rate(self) -> float | None:
        """Completed over started."""
        return self.statuses[ReferralStatus.COMPLETED] / self.started if self.started else None

    @property
    def counts(self) -> list[int]:
        """The count of each status, in the order of `ReferralStatus`."""
        return [self.statuses[value] for value in ReferralStatus.values]

    def add(self, status: str, started: bool) -> None:
        self.statuses[status] += 1
        self.started += started


@dataclass
class ReferralFigures:
    total: ReferralGroup
    by_thematique: list[ReferralGroup]
    by_service: list[ReferralGroup]
    by_structure: list[ReferralGroup]
    by_label: list[ReferralGroup]
    by_territory: list[ReferralGroup]
    answer_days: list[int]

    @property
    def mean_answer_days(self) -> float | None:
        return statistics.fmean(self.answer_days) if self.answer_days else None

    @property
    def median_answer_days(self) -> float | None:
        return statistics.median(self.answer_days) if self.answer_days else None

    @property
    def tables(self) -> list[tuple[str, list[ReferralGroup]]]:
        return [
            ("thématique", self.by_thematique),
            ("territoire", self.by_territory),
            ("label de financement", self.by_label),
            ("structure (les plus sollicitées)", self.by_structure),
            ("service (les plus sollicités)", self.by_service),
        ]


def _ranked(groups: dict, top: int | None = None) -> list[ReferralGroup]:
    ranked = sorted(groups.values(), key=lambda group: (-group.sent, group.label))
    return ranked[:top] if top else ranked


def referral_figures(*, departement_id, start: date, end: date, territory_id=None) -> ReferralFigures:
    referrals = Referral.objects.filter(
        person__departement_id=departement_id, sent_at__date__gte=start, sent_at__date__lte=end
    )
    territories = list(Territory.objects.in_departement(departement_id).order_by("name").values_list("pk", "name"))
    communes = territory_communes([pk for pk, _ in territories])
    if territory_id:
        referrals = referrals.filter(person__commune_id__in=communes.get(territory_id, set()))
        territories = [(pk, name) for pk, name in territories if pk == territory_id]
    rows = list(
        referrals.values_list(
            "status",
            "sent_at",
            "answered_at",
            "started_at",
            "service_id",
            "service__name",
            "structure__name",
            "service__thematiques",
            "person__commune_id",
        )
    )
    labels_of = defaultdict(list)
    for service_id, funding in FundingLabel.objects.filter(services__in={row[4] for row in rows}).values_list(
        "services", "label"
    ):
        labels_of[service_id].append(funding)

    total = ReferralGroup("ensemble")
    groups: dict[str, dict] = {name: {} for name in ("thematique", "service", "structure", "label", "territory")}

    def add(kind: str, key, label: str, status: str, started: bool) -> None:
        groups[kind].setdefault(key, ReferralGroup(label)).add(status, started)

    answer_days = []
    for status, sent_at, answered_at, started_at, service_id, service, structure, thematiques, commune in rows:
        started = started_at is not None
        total.add(status, started)
        if answered_at is not None:
            answer_days.append((timezone.localdate(answered_at) - timezone.localdate(sent_at)).days)
        for category in sorted({code.split(referentials.THEMATIQUE_SEPARATOR)[0] for code in thematiques or []}):
            add("thematique", category, referentials.label("categories", category), status, started)
        add("service", service_id, f"{service} — {structure}", status, started)
        add("structure", structure, structure, status, started)
        for funding in labels_of.get(service_id, ["sans label de financement"]):
            add("label", funding, funding, status, started)
        for pk, name in territories:
            if commune in communes.get(pk, set()):
                add("territory", pk, name, status, started)
    return ReferralFigures(
        total=total,
        by_thematique=_ranked(groups["thematique"]),
        by_service=_ranked(groups["service"], TOP),
        by_structure=_ranked(groups["structure"], TOP),
        by_label=_ranked(groups["label"]),
        by_territory=_ranked(groups["territory"]),
        answer_days=answer_days,
    )
