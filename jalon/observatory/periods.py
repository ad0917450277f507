"""The periods the observatory computes: months, quarters and years, each with its first and last day."""

from dataclasses import dataclass
from datetime import date, timedelta

from jalon.core.periods import add_months
from jalon.observatory.enums import PeriodKind


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
MONTH_NAMES = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


@dataclass(frozen=True)
class Period:
    kind: str
    start: date

    @property
    def end(self) -> date:
        return add_months(self.start, MONTHS_IN[self.kind]) - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        if self.kind == PeriodKind.QUARTER:
            return f"T{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"

    @property
    def key(self) -> str:
        """How a period is written in a URL or a command: 2026, 2026-T2, 2026-05."""
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-T{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(kind: str, day: date) -> Period:
    if kind == PeriodKind.YEAR:
        return Period(kind, date(day.year, 1, 1))
    if kind == PeriodKind.QUARTER:
        return Period(kind, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return Period(kind, day.replace(day=1))


def periods_between(kind: str, start: date, end: date) -> list[Period]:
    """Every period of `kind` that overlaps [start, end], in order."""
    periods, period = [], period_of(kind, start)
    while period.start <= end:
        periods.append(period)
        period = Period(kind, add_months(period.start, MONTHS_IN[kind]))
    return periods


def parse_period(text: str) -> Period | None:
    """The period written `2026`, `2026-T2` or `2026-05`; None when the text is none of these."""
    try:
        if len(text) == 4:
            return Period(PeriodKind.YEAR, date(int(text), 1, 1))
        year, part = text.split("-")
        if part.upper().startswith("T"):
            quarter = int(part[1:])
            if not 1 <= quarter <= 4:
                return None
            return Period(PeriodKind.QUARTER, date(int(year), 3 * quarter - 2, 1))
        return Period(PeriodKind.MONTH, date(int(year), int(part), 1))
    except ValueError:
        return None


@dataclass(frozen=True)
class Span:
    """Any run of days (a figures page's chosen period): the engine reads only its first and last day."""

    start: date
    end: date
    kind: str = "periode"
