"""An independent reference for the rule-language corpus: dates from ``chinesecalendar``.

Each corpus row states its meaning in a small notation of its own (written by hand from the
phrase, not produced by govops), and this module computes the due date from it with
``chinese_calendar.is_workday``, one day at a time, with no code shared with govops. The corpus
test holds govops to these dates.

Notation (fields separated by spaces; ``by`` = a deadline, rolled forward; ``event`` = rolled
modified following, staying in its month; ``inweek`` = rolled earlier in the same week, else later
in it, else no date that week):

* ``cal N`` N calendar days after the trigger, rolled forward; ``cal -N`` before it, rolled back
* ``wd N`` the N-th working day after the trigger (``wd -N``: before it)
* ``months N`` the same day N months later (the month's last day if it has none), rolled forward
* ``date YYYY-MM-DD`` a fixed date, rolled forward
* ``nextmonth D`` day D of the next month, rolled forward
* ``nextyear M/D`` month M, day D of the next year (Feb 29: Feb 28 without one), rolled forward
* ``end P [+N|+Nwd|+Nm]`` the end of the trigger's period P (xun, month, quarter, half, year),
  plus N days (rolled forward), N working days, or N months (rolled forward)
* ``holiday after N`` / ``holiday before N`` the N-th working day after (before) the first
  block of rest days holding a statutory holiday that gives a date after the trigger
* ``every P SEL by|event [months=1,4,7,10] [every=2 phase=YYYY-MM-DD]`` the first date of a
  schedule strictly after the trigger; SEL is ``day=D[,D]``, ``end``, ``end+N``, ``end+Nwd``,
  ``start``, ``date=M/D``, ``wd=N`` (n-th working day, negative from the end),
  ``weekday=W[,W]`` (0 is Monday), ``nthweekday=N/W``
"""

from __future__ import annotations

import calendar as stdcal
import datetime as dt

import chinese_calendar

ONE = dt.timedelta(days=1)


def work(d: dt.date) -> bool:
    return bool(chinese_calendar.is_workday(d))


def forward(d: dt.date) -> dt.date:
    while not work(d):
        d += ONE
    return d


def back(d: dt.date) -> dt.date:
    while not work(d):
        d -= ONE
    return d


def modified(d: dt.date) -> dt.date:
    f = forward(d)
    return f if f.month == d.month else back(d)


def in_week(d: dt.date) -> dt.date | None:
    """Earlier in the same week (Monday to Sunday), else later in it; None if it has no working day."""
    monday = d - dt.timedelta(days=d.weekday())
    earlier = [monday + dt.timedelta(days=i) for i in range(d.weekday() - 1, -1, -1)]
    later = [monday + dt.timedelta(days=i) for i in range(d.weekday() + 1, 7)]
    return next((x for x in [d, *earlier, *later] if work(x)), None)


ROLLS = {"by": forward, "event": modified, "inweek": in_week}


def add_wd(d: dt.date, n: int) -> dt.date:
    step = ONE if n > 0 else -ONE
    left = abs(n)
    while left:
        d += step
        if work(d):
            left -= 1
    return d


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, stdcal.monthrange(year, month)[1]))


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, stdcal.monthrange(year, month)[1])


