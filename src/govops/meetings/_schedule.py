"""Sittings from a meeting type's schedule: dates on a working-day calendar, and where they moved.

The dates come from the rule language (``docs/explanation/counting.md``): each occurrence is
computed from its own period, a nominal day that is a rest day moves to the next working day unless
that leaves its month (modified following), and occurrences that land on the same day are merged.
This module adds what a meeting calendar needs on top: which nominal days each sitting stands for
(so a reader sees that the Monday meeting of 2026-02-24 replaces the Mondays 2026-02-16 and
2026-02-23 of the Spring Festival), and the sittings themselves.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, final

import attrs

from ..exceptions import (
    CalendarCoverageError,
    InvalidInputError,
    InvalidTypeError,
    MeetingError,
    RuleError,
)
from ..rules import Rule, parse_rule
from ..tasks import Unit
from ._model import Meeting, MeetingBasis, MeetingType, meeting_id, to_tuple

if TYPE_CHECKING:
    from ..calendars import WorkCalendar

__all__ = ["MeetingSeries", "Occurrence", "schedule", "schedule_many"]

# How far back to look for the sitting before the first one in range (a yearly schedule's).
_LOOK_BACK = dt.timedelta(days=400)


@final
@attrs.frozen
class Occurrence:
    """One sitting day of a schedule and the nominal days it stands for.

    ``nominal`` holds the days the schedule names before any roll that land on ``date``: just
    ``(date,)`` for a sitting on its own day, the holiday(s) it was moved from otherwise, several
    when collisions were merged. It is ``(date,)`` too for schedules whose days are counted on the
    working-day calendar itself ("the last working day of the quarter"), which never move.
    """

    date: dt.date
    nominal: tuple[dt.date, ...] = attrs.field(kw_only=True, converter=to_tuple)

    @property
    def is_moved(self) -> bool:
        """True when the sitting is not on (only) its own nominal day."""
        return self.nominal != (self.date,)


@final
@attrs.frozen
class MeetingSeries:
    """The sittings of one meeting type for one convener over ``[start, end]``.

    ``rrule`` is the RFC 5545 rule of the nominal days (``None`` when the days depend on the
    working-day calendar itself) and ``nominal`` those days in the range; ``skipped`` are nominal
    days in the range that no sitting took (dropped by a "skip holidays" schedule).
    """

    meeting_type: MeetingType
    start: dt.date = attrs.field(kw_only=True)
    end: dt.date = attrs.field(kw_only=True)
    convener: Unit | None = attrs.field(kw_only=True)
    rrule: str | None = attrs.field(kw_only=True)
    occurrences: tuple[Occurrence, ...] = attrs.field(kw_only=True, converter=to_tuple)
    skipped: tuple[dt.date, ...] = attrs.field(default=(), kw_only=True, converter=to_tuple)
    nominal: tuple[dt.date, ...] = attrs.field(default=(), kw_only=True, converter=to_tuple)
    meetings: tuple[Meeting, ...] = attrs.field(kw_only=True, converter=to_tuple)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The sitting days, in order."""
        return tuple(o.date for o in self.occurrences)

    @property
    def moved(self) -> tuple[Occurrence, ...]:
        """The sittings that do not fall on (only) their own nominal day."""
        return tuple(o for o in self.occurrences if o.is_moved)

    def __len__(self) -> int:
        return len(self.occurrences)

    @property
    def exdates(self) -> tuple[dt.date, ...]:
        """Nominal days in the range with no sitting on them (moved, merged or skipped)."""
        held = set(self.dates)
        return tuple(d for d in self.nominal if d not in held)

    @property
    def rdates(self) -> tuple[dt.date, ...]:
        """Sitting days that are not nominal days (where moved sittings landed); every day when
        the schedule has no RRULE."""
        if self.rrule is None:
            return self.dates
        nominal = set(self.nominal)
        return tuple(d for d in self.dates if d not in nominal)


class _Computed(NamedTuple):
    rrule: str | None
    occurrences: tuple[Occurrence, ...]
    skipped: tuple[dt.date, ...]
    nominal: tuple[dt.date, ...]
    previous: dt.date | None
    dates: tuple[dt.date, ...]
    isos: tuple[str, ...]


def _cadence_rule(meeting_type: MeetingType) -> Rule:
    if meeting_type.cadence is None:
        raise MeetingError(
            f"{meeting_type.name_en} ({meeting_type.key}) has no cadence: it sits only when called; "
            "use Meeting.ad_hoc(...) for each sitting"
        )
    rule = parse_rule(meeting_type.cadence)
    if not rule.is_schedule:
        raise MeetingError(
            f"cadence {meeting_type.cadence!r} of {meeting_type.key!r} is a deadline, not a schedule; "
            "write a schedule such as '每周一' or 'every month at month-end plus two days'"
        )
    return rule


