"""The measures and plateaux figures for the observatory: the Landes indicators by month (B.10 AVIP places, B.17
clause hours, B.18 IAE employees and their profile, B.25 PMSMP prescribed, B.26 PEC contracts, and the services
civiques) and the Pyrénées-Atlantiques fiche 4 indicators per plateau technique over the period. Set-based: a
constant number of queries whatever the Département's size.

People are placed by their commune, as in the other figures; a territory keeps only the people of its communes."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from jalon.core.periods import months_between
from jalon.notebook.figures import month_end
from jalon.offer.measures.models import Measure, MeasureKind, SiaeKind
from jalon.offer.plateaux.models import PlateauTechnique
from jalon.offer.referrals.figures import ReferralFigures, referral_figures
from jalon.offer.referrals.models import Referral, ReferralStatus
from jalon.territories.selectors import territory_communes


AGE_BANDS = (("moins de 26 ans", 0, 25), ("26 à 49 ans", 26, 49), ("50 ans et plus", 50, 200))
# A referral whose person the plateau received: answered yes, whatever came next (an abandon after the
# acceptance included: the plateau met the person).
RECEIVED = (ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.COMPLETED, ReferralStatus.ABANDONED)


@dataclass
class MeasureMonth:
    month: date
    pmsmp: int = 0
    pec: int = 0
    avip: int = 0
    civic_service: int = 0
    iae_employees: int = 0  # people with an IAE measure in force during the month
    clause_hours: Decimal = Decimal(0)  # hours done, counted in the month the clause measure started


@dataclass
class PlateauRow:
    plateau: PlateauTechnique
    participants: int = 0  # people received and accompanied in the period
    with_measure: int = 0  # of whom started at least one module
    modules_mobilised: int = 0  # (person, module) started in the period
    distinct_modules: int = 0

    @property
    def coverage_rate(self) -> float | None:
        """Taux de couverture: people accompanied over the people to accompany (fiche 4, its ratio read the right
        way round)."""
        return self.participants / self.plateau.target_participants if self.plateau.target_participants else None

    @property
    def supervision_rate(self) -> float:
        """Taux d'encadrement: people accompanied per professional mobilised."""
        return self.participants / self.plateau.professionals


@dataclass
class OfferFigures:
    start: date
    end: date
    months: list[MeasureMonth]
    iae_profile: Counter = field(default_factory=Counter)  # (SIAE kind label, age band) -> people
    plateaux: list[PlateauRow] = field(default_factory=list)
    referrals: ReferralFigures | None = None

    @property
    def totals(self) -> dict:
        return {
            "pmsmp": sum(m.pmsmp for m in self.months),
            "pec": sum(m.pec for m in self.months),
            "avip": sum(m.avip for m in self.months),
            "civic_service": sum(m.civic_service for m in self.months),
            "iae_employees": sum(self.iae_profile.values()),
            "clause_hours": sum((m.clause_hours for m in self.months), Decimal(0)),
        }

    @property
    def mean_participants(self) -> float | None:
        return sum(row.participants for row in self.plateaux) / len(self.plateaux) if self.plateaux else None

    @property
    def iae_profile_rows(self) -> list[tuple[str, list[int]]]:
        return [
            (label, [self.iae_profile[(label, band)] for band, _, _ in AGE_BANDS]) for _, label in SiaeKind.choices
        ]

    @property
    def age_bands(self) -> list[str]:
        return [band for band, _, _ in AGE_BANDS]


def _age_band(birth_date: date | None, on: date) -> str | None:
    if birth_date is None:
        return None
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next(band for band, low, high in AGE_BANDS if low <= age <= high)


