"""Building a calendar: :func:`calendar` gathers a country's data into a :class:`WorkCalendar`."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..exceptions import CalendarCoverageError, InvalidInputError, InvalidTypeError
from ._arrange import arrange
from ._calendar import PROVISIONAL_YEARS, WorkCalendar
from ._conventions import as_int
from ._estimate import FIRST_ESTIMATED_YEAR, estimate_schedule
from ._source import ANNOUNCED_YEARLY, announced_through, load_source, source_version

__all__ = ["calendar"]

# Where each calendar's days are counted; an aware datetime is converted to this zone first.
_TIMEZONES = {
    "CN": "Asia/Shanghai",
    "HK": "Asia/Hong_Kong",
    "MO": "Asia/Macau",
    "TW": "Asia/Taipei",
    "SG": "Asia/Singapore",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
}

# The CN data is checked against the State Council notices from 2001 on (holidays' China docstring).
_FIRST_YEAR = {"CN": 2001}
_DEFAULT_FIRST_YEAR = 2001
# Calendars of countries with fixed holiday rules are built this far by default.
_DEFAULT_RULE_BASED_THROUGH = 2035


def calendar(
    country: str = "CN",
    subdiv: str | None = None,
    *,
    provisional: bool = False,
    first_year: int | None = None,
    last_year: int | None = None,
    published_through: int | None = None,
    timezone: str | None = None,
    weekend: Iterable[int] | None = None,
) -> WorkCalendar:
    """Build the working-day calendar of ``country`` (and ``subdiv``) from the ``holidays`` data.

    For China (and other countries that announce their arrangement each year) the calendar ends
    with the last published year; ``provisional=True`` extends it by rule-based estimates, every
    one flagged in ``describe()``. China's estimates are whole arrangements, with blocks and make-up
    workdays as the published principles give them (:func:`govops.calendars.estimate_schedule`). For countries with fixed holiday rules pass ``last_year``.
    ``published_through`` takes the official data only through that year, as it stood before the
    later notices, whatever the installed ``holidays`` release carries: the years after it are
    unpublished (a coverage error, or estimates with ``provisional=True``). It keeps results that
    were computed before a newer release reproducible.
    ``weekend`` replaces the country's weekly rest days (0 = Monday … 6 = Sunday): ``holidays``
    gives Hong Kong a Sunday-only weekend, while its government offices keep a five-day week, so
    an office there passes ``weekend={5, 6}``.

    >>> import govops
    >>> govops.calendar("CN", last_year=2024)   # the data as it stood before the 2025 notice
    WorkCalendar('CN', years=2001–2024, published_through=2024)
    >>> govops.calendar("CN", provisional=True, published_through=2025)   # and 2026 estimated
    WorkCalendar('CN', years=2001–2035, published_through=2025, provisional=True)
    """
    if not isinstance(country, str):
        raise InvalidTypeError(f"country={country!r} is a {type(country).__name__}; expected a str")
    code = country.upper()
    first = first_year if first_year is not None else _FIRST_YEAR.get(code, _DEFAULT_FIRST_YEAR)
    cap = None if published_through is None else as_int(published_through, "published_through")
    if code in ANNOUNCED_YEARLY:
        published = announced_through(code, subdiv, first)
        if cap is not None:
            if cap > published:
                raise CalendarCoverageError(
                    f"published_through={cap}: the official {code} schedule is published only "
                    f"through {published}",
                    year=published + 1,
                )
            if cap < first:
                raise InvalidInputError(
                    f"published_through={cap} is before first_year={first}, the first year of "
                    f"the {code} calendar data"
                )
            published = cap
        last = last_year if last_year is not None else published
        if provisional and last_year is None:
            last = published + PROVISIONAL_YEARS
        if last > published and not provisional:
            raise CalendarCoverageError(
                f"last_year={last}: the official {code} schedule is published only through "
                f"{published}; pass provisional=True for rule-based estimates beyond it",
                year=published + 1,
            )
    else:
        if cap is not None:
            raise InvalidInputError(
                f"published_through={cap}: {code}'s holidays follow fixed rules, with no yearly "
                "schedule to publish; pass last_year to end the calendar"
            )
        last = last_year if last_year is not None else _DEFAULT_RULE_BASED_THROUGH
        published = last
    data = load_source(code, subdiv, first, last, cap)
    rest = data.weekend if weekend is None else _weekdays(weekend)
    cal = WorkCalendar(
        code,
        subdiv=subdiv,
        first_year=first,
        published_through=min(published, last),
        last_year=last,
        provisional=provisional,
        weekend=rest,
        timezone=timezone if timezone is not None else _TIMEZONES.get(code),
        days=data.days,
        data_source=source_version(),
    )
    if code == "CN" and subdiv is None and last > cal.published_through:
        # Unpublished years: the arrangement the published principles give, not bare festivals;
        # all of them arranged first, then frozen into tables once.
        days = cal.days
        for year in range(max(cal.published_through + 1, FIRST_ESTIMATED_YEAR), last + 1):
            estimate = estimate_schedule(year)
            days = arrange(
                cal,
                days,
                year,
                holidays={d: (zh, en) for d, zh, en in estimate.holidays},
                workdays={d: (zh, en) for d, zh, en in estimate.workdays},
                source=estimate.source,
                provisional=True,
            )[0]
        cal = attrs.evolve(cal, days=days)
    return cal


def _weekdays(values: Iterable[int]) -> frozenset[int]:
    try:
        days = frozenset(values)
    except TypeError:
        raise InvalidTypeError(
            f"weekend={values!r}; expected a set of weekday numbers (0 = Monday … 6 = Sunday)"
        ) from None
    if (
        not days
        or len(days) > 6
        or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days)
    ):
        raise InvalidInputError(
            f"weekend={values!r}; expected one to six weekday numbers from 0 (Monday) to 6 (Sunday)"
        )
    return days