def period(kind: str, d: dt.date) -> tuple[dt.date, dt.date]:
    if kind == "week":
        start = d - dt.timedelta(days=d.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == "xun":
        if d.day <= 10:
            return d.replace(day=1), d.replace(day=10)
        if d.day <= 20:
            return d.replace(day=11), d.replace(day=20)
        return d.replace(day=21), last_day(d.year, d.month)
    size = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    first = (d.month - 1) // size * size + 1
    return dt.date(d.year, first, 1), last_day(d.year, first + size - 1)


def _offset(anchor: dt.date, text: str, roll: str) -> dt.date | None:
    if not text:
        return ROLLS[roll](anchor)
    if text.endswith("wd"):
        return add_wd(anchor, int(text[:-2]))
    if text.endswith("m"):
        return forward(add_months(anchor, int(text[:-1])))
    return ROLLS[roll](anchor + dt.timedelta(days=int(text)))


def _occurrences(kind: str, sel: str, roll: str, ps: dt.date, pe: dt.date) -> list[dt.date | None]:
    rolled = ROLLS[roll]
    name, _, value = sel.partition("=")
    if name == "day":
        return [
            rolled(dt.date(ps.year, ps.month, min(int(v), last_day(ps.year, ps.month).day)))
            for v in value.split(",")
        ]
    if name.startswith("end"):
        return [_offset(pe, name[3:].lstrip("+"), roll)]
    if name == "start":
        return [rolled(ps)]
    if name == "date":
        m, day = (int(x) for x in value.split("/"))
        return [rolled(dt.date(ps.year, m, min(day, last_day(ps.year, m).day)))]
    if name == "weekday":
        return [rolled(ps + dt.timedelta(days=int(w))) for w in value.split(",")]
    if name == "wd":
        n = int(value)
        days = [ps + dt.timedelta(days=i) for i in range((pe - ps).days + 1)]
        working = [d for d in days if work(d)]
        if len(working) < abs(n):
            return []
        return [working[n - 1] if n > 0 else working[n]]
    if name == "nthweekday":
        n, w = (int(x) for x in value.split("/"))
        days = [
            ps + dt.timedelta(days=i)
            for i in range((pe - ps).days + 1)
            if (ps + dt.timedelta(days=i)).weekday() == w
        ]
        if len(days) < abs(n):
            return []
        return [rolled(days[n - 1] if n > 0 else days[n])]
    raise ValueError(sel)


def _schedule(t: dt.date, words: list[str]) -> dt.date:
    kind, sel, roll, *options = words
    opts = dict(o.split("=") for o in options)
    months = {int(m) for m in opts["months"].split(",")} if "months" in opts else None
    every = int(opts.get("every", 1))
    phase = dt.date.fromisoformat(opts["phase"]) if "phase" in opts else None
    found: list[dt.date] = []
    # Start well before the trigger (a late period's date can roll back past it) and stop one
    # period after the first that gives a date after it, so no year past the answer is asked for.
    d = t - dt.timedelta(days=400)
    extra = 1
    while d <= t + dt.timedelta(days=800):
        ps, pe = period(kind, d)
        d = pe + ONE
        if months is not None and ps.month not in months:
            continue
        if phase is not None:
            monday = phase - dt.timedelta(days=phase.weekday())
            if ((ps - monday).days // 7) % every:
                continue
        if found:
            if not extra:
                break
            extra -= 1
        found += [x for x in _occurrences(kind, sel, roll, ps, pe) if x is not None and x > t]
    return min(found)


def _is_festival(d: dt.date) -> bool:
    on_holiday, name = chinese_calendar.get_holiday_detail(d)
    return bool(on_holiday and name is not None)


def _around_holiday(t: dt.date, side: str, n: int) -> dt.date:
    """The n-th working day after (or before) the first holiday block that gives one after t."""
    d = t - dt.timedelta(days=90)
    while d <= t + dt.timedelta(days=400):
        if _is_festival(d):
            first = last = d
            while not work(first - ONE):
                first -= ONE
            while not work(last + ONE):
                last += ONE
            found = add_wd(last, n) if side == "after" else add_wd(first, -n)
            if found > t:
                return found
            d = last
        d += ONE
    raise ValueError("no holiday")


def due(meaning: str, trigger: dt.date) -> dt.date:
    """The date ``meaning`` gives for ``trigger`` (see the module docstring)."""
    kind, *words = meaning.split()
    if kind == "cal":
        n = int(words[0])
        raw = trigger + dt.timedelta(days=n)
        if words[1:] == ["none"]:
            return raw
        return forward(raw) if n > 0 else back(raw)
    if kind == "wd":
        return add_wd(trigger, int(words[0]))
    if kind == "months":
        return forward(add_months(trigger, int(words[0])))
    if kind == "date":
        return forward(dt.date.fromisoformat(words[0]))
    if kind == "nextmonth":
        nxt = add_months(trigger.replace(day=1), 1)
        return forward(nxt.replace(day=min(int(words[0]), last_day(nxt.year, nxt.month).day)))
    if kind == "nextyear":
        month, day = (int(x) for x in words[0].split("/"))
        year = trigger.year + 1
        return forward(dt.date(year, month, min(day, last_day(year, month).day)))
    if kind == "end":
        _, pe = period(words[0], trigger)
        result = _offset(pe, words[1].lstrip("+") if len(words) > 1 else "", "by")
        assert result is not None  # a deadline always has a date
        return result
    if kind == "every":
        return _schedule(trigger, words)
    if kind == "holiday":
        return _around_holiday(trigger, words[0], int(words[1]))
    raise ValueError(meaning)
