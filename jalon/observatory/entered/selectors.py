"""Reads of the entered indicators, scoped to the actor: who may enter or validate, what is due, the history,
and the validated values for the indicator's page."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404

from jalon.core.enums import Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.observatory.entered.enums import EntryStatus
from jalon.observatory.entered.models import EnteredValue, EntrySetup
from jalon.observatory.enums import Dimension, PeriodKind, Source, TerritoryLevel
from jalon.observatory.models import Indicator, IndicatorValue
from jalon.observatory.periods import Period, periods_between
from jalon.observatory.segments import AGE_BANDS, HOUSEHOLDS, SENIORITY_BANDS, SEXES
from jalon.territories.models import Territory


ENTERED_SOURCES = (Source.ENTERED, Source.PARTNER)
# The Département's pilots and analysts may always enter; only a pilot validates (decided with the plan's owners).
ENTER_ROLES = (Role.PROGRAMME_PILOT, Role.ANALYST)
VALIDATE_ROLES = (Role.PROGRAMME_PILOT,)
CONFIGURE_ROLES = (Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)
# The segments an entered value may be broken down by, with their codes (the engine's own bands).
SEGMENTS: dict[str, list[tuple[str, str]]] = {
    Dimension.SEX: SEXES,
    Dimension.AGE_BAND: [(code, label) for code, label, _ in AGE_BANDS],
    Dimension.HOUSEHOLD: HOUSEHOLDS,
    Dimension.SENIORITY: [(code, label) for code, label, _ in SENIORITY_BANDS],
}
# Statuses that still wait for the owner (a value sent back is the owner's work again).
OWNER_PENDING = (EntryStatus.DRAFT, EntryStatus.SENT_BACK)


def default_period_kind(indicator: Indicator) -> str:
    """A partner's figure follows its quarterly reporting (IAE, France Travail, platforms); a pilot's milestone is
    reviewed in the plan's yearly report."""
    return PeriodKind.QUARTER if indicator.source == Source.PARTNER else PeriodKind.YEAR


def setup_for(*, indicator: Indicator, departement_id: str, today: date) -> EntrySetup:
    """The Département's setup of the indicator, or the defaults (not saved) when none was chosen yet."""
    setup = (
        EntrySetup.objects.select_related("owner").filter(indicator=indicator, departement_id=departement_id).first()
    )
    if setup is None:
        setup = EntrySetup(
            indicator=indicator,
            departement_id=departement_id,
            period_kind=default_period_kind(indicator),
            starts_on=date(today.year - 1, 1, 1),
        )
    return setup


def entered_indicators() -> QuerySet:
    return Indicator.objects.filter(source__in=ENTERED_SOURCES)


def entered_indicator_for(*, code: str) -> Indicator:
    return get_visible_or_404(entered_indicators(), code=code)


def may_enter(actor: Actor, setup: EntrySetup) -> bool:
    if actor.departement_code is None or actor.departement_code != setup.departement_id:
        return False
    if actor.acts_for_departement(*ENTER_ROLES):
        return True
    return setup.owner_id is not None and actor.organisation_id == setup.owner_id


def may_validate(actor: Actor, departement_id: str) -> bool:
    return actor.departement_code == departement_id and actor.acts_for_departement(*VALIDATE_ROLES)


def may_configure(actor: Actor) -> bool:
    return actor.departement_code is not None and actor.acts_for_departement(*CONFIGURE_ROLES)


def may_open_entries(actor: Actor) -> bool:
    """Whether the « Valeurs à saisir » list opens: the Département's pilots and analysts, and the members of an
    organisation that owns an indicator."""
    if actor.departement_code is None:
        return False
    if actor.acts_for_departement(*ENTER_ROLES):
        return True
    return (
        actor.organisation_id is not None
        and EntrySetup.objects.filter(owner_id=actor.organisation_id, departement_id=actor.departement_code).exists()
    )


def deadline_of(setup: EntrySetup, period: Period) -> date:
    return period.end + timedelta(days=setup.deadline_days)


def expected_periods(setup: EntrySetup, today: date) -> list[Period]:
    """The periods whose value is expected: from the setup's start, every one that has ended."""
    return [p for p in periods_between(setup.period_kind, setup.starts_on, today) if p.end < today]


def territory_choices(departement_id: str) -> list[tuple[str, str]]:
    """(level:code, label): the whole département first, then its territories."""
    choices = [(f"{TerritoryLevel.DEPARTEMENT}:{departement_id}", "Ensemble du département")]
    choices += [
        (f"{TerritoryLevel.TERRITORY}:{pk}", name)
        for pk, name in Territory.objects.in_departement(departement_id).order_by("name").values_list("pk", "name")
    ]
    return choices


def territory_label(entry, labels: dict | None = None) -> str:
    if entry.territory_level == TerritoryLevel.DEPARTEMENT:
        return "Ensemble du département"
    if labels is not None:
        return labels.get(entry.territory_code, entry.territory_code)
    territory = Territory.objects.filter(pk=entry.territory_code).only("name").first()
    return territory.name if territory else entry.territory_code


