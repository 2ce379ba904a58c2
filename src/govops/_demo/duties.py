"""The duties part of ``govops demo``: a quarter's reporting duties generated, one missed and
escalated (pure; the CLI prints the lines)."""

from __future__ import annotations

import datetime as dt

from ..calendars import WorkCalendar
from ..duties import QUARTERLY_PROGRESS_REPORT, TRIP_SUMMARY, Occasion, record_duties
from ..escalation import CITY_KEY_WORK_POLICY, supervise
from ..tasks import Ledger, TaskAccepted, TaskCompleted, Unit

__all__ = ["demo_duty_lines"]

_CST = dt.timezone(dt.timedelta(hours=8))
_UNITS = (
    Unit("economy", "经济发展办"),
    Unit("planning", "规划建设办"),
    Unit("social", "社会事务办"),
)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=_CST)


def demo_duty_lines(calendar: WorkCalendar) -> list[str]:
    """The third quarter of 2026: the quarterly report (季汇报) generated per unit, two units report,
    one misses the day after National Day and the ladder escalates; a trip's summary is due
    "及时", a term the policy reads.

    >>> import govops
    >>> lines = demo_duty_lines(govops.calendar("CN"))
    >>> lines[0]
    'Duties become ledger work: the 2026-Q3 quarterly report (季汇报)'
    >>> any("interview" in line and "planning" in line for line in lines)
    True
    """
    d = dt.date
    duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(*_UNITS)
    lines = [
        "Duties become ledger work: the 2026-Q3 quarterly report (季汇报)",
        "-" * 64,
        f"{duty.source}: {duty.source.quote}",
    ]
    ledger = record_duties(Ledger(calendar=calendar), [duty], now=_at(d(2026, 7, 3)))
    again = record_duties(ledger, [duty], now=_at(d(2026, 7, 3)))
    lines.append(
        f"generated on 2026-07-03: {len(ledger)} tasks; generated again: "
        f"{len(again) - len(ledger)} more (ids are stable)"
    )
    lines += (
        f"  {s.id}  due {s.due} · {s.task.responsibility.lead_unit.name}" for s in ledger.states()
    )
    lines.append(
        "  (Sep 30 + 2 days = Oct 2, National Day: rolled to Thu Oct 8, the first working day)"
    )
    reported = [t for t in ledger.task_ids if not t.endswith("/planning")]
    ledger = ledger.record_many(
        [(TaskAccepted(t), t.rsplit("/", 1)[1], _at(d(2026, 9, 28)), "") for t in reported]
        + [(TaskCompleted(t), t.rsplit("/", 1)[1], _at(d(2026, 9, 30), 16), "") for t in reported]
    )
    lines.append("economy and social report on 2026-09-30; planning does not.")
    for day in (d(2026, 9, 30), d(2026, 10, 8), d(2026, 10, 9)):
        now = _at(day, 18)
        decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=calendar, now=now)
        lines += (f"  {day} {n.kind} → {n.task_id}: {n.reason}" for n in decision.notices)
        ledger = decision.record(ledger, actor="督查室")
    trip = Occasion(
        TRIP_SUMMARY.id, d(2026, 9, 30), Unit("commerce", "商务局"), key="招商-深圳-2026-09"
    )
    ledger = record_duties(ledger, [TRIP_SUMMARY], now=_at(d(2026, 10, 9), 19), occasions=[trip])
    lines.append("A trip ends 2026-09-30; its summary report is due 及时:")
    explanation = TRIP_SUMMARY.explain(trip.on, calendar=calendar, lang="en")
    lines += [f"  {line}" for line in explanation.lines()[:3]]
    lines.append(f"  … due {explanation.due}")
    return lines
