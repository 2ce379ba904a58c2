"""Suspensions that stop the clock: the due date and expected progress, to the day.

Every date is on the 2026 CN calendar around Mid-Autumn (Fri 25 Sep off, Sun 20 Sep a make-up
workday) and National Day (1-7 Oct off, Sat 10 Oct a make-up workday).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govops.calendars as gc
from govops.tasks import (
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    Ledger,
    Milestone,
    Plan,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskResumed,
    TaskSuspended,
    Unit,
    expected_percent,
)
from govops.tasks._progress import Basis

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=CST)


def ledger_for(deadline: Deadline, *, plan: Plan | None = None) -> Ledger:
    """T1 assigned and accepted on Fri 18 Sep 2026 (its start)."""
    task = Task(
        "T1",
        "Answer the disclosure request",
        category="key_task",
        responsibility=Responsibility(Unit("office", "General office")),
        deadline=deadline,
        start=D(2026, 9, 18),
        plan=plan,
    )
    ledger = Ledger(calendar=CAL).record(TaskAssigned(task), actor="office", at=at(9, 18))
    return ledger.record(TaskAccepted("T1"), actor="office", at=at(9, 18, 10))


def paused(ledger: Ledger, since: tuple[int, int], until: tuple[int, int]) -> Ledger:
    ledger = ledger.record(TaskSuspended("T1"), actor="office", at=at(*since))
    return ledger.record(TaskResumed("T1"), actor="office", at=at(*until))


WORKING = Deadline.from_rule(
    "20个工作日内", trigger=D(2026, 9, 18), clock_stops_when_suspended=True
)
CALENDAR = Deadline.from_rule("15日内", trigger=D(2026, 9, 18), clock_stops_when_suspended=True)


class TestDueDate:
    def test_the_rules_before_any_pause(self) -> None:
        # 20 working days after Fri 18 Sep: Sun 20 Sep counts, 25 Sep and 1-7 Oct do not.
        assert ledger_for(WORKING).state("T1").due == D(2026, 10, 22)
        # 15 days after 18 Sep is Sat 3 Oct, inside the holiday: rolled to Thu 8 Oct.
        assert ledger_for(CALENDAR).state("T1").due == D(2026, 10, 8)

    def test_a_working_day_deadline_moves_on_by_the_working_days_paused(self) -> None:
        # Suspended Mon 21 Sep, resumed Thu 24 Sep: 22, 23 and 24 Sep are 3 working days.
        state = paused(ledger_for(WORKING), (9, 21), (9, 24)).state("T1")
        assert state.suspended_working_days == 3
        assert state.paused == ((D(2026, 9, 21), D(2026, 9, 24)),)
        assert state.due == D(2026, 10, 27)  # 22 Oct + 23, 26, 27 Oct

    def test_a_calendar_day_deadline_is_counted_again_from_a_later_trigger(self) -> None:
        # Three calendar days paused: 15 days from 21 Sep is Tue 6 Oct, still in the holiday, so
        # the deadline still rolls to 8 Oct. Adding 3 working days to 8 Oct (12 Oct) would give
        # the unit time it never lost.
        state = paused(ledger_for(CALENDAR), (9, 21), (9, 24)).state("T1")
        assert state.due == D(2026, 10, 8)

    def test_a_long_pause_on_a_calendar_day_deadline(self) -> None:
        # 21 days paused (21 Sep to 12 Oct): 15 days from 9 Oct is Sat 24 Oct, rolled to Mon 26.
        state = paused(ledger_for(CALENDAR), (9, 21), (10, 12)).state("T1")
        assert state.due == D(2026, 10, 26)

    def test_while_suspended_the_due_date_runs_on_with_the_pause(self) -> None:
        ledger = ledger_for(CALENDAR).record(TaskSuspended("T1"), actor="office", at=at(9, 21))
        # On 12 Oct the clock has stood 21 days: the due date in force is 26 Oct, so not overdue.
        assert ledger.overdue(now=at(10, 12)) == ()
        assert [s.id for s in ledger.due_within(10, now=at(10, 12))] == ["T1"]
        # A week later the clock has stood 28 days: 15 days from 16 Oct is Sat 31 Oct, rolled to
        # Mon 2 Nov, more than 5 working days away, so no blue light while the clock stands.
        assert ledger.due_within(5, now=at(10, 19)) == ()
        assert [s.id for s in ledger.due_within(10, now=at(10, 19))] == ["T1"]
        assert ledger.warning("T1", now=at(10, 19)) is None

    def test_a_pause_without_clock_stop_changes_nothing(self) -> None:
        deadline = Deadline.from_rule("20个工作日内", trigger=D(2026, 9, 18))
        state = paused(ledger_for(deadline), (9, 21), (9, 24)).state("T1")
        assert state.due == D(2026, 10, 22)
        assert state.paused == ()
        assert state.suspended_working_days == 3

    def test_a_later_deadline_is_not_extended_by_an_earlier_pause(self) -> None:
        ledger = paused(ledger_for(WORKING), (9, 21), (9, 24))
        new = Deadline.on(D(2026, 10, 30), clock_stops_when_suspended=True)
        ledger = ledger.record(DeadlineChangeRequested("T1", new), actor="office", at=at(9, 28))
        ledger = ledger.record(DeadlineChangeApproved("T1"), actor="leader", at=at(9, 28, 11))
        assert ledger.state("T1").due == D(2026, 10, 30)
        # A pause after the change extends it by its own working days: 12 and 13 Oct (11 Oct is
        # a Sunday), so Fri 30 Oct moves to Tue 3 Nov.
        ledger = paused(ledger, (10, 10), (10, 13))
        state = ledger.state("T1")
        assert state.due == D(2026, 11, 3)
        assert state.suspended_working_days == 3 + 2


class TestExpectedProgress:
    def test_time_paused_is_not_time_elapsed(self) -> None:
        ledger = paused(ledger_for(WORKING), (9, 21), (9, 24))
        check = ledger.progress("T1", now=at(10, 12))
        # By 12 Oct, 12 working days have passed since 18 Sep, 3 of them paused: 9 of the 20
        # working days the task has (23 to the extended due date, less the 3 paused).
        assert check.expected == pytest.approx(45.0)
        # The light agrees: a unit that reported 40% is within the 10-point tolerance.
        ledger = ledger.record(ProgressReported("T1", percent=40), actor="office", at=at(10, 12))
        assert ledger.warning("T1", now=at(10, 12, 18)) is None

    def test_without_clock_stop_the_pause_counts_as_elapsed(self) -> None:
        deadline = Deadline.from_rule("20个工作日内", trigger=D(2026, 9, 18))
        ledger = paused(ledger_for(deadline), (9, 21), (9, 24))
        assert ledger.progress("T1", now=at(10, 12)).expected == pytest.approx(12 * 100 / 20)

    def test_expected_progress_stands_still_during_a_suspension(self) -> None:
        ledger = ledger_for(WORKING).record(TaskSuspended("T1"), actor="office", at=at(9, 21))
        on_the_day = ledger.progress("T1", now=at(9, 21, 18)).expected
        assert on_the_day == pytest.approx(2 * 100 / 20)  # 20 and 21 Sep
        for month, day in ((9, 24), (10, 9), (10, 30)):
            assert ledger.progress("T1", now=at(month, day, 18)).expected == on_the_day

    def test_time_travel_sees_the_pause_as_it_stood(self) -> None:
        ledger = paused(ledger_for(WORKING), (9, 21), (9, 24))
        assert ledger.state("T1", at=at(9, 22)).paused == ()
        assert ledger.state("T1", at=at(9, 22)).due == D(2026, 10, 22)
        assert ledger.state("T1", at=at(9, 25)).due == D(2026, 10, 27)

    def test_plan_milestones_with_a_pause(self) -> None:
        # Half the work by 30 Sep; paused from 21 to 24 Sep.
        plan = Plan((Milestone("half", D(2026, 9, 30), cumulative_percent=50),))
        ledger = paused(ledger_for(WORKING, plan=plan), (9, 21), (9, 24))
        # (18 Sep, 28 Sep] has 6 working days (20, 21, 22, 23, 24, 28), 3 of them paused;
        # (18 Sep, 30 Sep] has 8, 3 paused: 3 of 5 active days give 50% x 3/5 = 30%.
        assert ledger.progress("T1", now=at(9, 28)).expected == pytest.approx(30.0)


class TestExpectedPercent:
    @settings(max_examples=200, deadline=None)
    @given(
        start=st.dates(D(2026, 1, 1), D(2026, 6, 30)),
        length=st.integers(1, 120),
        since=st.integers(0, 150),
        pause=st.integers(1, 40),
        today=st.integers(0, 200),
        basis=st.sampled_from(Basis),
    )
    def test_a_pause_is_the_same_as_shifting_the_rest_of_the_schedule(
        self, start: dt.date, length: int, since: int, pause: int, today: int, basis: Basis
    ) -> None:
        """Removing a pause from the timeline: expected progress on a day after the pause equals
        expected progress, without the pause, on the day as many days earlier."""
        due = start + dt.timedelta(days=length + pause)
        stop = start + dt.timedelta(days=since)
        resume = stop + dt.timedelta(days=pause)
        day = start + dt.timedelta(days=today)
        if basis is Basis.WORKING_DAYS:
            step = CAL.working_days_between
        else:

            def step(a: dt.date, b: dt.date) -> int:
                return (b - a).days

        value = expected_percent(
            start=start, due=due, today=day, calendar=CAL, basis=basis, paused=[(stop, resume)]
        )
        assert 0.0 <= value <= 100.0
        if day <= start or day >= due:
            return
        elapsed = step(start, day) - max(0, step(max(start, stop), min(day, resume)))
        total = step(start, due) - max(0, step(max(start, stop), min(due, resume)))
        if total > 0:
            assert value == pytest.approx(100.0 * elapsed / total)


class TestSupervision:
    def test_no_reminder_for_time_the_clock_stood_still(self) -> None:
        from govops.escalation import CITY_KEY_WORK_POLICY, NoticeKind, supervise

        ledger = ledger_for(WORKING)
        first = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(9, 18, 12))
        assert [n.kind for n in first.notices] == [NoticeKind.ASSIGNMENT]
        ledger = first.record(ledger, actor="supervision office")
        ledger = paused(ledger, (9, 21), (9, 24))
        ledger = ledger.record(ProgressReported("T1", percent=40), actor="office", at=at(10, 12))
        # 45% is expected on 12 Oct (see above): 40% is within the reminder's 10 points. Counting
        # the pause as elapsed (52.2%) would send a reminder (催办单).
        decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(10, 12, 18))
        assert [n for n in decision.notices if n.task_id == "T1"] == []
        # At 30% it is behind by 15 points, and the reminder goes out.
        ledger = ledger.record(
            ProgressReported("T1", percent=30), actor="office", at=at(10, 12, 19)
        )
        decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=CAL, now=at(10, 12, 20))
        assert [n.kind for n in decision.notices] == [NoticeKind.REMINDER]