def segment_label(dimension: str, segment: str) -> str:
    if not dimension:
        return "Ensemble"
    labels = dict(SEGMENTS.get(dimension, []))
    return f"{Dimension(dimension).label} : {labels.get(segment, segment)}"


# -- what is due -----------------------------------------------------------------------------------------------


@dataclass
class DueRow:
    indicator: Indicator
    setup: EntrySetup
    period: Period
    deadline: date
    entry: EnteredValue | None
    late: bool

    @property
    def status_label(self) -> str:
        if self.entry is None:
            return "à saisir"
        return self.entry.get_status_display()

    @property
    def owner_label(self) -> str:
        owner = self.setup.owner
        return owner.name if owner is not None else "Pilotes et analystes du Département"


STATUS_FILTERS = {
    "retard": "en retard",
    "a_saisir": "à saisir (y compris brouillons et renvois)",
    "a_valider": "à valider",
    "validee": "validées",
}


def setups_for_actor(*, actor: Actor, today: date) -> list[EntrySetup]:
    """Every entered indicator of the actor's Département that the actor may enter, with its setup."""
    departement_id = actor.departement_code
    if departement_id is None:
        return []
    saved = {
        setup.indicator_id: setup
        for setup in EntrySetup.objects.select_related("owner", "indicator").filter(departement_id=departement_id)
    }
    setups = []
    for indicator in entered_indicators():
        setup = saved.get(indicator.pk) or setup_for(indicator=indicator, departement_id=departement_id, today=today)
        setup.indicator = indicator
        if may_enter(actor, setup):
            setups.append(setup)
    return setups