def _rest_run(calendar: WorkCalendar, day: dt.date, step: int) -> dt.date:
    """The farthest day reached from ``day`` one ``step`` at a time across rest days only (``day``
    itself when the next one is a working day or outside the calendar).

    A nominal day in that run can roll onto the range it borders; one beyond it cannot, so this is
    all the calendar is asked about outside the range.
    """
    delta = dt.timedelta(days=step)
    d = day
    while calendar.covers(d + delta) and not calendar.is_working_day(d + delta):
        d += delta
    return d


def _walk(calendar: WorkCalendar, day: dt.date, step: int) -> dt.date | None:
    """The first working day strictly after (``step=1``) or before (``-1``) ``day``; ``None``
    when the calendar ends first."""
    delta = dt.timedelta(days=step)
    d = day + delta
    while calendar.covers(d):
        if calendar.is_working_day(d):
            return d
        d += delta
    return None


def _land(calendar: WorkCalendar, day: dt.date, roll: str) -> dt.date | None:
    """Where the rest day ``day`` rolls to; ``None`` when that lies beyond the calendar (and so
    outside any range the calendar covers)."""
    if roll == "preceding":
        return _walk(calendar, day, -1)
    if roll == "preceding_in_week":  # earlier in the same week, else later in it, else no sitting
        monday = day - dt.timedelta(days=day.weekday())
        sunday = monday + dt.timedelta(days=6)
        back, ahead = _walk(calendar, day, -1), _walk(calendar, day, 1)
        if back is not None and back >= monday:
            return back
        return ahead if ahead is not None and ahead <= sunday else None
    ahead = _walk(calendar, day, 1)
    if roll == "modified_following" and (ahead is None or ahead.month != day.month):
        # The calendar covers whole years, so running off its end also leaves the month.
        return _walk(calendar, day, -1)
    return ahead


def _nominal(
    rule: Rule, start: dt.date, end: dt.date, calendar: WorkCalendar
) -> tuple[dict[dt.date, list[dt.date]], list[dt.date], list[dt.date]] | None:
    """Nominal day → the day it lands on, grouped by landing day; ``None`` when the schedule's days
    are counted on working days (no nominal days to move).

    Only the nominal days that can land in ``[start, end]`` are computed: those in the range and
    those in a run of rest days touching it on the side the roll comes from, so the calendar is
    asked about no day it was not asked about for the sittings themselves.
    """
    roll = rule.effective_roll
    if roll is None or rule.to_rrule() is None:
        return None
    try:
        bare = attrs.evolve(rule, roll="none")
    except RuleError:  # pragma: no cover - effective_roll is not None, so "none" applies
        return None
    lo, hi = start, end
    if roll in ("following", "modified_following"):
        lo = _rest_run(calendar, start, -1)
    if roll == "preceding":
        hi = _rest_run(calendar, end, 1)
    elif roll == "preceding_in_week":  # a sitting never leaves its week
        lo = start - dt.timedelta(days=start.weekday())
        hi = end + dt.timedelta(days=6 - end.weekday())
    elif roll == "modified_following":
        month_end = end.replace(day=_stdcal.monthrange(end.year, end.month)[1])
        hi = min(_rest_run(calendar, end, 1), month_end)
    landed: dict[dt.date, list[dt.date]] = {}
    skipped: list[dt.date] = []
    days = bare.occurrences(lo, hi, calendar=calendar)
    for day in days:
        target: dt.date | None = day
        if calendar.is_working_day(day) or roll == "none":
            pass
        elif roll == "skip":
            if start <= day <= end:
                skipped.append(day)
            continue
        else:
            target = _land(calendar, day, roll)
            if target is None and roll == "preceding_in_week" and start <= day <= end:
                skipped.append(day)  # its week has no working day
        if target is not None and start <= target <= end:
            landed.setdefault(target, []).append(day)
    return landed, skipped, [d for d in days if start <= d <= end]


def _check_range(start: object, end: object) -> tuple[dt.date, dt.date]:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidTypeError(
                f"{name}={value!r} is a {type(value).__name__}; expected a datetime.date"
            )
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    if end < start:
        raise InvalidInputError(f"end={end!r} is before start={start!r}; expected start <= end")
    return start, end