def offer_figures(*, departement_id, start: date, end: date, territory_id=None) -> OfferFigures:
    months = [MeasureMonth(month) for month in months_between(start, end)]
    measures = Measure.objects.filter(person__departement_id=departement_id, starts_on__lte=end).filter(
        Q(ends_on=None) | Q(ends_on__gte=start)
    )
    referrals = Referral.objects.filter(service__plateau__departement_id=departement_id)
    if territory_id:
        communes = territory_communes([territory_id]).get(territory_id, set())
        measures = measures.filter(person__commune_id__in=communes)
        referrals = referrals.filter(person__commune_id__in=communes)

    iae_people: dict[date, set] = defaultdict(set)  # month -> people
    iae_profile: dict[int, tuple[str, str]] = {}
    rows = measures.values_list(
        "person_id", "kind", "starts_on", "ends_on", "siae_kind", "hours_done", "person__birth_date"
    )
    by_month = {m.month: m for m in months}
    for person_id, kind, starts_on, ends_on, siae_kind, hours_done, birth_date in rows:
        start_month = by_month.get(starts_on.replace(day=1)) if starts_on >= start else None
        if kind == MeasureKind.IAE:
            for month in months:
                if starts_on <= month_end(month.month) and (ends_on is None or ends_on >= month.month):
                    iae_people[month.month].add(person_id)
            band = _age_band(birth_date, max(starts_on, start))
            if band:
                iae_profile[person_id] = (SiaeKind(siae_kind).label, band)
        elif start_month is not None:
            if kind == MeasureKind.PMSMP:
                start_month.pmsmp += 1
            elif kind == MeasureKind.PEC:
                start_month.pec += 1
            elif kind == MeasureKind.AVIP:
                start_month.avip += 1
            elif kind == MeasureKind.CIVIC_SERVICE:
                start_month.civic_service += 1
            elif kind == MeasureKind.CLAUSE:
                start_month.clause_hours += hours_done or Decimal(0)
    for month in months:
        month.iae_employees = len(iae_people[month.month])

    return OfferFigures(
        start=start,
        end=end,
        months=months,
        iae_profile=Counter(iae_profile.values()),
        plateaux=plateau_rows(departement_id=departement_id, start=start, end=end, referrals=referrals),
        referrals=referral_figures(departement_id=departement_id, start=start, end=end, territory_id=territory_id),
    )


def plateau_rows(*, departement_id, start: date, end: date, referrals=None) -> list[PlateauRow]:
    """The fiche 4 indicators of each plateau active in the period: two queries."""
    plateaux = list(
        PlateauTechnique.objects.filter(departement_id=departement_id, starts_on__lte=end)
        .filter(Q(ends_on=None) | Q(ends_on__gte=start))
        .select_related("territory", "lead_structure")
        .order_by("name")
    )
    started = Q(started_at__isnull=False, started_at__date__lte=end)
    counts = {
        row["service__plateau_id"]: row
        for row in (referrals if referrals is not None else Referral.objects.all())
        .filter(service__plateau__in=plateaux, status__in=RECEIVED, answered_at__date__lte=end)
        .filter(Q(ended_at=None) | Q(ended_at__date__gte=start))
        .values("service__plateau_id")
        .annotate(
            participants=Count("person_id", distinct=True),
            with_measure=Count("person_id", distinct=True, filter=started),
            modules_mobilised=Count("pk", filter=started),
            distinct_modules=Count("service_id", distinct=True, filter=started),
        )
    }
    return [
        PlateauRow(
            plateau=plateau,
            **{
                name: counts.get(plateau.pk, {}).get(name, 0)
                for name in ("participants", "with_measure", "modules_mobilised", "distinct_modules")
            },
        )
        for plateau in plateaux
    ]


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def figures_rows(figures: OfferFigures):
    """The CSV export: the months of the measures, the plateaux, then the referrals by group."""
    yield [
        "mois",
        "PMSMP prescrites",
        "contrats PEC",
        "places AVIP",
        "services civiques",
        "salariés IAE",
        "heures de clauses",
    ]
    for month in figures.months:
        yield [
            f"{month.month:%Y-%m}",
            month.pmsmp,
            month.pec,
            month.avip,
            month.civic_service,
            month.iae_employees,
            str(month.clause_hours).replace(".", ","),
        ]
    yield []
    yield [
        "plateau technique",
        "étape",
        "participants",
        "avec au moins une mesure",
        "modules mobilisés",
        "taux de couverture",
        "taux d'encadrement",
    ]
    for row in figures.plateaux:
        yield [
            row.plateau.name,
            row.plateau.get_path_step_display(),
            row.participants,
            row.with_measure,
            row.modules_mobilised,
            _rate(row.coverage_rate),
            _rate(row.supervision_rate),
        ]
    if figures.referrals is None:
        return
    yield []
    statuses = [label for _, label in ReferralStatus.choices]
    yield [
        "orientations vers l'offre, par",
        "groupe",
        "envoyées",
        *statuses,
        "taux d'acceptation",
        "taux de réalisation",
    ]
    referrals = figures.referrals
    for kind, groups in (
        ("ensemble", [referrals.total]),
        ("thématique", referrals.by_thematique),
        ("service", referrals.by_service),
        ("structure", referrals.by_structure),
        ("label de financement", referrals.by_label),
        ("territoire", referrals.by_territory),
    ):
        for group in groups:
            yield [
                kind,
                group.label,
                group.sent,
                *(group.statuses[value] for value, _ in ReferralStatus.choices),
                _rate(group.acceptance_rate),
                _rate(group.completion_rate),
            ]
    yield [
        "délai de réponse (jours)",
        "moyenne",
        _rate(referrals.mean_answer_days),
        "médiane",
        _rate(referrals.median_answer_days),
    ]
