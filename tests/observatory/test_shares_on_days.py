"""Writing the shares' query with the day as a column (`shares_on_days`): what is rewritten, and what sends the shares
back to their evaluation day by day. The results themselves are held to each day's evaluation in `test_golden`."""

from datetime import UTC, date, datetime

from jalon.observatory.shares_on_days import DAY_OF_ROW, day_expression, written_from_the_row_s_day


DAYS = [date(2024, 1, 31), date(2024, 2, 29), date(2025, 2, 28)]
QUERY = "SELECT 1 FROM t WHERE batch = %s AND born <= %s AND opened <= %s AND at >= %s AND code LIKE '4%%'"


def compiled(*params_of_day) -> list[tuple[str, tuple]]:
    return [(QUERY, params) for params in params_of_day]


def test_the_dates_that_move_with_the_day_are_written_from_the_row_s_day():
    written = written_from_the_row_s_day(
        DAYS,
        compiled(
            (7, date(1999, 1, 31), date(2023, 7, 31), datetime(2024, 2, 1, tzinfo=UTC)),
            (7, date(1999, 2, 28), date(2023, 8, 29), datetime(2024, 3, 1, tzinfo=UTC)),
            (7, date(2000, 2, 28), date(2024, 8, 28), datetime(2025, 3, 1, tzinfo=UTC)),
        ),
    )
    assert written is not None
    sql, params = written
    # The batch stays a parameter; 25 years and 6 months before the day, and the next day's midnight, are written.
    assert params == [7]
    assert sql == (
        f"SELECT 1 FROM t WHERE batch = %s AND born <= ({DAY_OF_ROW} - interval '300 months')::date "  # noqa: S608
        f"AND opened <= ({DAY_OF_ROW} - interval '6 months')::date "
        f"AND at >= (({DAY_OF_ROW} + 1)::timestamp AT TIME ZONE 'UTC') AND code LIKE '4%%'"
    )


def test_a_date_moving_otherwise_sends_the_shares_back_day_by_day():
    # The month's first day is no number of months before its last.
    assert day_expression(DAYS, tuple(day.replace(day=1) for day in DAYS)) is None
    # Three months before the day: no piece ends there (no band's threshold), so the rows would not hold.
    assert day_expression(DAYS, (date(2023, 10, 31), date(2023, 11, 29), date(2024, 11, 28))) is None
    # The day itself, on one day only.
    assert day_expression(DAYS, (DAYS[0], DAYS[1], date(2025, 2, 27))) is None
    # A midnight that is not the next day's.
    assert day_expression(DAYS, tuple(datetime(day.year, day.month, day.day, tzinfo=UTC) for day in DAYS)) is None
    assert day_expression(DAYS, tuple(DAYS)) == DAY_OF_ROW


def test_queries_that_differ_otherwise_are_not_rewritten():
    params = (7, date(1999, 1, 31), date(2023, 7, 31), datetime(2024, 2, 1, tzinfo=UTC))
    other = [(QUERY, params), (QUERY.replace("born <=", "born <"), params), (QUERY, params)]
    assert written_from_the_row_s_day(DAYS, other) is None
    assert written_from_the_row_s_day(DAYS, [(QUERY, params), (QUERY, params[:3]), (QUERY, params)]) is None


def test_a_base_s_declared_dates_are_written_from_the_row_s_day():
    """What a base declares (`Intervals`): a number of days before the day, the first day of the day's month,
    quarter or year (its flows to date), and the first or last instant of such a date in the project's time zone.
    Undeclared, each sends the shares back day by day."""
    from zoneinfo import ZoneInfo

    from jalon.observatory.shares_on_days import Intervals

    paris = ZoneInfo("Europe/Paris")
    carnet = Intervals(day_offsets=frozenset({56}), flows=True)
    eight_weeks = tuple(date.fromordinal(day.toordinal() - 56) for day in DAYS)
    assert day_expression(DAYS, eight_weeks, carnet) == f"({DAY_OF_ROW} - 56)"
    assert day_expression(DAYS, eight_weeks) is None
    quarters = (date(2024, 1, 1), date(2024, 1, 1), date(2025, 1, 1))
    assert day_expression(DAYS, quarters, carnet) == f"date_trunc('quarter', {DAY_OF_ROW})::date"
    assert day_expression(DAYS, quarters) is None
    # The first instant of the day's month and the last of the day, in the project's time zone (winter and summer).
    firsts = tuple(datetime(day.year, day.month, 1, tzinfo=paris) for day in DAYS)
    assert day_expression(DAYS, firsts, carnet) == (
        f"((date_trunc('month', {DAY_OF_ROW})::date)::timestamp AT TIME ZONE 'Europe/Paris')"
    )
    lasts = tuple(datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=paris) for day in DAYS)
    assert day_expression(DAYS, lasts, carnet) == (
        f"((({DAY_OF_ROW}) + 1)::timestamp AT TIME ZONE 'Europe/Paris' - interval '1 microsecond')"
    )
    # A local noon is neither: day by day.
    noons = tuple(datetime(day.year, day.month, day.day, 12, tzinfo=paris) for day in DAYS)
    assert day_expression(DAYS, noons, carnet) is None