def _occurrences(
    meeting_type: MeetingType,
    start: dt.date,
    end: dt.date,
    calendar: WorkCalendar,
) -> _Computed:
    rule = _cadence_rule(meeting_type)
    days = rule.occurrences(start, end, calendar=calendar)
    nominal = _nominal(rule, start, end, calendar)
    if nominal is None:
        occurrences = tuple(Occurrence(d, nominal=(d,)) for d in days)
        skipped: tuple[dt.date, ...] = ()
        bare: tuple[dt.date, ...] = ()
    else:
        landed, skipped_list, bare_list = nominal
        occurrences = tuple(Occurrence(d, nominal=tuple(sorted(landed.get(d, [d])))) for d in days)
        skipped, bare = to_tuple(skipped_list), to_tuple(bare_list)
    # The sitting before the first one in range: the window for "no progress since last time".
    # Asked only where the calendar has data; a schedule whose sittings near the calendar's first
    # day depend on days before it has no previous sitting there either.
    first = max(start - _LOOK_BACK, dt.date(calendar.first_year, 1, 1))
    day_before = start - dt.timedelta(days=1)
    try:
        before = rule.occurrences(first, day_before, calendar=calendar)
    except CalendarCoverageError:
        before = []
    previous = before[-1] if before else None
    rrule = rule.to_rrule() if nominal is not None else None
    dates = tuple(o.date for o in occurrences)
    isos = tuple(d.isoformat() for d in dates)
    return _Computed(rrule, occurrences, skipped, bare, previous, dates, isos)


_set = object.__setattr__


def _series(
    meeting_type: MeetingType,
    start: dt.date,
    end: dt.date,
    convener: Unit | None,
    computed: _Computed,
) -> MeetingSeries:
    rrule, occurrences, skipped, bare, previous, dates, isos = computed
    prefix = meeting_id(meeting_type, convener, start).rsplit("/", 1)[0] + "/"
    # The sittings are built without re-running the validators: every value was checked once for
    # the whole series (the type and convener by the caller, the dates by the calendar), and
    # schedule_many builds 140,000 of them for a town system of 1,000 units
    # (benchmarks/bench_meetings.py). test_scheduled_sittings_equal_validated_ones pins this.
    meetings: list[Meeting] = []
    append = meetings.append
    new, put, cls = object.__new__, _set, Meeting
    basis = MeetingBasis.SCHEDULED
    nobody: frozenset[str] = frozenset()  # no restricted guests invited to a scheduled sitting
    for d, prev, iso in zip(dates, [previous, *dates], isos, strict=False):
        m = new(cls)
        put(m, "meeting_type", meeting_type)
        put(m, "date", d)
        put(m, "id", prefix + iso)
        put(m, "convener", convener)
        put(m, "basis", basis)
        put(m, "approved_by", None)
        put(m, "plan_ref", None)
        put(m, "previous", prev)
        put(m, "reason", "")
        put(m, "invited", nobody)
        put(m, "invitation_approved_by", None)
        append(m)
    return MeetingSeries(
        meeting_type,
        start=start,
        end=end,
        convener=convener,
        rrule=rrule,
        occurrences=occurrences,
        skipped=skipped,
        nominal=bare,
        meetings=meetings,
    )


def schedule(
    meeting_type: MeetingType,
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkCalendar,
    convener: Unit | None = None,
) -> MeetingSeries:
    """The sittings of ``type`` with ``start <= date <= end`` on ``calendar``.

    >>> import datetime as dt, govops
    >>> from govops.meetings import presets, schedule
    >>> cal = govops.calendar("CN")
    >>> s = schedule(presets.LEADERSHIP_MEETING, dt.date(2026, 2, 1), dt.date(2026, 2, 28), calendar=cal)
    >>> [str(d) for d in s.dates]
    ['2026-02-02', '2026-02-09', '2026-02-24']
    >>> [str(d) for d in s.moved[0].nominal]       # the two Spring Festival Mondays, merged
    ['2026-02-16', '2026-02-23']
    """
    if not isinstance(meeting_type, MeetingType):
        raise InvalidTypeError(f"meeting_type={meeting_type!r}; expected a MeetingType")
    if convener is not None and not isinstance(convener, Unit):
        raise InvalidTypeError(f"convener={convener!r}; expected a Unit or None")
    start, end = _check_range(start, end)
    return _series(
        meeting_type, start, end, convener, _occurrences(meeting_type, start, end, calendar)
    )


def schedule_many(
    meeting_type: MeetingType,
    conveners: Iterable[Unit],
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkCalendar,
) -> tuple[MeetingSeries, ...]:
    """One series per convener (e.g. every leader's weekly meeting), the dates computed once."""
    if not isinstance(meeting_type, MeetingType):
        raise InvalidTypeError(f"meeting_type={meeting_type!r}; expected a MeetingType")
    units = tuple(conveners)
    for unit in units:
        if not isinstance(unit, Unit):
            raise InvalidTypeError(f"conveners contains {unit!r}; expected Unit values")
    start, end = _check_range(start, end)
    computed = _occurrences(meeting_type, start, end, calendar)
    return tuple(_series(meeting_type, start, end, unit, computed) for unit in units)