def due_rows(*, actor: Actor, today: date, status: str = "") -> list[DueRow]:
    """The whole-département value of each period of each indicator the actor owns, late ones first, then the
    nearest deadlines, then those waiting for validation, then the validated (newest first)."""
    if not may_open_entries(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    setups = setups_for_actor(actor=actor, today=today)
    entries = {
        (e.indicator_id, e.period_kind, e.period_start): e
        for e in EnteredValue.objects.filter(
            departement_id=actor.departement_code,
            indicator_id__in=[s.indicator_id for s in setups],
            territory_level=TerritoryLevel.DEPARTEMENT,
            dimension=Dimension.ALL,
        )
    }
    rows = []
    for setup in setups:
        for period in expected_periods(setup, today):
            entry = entries.get((setup.indicator_id, period.kind, period.start))
            deadline = deadline_of(setup, period)
            late = deadline < today and (entry is None or entry.status in OWNER_PENDING)
            rows.append(DueRow(setup.indicator, setup, period, deadline, entry, late))
    rows = [row for row in rows if _matches(row, status)]

    def order(row: DueRow):
        if row.late:
            return (0, row.deadline.toordinal(), row.indicator.position)
        if row.entry is None or row.entry.status in OWNER_PENDING:
            return (1, row.deadline.toordinal(), row.indicator.position)
        if row.entry.status == EntryStatus.SUBMITTED:
            return (2, row.deadline.toordinal(), row.indicator.position)
        return (3, -row.deadline.toordinal(), row.indicator.position)

    return sorted(rows, key=order)


def _matches(row: DueRow, status: str) -> bool:
    if not status:
        return True
    if status == "retard":
        return row.late
    if status == "a_saisir":
        return row.entry is None or row.entry.status in OWNER_PENDING
    if status == "a_valider":
        return row.entry is not None and row.entry.status == EntryStatus.SUBMITTED
    if status == "validee":
        return row.entry is not None and row.entry.status == EntryStatus.VALIDATED
    return True


def due_csv_rows(rows: list[DueRow]):
    yield ["Code", "Indicateur", "Période", "Échéance", "Statut", "En retard", "Valeur", "Responsable de la saisie"]
    for row in rows:
        yield [
            row.indicator.code,
            row.indicator.wording,
            row.period.label,
            row.deadline.strftime("%d/%m/%Y"),
            row.status_label,
            "oui" if row.late else "non",
            format_entered(row.indicator.unit, row.entry.value) if row.entry else "",
            row.owner_label,
        ]


def format_entered(unit: str, value: float) -> str:
    from jalon.observatory.enums import Unit

    text = f"{value:g}".replace(".", ",")
    return f"{text} %" if unit == Unit.RATE else text


# -- one value, the queue, the history ---------------------------------------------------------------------------


def entry_get(*, actor: Actor, pk: int, today: date) -> EnteredValue:
    """A value the actor may enter (owner) or validate (pilot); anything else is a missing page."""
    entry = get_visible_or_404(
        EnteredValue.objects.select_related("indicator", "entered_by", "reviewed_by", "organisation").filter(
            departement_id=actor.departement_code or ""
        ),
        pk=pk,
    )
    setup = setup_for(indicator=entry.indicator, departement_id=entry.departement_id, today=today)
    if not (may_enter(actor, setup) or may_validate(actor, entry.departement_id)):
        raise Http404(NOT_FOUND_MESSAGE)
    return entry


def cell_entries(
    *, setup: EntrySetup, period: Period, territory_level: str, territory_code: str, dimension="", segment=""
) -> QuerySet:
    """The entry of one cell (at most one: the model's unique key)."""
    return EnteredValue.objects.filter(
        indicator_id=setup.indicator_id,
        departement_id=setup.departement_id,
        territory_level=territory_level,
        territory_code=territory_code,
        period_kind=period.kind,
        period_start=period.start,
        dimension=dimension,
        segment=segment,
    )


def validation_queue(*, actor: Actor) -> QuerySet:
    if not may_validate(actor, actor.departement_code or ""):
        raise Http404(NOT_FOUND_MESSAGE)
    return (
        EnteredValue.objects.in_departement(actor.departement_code)
        .with_status(EntryStatus.SUBMITTED)
        .select_related("indicator", "entered_by", "organisation")
        .order_by("submitted_at", "pk")
    )


def history(*, actor: Actor, indicator: Indicator, today: date) -> QuerySet:
    setup = setup_for(indicator=indicator, departement_id=actor.departement_code or "", today=today)
    if not (may_enter(actor, setup) or may_validate(actor, actor.departement_code or "")):
        raise Http404(NOT_FOUND_MESSAGE)
    return (
        EnteredValue.objects.filter(indicator=indicator, departement_id=actor.departement_code)
        .select_related("entered_by", "reviewed_by", "organisation")
        .prefetch_related("events__by")
        .order_by("-period_start", "territory_level", "territory_code", "dimension", "segment")
    )


def setups_to_configure(*, actor: Actor, today: date) -> list[EntrySetup]:
    if not may_configure(actor):
        raise Http404(NOT_FOUND_MESSAGE)
    saved = {
        s.indicator_id: s
        for s in EntrySetup.objects.select_related("owner").filter(departement_id=actor.departement_code)
    }
    setups = []
    for indicator in entered_indicators():
        setup = saved.get(indicator.pk) or setup_for(
            indicator=indicator, departement_id=actor.departement_code or "", today=today
        )
        setup.indicator = indicator
        setups.append(setup)
    return setups


# -- the validated values, for the indicator's page --------------------------------------------------------------


@dataclass
class EnteredValues:
    period_kind_label: str
    by_period: list
    by_territory: list
    territory_period: str
    entered: bool = True


def entered_indicator_values(*, actor: Actor, indicator: Indicator, departement_id: str, today: date):
    """The published (validated) values of an entered indicator: the whole département over three years of its
    periods, and its territories for the latest period that has any. Read from `IndicatorValue` like the computed
    ones (an entered value is published there without a computation run)."""
    from jalon.observatory.selectors import _rows

    setup = setup_for(indicator=indicator, departement_id=departement_id, today=today)
    periods = [p for p in periods_between(setup.period_kind, date(today.year - 2, 1, 1), today) if p.end < today]
    stored = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            departement_id=departement_id,
            period_kind=setup.period_kind,
            dimension=Dimension.ALL,
            period_start__gte=date(today.year - 2, 1, 1),
        )
    )
    whole = {v.period_start: v for v in stored if v.territory_level == TerritoryLevel.DEPARTEMENT}
    by_period = _rows(
        indicator.unit,
        [(p.label, whole[p.start].numerator, whole[p.start].denominator) for p in periods if p.start in whole],
    )
    territories = dict(Territory.objects.in_departement(departement_id).values_list("pk", "name"))
    if actor.territory_ids:
        territories = {pk: name for pk, name in territories.items() if pk in actor.territory_ids}
        by_period = []
    local = [v for v in stored if v.territory_level == TerritoryLevel.TERRITORY]
    latest = max((v.period_start for v in local), default=None)
    by_territory = []
    territory_period = ""
    if latest is not None:
        territory_period = Period(setup.period_kind, latest).label
        by_territory = _rows(
            indicator.unit,
            sorted(
                [
                    (territories[int(v.territory_code)], v.numerator, v.denominator)
                    for v in local
                    if v.period_start == latest and int(v.territory_code) in territories
                ]
            ),
        )
    return EnteredValues(PeriodKind(setup.period_kind).label, by_period, by_territory, territory_period)


# -- the inbox's question: does a notification's target still open for its reader? ------------------------------


def entry_form_opens(actor: Actor, kwargs: dict) -> bool:
    indicator = entered_indicators().filter(code=kwargs.get("code")).first()
    if indicator is None or actor.departement_code is None:
        return False
    from django.utils import timezone

    return may_enter(
        actor, setup_for(indicator=indicator, departement_id=actor.departement_code, today=timezone.localdate())
    )


def entry_opens(actor: Actor, kwargs: dict) -> bool:
    from django.utils import timezone

    try:
        entry_get(actor=actor, pk=kwargs["pk"], today=timezone.localdate())
    except Http404:
        return False
    return True
